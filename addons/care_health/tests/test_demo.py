from odoo.tests import tagged

from .common import HealthCase


@tagged("post_install", "-at_install")
class TestDemo(HealthCase):
    """The generated demo: 30 patients with a year of follow-ups in every
    class, a referral sent, open and late interventions (only when the
    database has demo data)."""

    def test_generated_patients(self):
        first = self.env.ref("care_health.demo_patient_01", raise_if_not_found=False)
        if not first:
            self.skipTest("no demo data in this database")
        elders = self.env["care.elder"].browse(
            self.env["ir.model.data"]
            .search([("module", "=", "care_health"), ("name", "like", "demo_patient_")])
            .mapped("res_id")
        )
        self.assertEqual(len(elders), 30)
        registries = self.Registry.search([("elder_id", "in", elders.ids)])
        self.assertEqual(len(registries), 30)
        self.assertEqual(
            set(registries.mapped("disease")), {"hypertension", "diabetes"}
        )
        done = self.Followup.search(
            [("elder_id", "in", elders.ids), ("state", "=", "done")]
        )
        self.assertGreaterEqual(len(done), 110)
        self.assertEqual(
            set(done.mapped("classification")),
            {"controlled", "uncontrolled", "referral", "danger"},
        )
        # the chain of visits: each later visit knows the one before
        for registry in registries:
            visits = done.filtered(lambda f, r=registry: f.registry_id == r).sorted(
                "date_done"
            )
            self.assertGreaterEqual(len(visits), 3)
            self.assertEqual(visits[1:].mapped("previous_id"), visits[:-1])
        referrals = self.Referral.search([("elder_id", "in", elders.ids)])
        self.assertIn("sent", referrals.mapped("state"))
        self.assertIn("urgent", referrals.mapped("urgency"))
        interventions = self.Intervention.search([("elder_id", "in", elders.ids)])
        self.assertTrue(interventions.filtered("overdue"), "a late intervention")
        self.assertTrue(interventions.filtered("on_time"), "a handled one")
        self.assertTrue(
            interventions.filtered(lambda i: i.state == "open" and not i.overdue)
        )
        # run once: a second call does nothing
        self.assertFalse(self.Registry._demo_generate_patients())
        self.assertEqual(
            self.Registry.search_count([("elder_id", "in", elders.ids)]), 30
        )
