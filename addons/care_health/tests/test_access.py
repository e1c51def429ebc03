from odoo.exceptions import AccessError, UserError

from odoo.addons.base.models.ir_qweb import QWebException

from .common import HealthCase

HEALTH_MODELS = (
    "care.health.registry",
    "care.health.followup",
    "care.health.reading",
    "care.health.intervention",
    "care.health.referral",
    "care.health.screening",
    "care.health.contract",
)


class TestAccess(HealthCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry_a = cls.register(cls.elder_a)
        cls.registry_b = cls.register(cls.elder_b)
        cls.followup_a = cls.Followup.create(
            {"registry_id": cls.registry_a.id, "sbp": 150, "dbp": 95}
        )
        cls.followup_b = cls.Followup.create(
            {"registry_id": cls.registry_b.id, "sbp": 150, "dbp": 95}
        )
        cls.reading_b = cls.Reading.create(
            {"elder_id": cls.elder_b.id, "sbp": 150, "dbp": 95}
        )

    def test_other_roles_read_nothing(self):
        for user in (self.reception, self.dispatcher, self.finance, self.emergency):
            for model in HEALTH_MODELS:
                with self.subTest(user=user.login, model=model):
                    with self.assertRaises(AccessError):
                        self.env[model].with_user(user).search([])
            with self.assertRaises(AccessError):
                self.followup_a.with_user(user).read(["classification"])
            # the elder's health fields are hidden from them
            with self.assertRaises(AccessError):
                self.elder_a.with_user(user).read(["health_contract_ids"])

    def test_member_sees_only_own_team(self):
        Followup = self.Followup.with_user(self.member_a)
        self.assertIn(self.followup_a, Followup.search([]))
        self.assertNotIn(self.followup_b, Followup.search([]))
        with self.assertRaises(AccessError):
            self.followup_b.with_user(self.member_a).read(["classification"])
        with self.assertRaises(AccessError):
            self.registry_b.with_user(self.member_a).read(["disease"])
        with self.assertRaises(AccessError):
            self.reading_b.with_user(self.member_a).read(["sbp"])
        # nor the other team's elder
        with self.assertRaises(AccessError):
            self.elder_b.with_user(self.member_a).read(["name"])
        self.assertEqual(
            self.env["care.elder"]
            .with_user(self.member_a)
            .search([("id", "in", (self.elder_a | self.elder_b).ids)]),
            self.elder_a,
        )

    def test_member_cannot_record_for_other_team(self):
        count = self.Followup.search_count([])
        with self.assertRaises(AccessError), self.cr.savepoint():
            self.Followup.with_user(self.member_a).create(
                {"registry_id": self.registry_b.id, "sbp": 130, "dbp": 80}
            )
        with self.assertRaises(AccessError), self.cr.savepoint():
            self.Reading.with_user(self.member_a).create(
                {"elder_id": self.elder_b.id, "sbp": 130, "dbp": 80}
            )
        with self.assertRaises(AccessError):
            self.followup_b.with_user(self.member_a).action_done()
        self.assertEqual(self.Followup.search_count([]), count)
        self.assertEqual(self.followup_b.state, "planned")

    def test_record_cannot_move_to_another_elder(self):
        reading = self.Reading.create(
            {"elder_id": self.elder_a.id, "sbp": 130, "dbp": 80}
        )
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            reading.with_user(self.member_a).write({"elder_id": self.elder_b.id})
        registry_a2 = self.register(self.elder_a, "diabetes")
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            self.followup_a.with_user(self.member_a).write(
                {"registry_id": registry_a2.id}
            )
        self.assertEqual(reading.elder_id, self.elder_a)
        self.assertEqual(self.followup_a.registry_id, self.registry_a)

    def test_member_reads_medical_part_of_own_elders(self):
        hf = self.env.ref("care_health.condition_heart_failure")
        self.elder_a.write(
            {"condition_ids": [(4, hf.id)], "medications": "呋塞米 20mg qd"}
        )
        values = self.elder_a.with_user(self.member_a).read(
            ["condition_ids", "medications"]
        )[0]
        self.assertEqual(values["condition_ids"], hf.ids)
        self.assertEqual(values["medications"], "呋塞米 20mg qd")
        with self.assertRaises(AccessError):
            self.elder_a.with_user(self.member_a).write({"medications": "x"})
        with self.assertRaises(AccessError):
            self.elder_a.with_user(self.finance).read(["condition_ids"])

    def test_referral_letter_for_member_only(self):
        referral = self.Referral.create(
            {
                "elder_id": self.elder_a.id,
                "registry_id": self.registry_a.id,
                "reason": "r",
            }
        )
        Report = self.env["ir.actions.report"]
        html = (
            Report.with_user(self.member_a)
            ._render_qweb_html("care_health.report_care_health_referral", referral.ids)[
                0
            ]
            .decode()
        )
        self.assertIn(referral.name, html)
        self.env.invalidate_all()  # the cache is shared: read again as reception
        with self.assertRaisesRegex(QWebException, "care.health.referral"):
            Report.with_user(self.reception)._render_qweb_html(
                "care_health.report_care_health_referral", referral.ids
            )

    def test_leader_sees_every_team(self):
        found = self.Followup.with_user(self.leader).search([])
        self.assertIn(self.followup_a, found)
        self.assertIn(self.followup_b, found)

    def test_closed_contract_hides_elder(self):
        contract = self.env["care.health.contract"].search(
            [("elder_id", "=", self.elder_a.id)]
        )
        contract.with_user(self.leader).action_close()
        self.assertFalse(
            self.Followup.with_user(self.member_a).search(
                [("id", "=", self.followup_a.id)]
            )
        )

    def test_member_cannot_manage_contracts_or_rules(self):
        contract = self.env["care.health.contract"].search(
            [("elder_id", "=", self.elder_a.id)]
        )
        with self.assertRaises(AccessError):
            contract.with_user(self.member_a).action_close()
        with self.assertRaises(AccessError):
            contract.with_user(self.member_a).write({"team_id": self.team_b.id})
        with self.assertRaises(AccessError):
            self.env.ref("care_health.protocol_hypertension").with_user(
                self.member_a
            ).write({"sbp_target": 160})
        self.assertEqual(contract.state, "active")

    def test_reception_keeps_every_elder(self):
        """A user both reception and health member keeps the whole archive."""
        self.reception.groups_id = [
            (4, self.env.ref("care_health.group_health_member").id)
        ]
        found = (
            self.env["care.elder"]
            .with_user(self.reception)
            .search([("id", "in", (self.elder_a | self.elder_b).ids)])
        )
        self.assertEqual(found, self.elder_a | self.elder_b)
