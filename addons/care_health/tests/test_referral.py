from datetime import date, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError

from .common import HealthCase

D0 = date(2026, 4, 1)


class TestReferral(HealthCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Hospital = cls.env["care.health.hospital"]
        cls.hospital = Hospital.create(
            {"name": "HL Hospital", "department_ids": [(0, 0, {"name": "Cardiology"})]}
        )
        cls.other = Hospital.create(
            {"name": "HL Other", "department_ids": [(0, 0, {"name": "Eye"})]}
        )
        cls.cardiology = cls.hospital.department_ids
        cls.htn = cls.register(cls.elder_a, "hypertension")

    def make_referral(self, **vals):
        return self.Referral.with_user(self.member_a).create(
            {
                "elder_id": self.elder_a.id,
                "registry_id": self.htn.id,
                "hospital_id": self.hospital.id,
                "department_id": self.cardiology.id,
                "reason": "Uncontrolled twice",
                **vals,
            }
        )

    def test_full_cycle(self):
        referral = self.make_referral()
        self.assertTrue(referral.name.startswith("REF"))
        as_member = referral.with_user(self.member_a)
        with freeze_time(D0):
            as_member.action_send()
        self.assertEqual(referral.state, "sent")
        self.assertEqual(referral.date_sent, D0)
        followup_type = self.env.ref("care_health.mail_activity_type_referral_followup")
        activity = referral.activity_ids.filtered(
            lambda a: a.activity_type_id == followup_type
        )
        self.assertEqual(
            activity.date_deadline,
            D0 + timedelta(days=14),
            "mandatory 2-week follow-up",
        )
        as_member.action_accept()
        as_member.action_seen()
        with self.assertRaisesRegex(UserError, "advice"):
            as_member.action_return()
        referral.advice = "Amlodipine 5 mg daily; review in 2 weeks."
        with freeze_time(D0 + timedelta(days=5)):
            as_member.action_return()
        self.assertEqual(referral.state, "returned")
        self.assertIn("Amlodipine", self.htn.plan_notes, "advice back into the plan")
        self.assertTrue(
            self.Followup.search_count(
                [
                    ("registry_id", "=", self.htn.id),
                    ("state", "=", "planned"),
                    ("date_planned", "<=", D0 + timedelta(days=19)),
                ]
            )
        )
        as_member.action_close()
        self.assertEqual(referral.state, "closed")
        self.assertFalse(
            referral.activity_ids.filtered(
                lambda a: a.activity_type_id == followup_type
            )
        )

    def test_flow_order_enforced(self):
        referral = self.make_referral()
        with self.assertRaisesRegex(UserError, "cannot become"):
            referral.with_user(self.member_a).action_return()
        with self.assertRaisesRegex(UserError, "cannot become"):
            referral.with_user(self.member_a).action_close()
        self.assertEqual(referral.state, "draft")

    def test_state_not_writable(self):
        referral = self.make_referral()
        with self.assertRaises(AccessError), self.cr.savepoint():
            referral.with_user(self.member_a).write({"state": "closed"})
        self.assertEqual(referral.state, "draft")

    def test_department_of_other_hospital_refused(self):
        count = self.Referral.search_count([])
        with (
            self.assertRaisesRegex(ValidationError, "has no department"),
            self.cr.savepoint(),
        ):
            self.make_referral(department_id=self.other.department_ids.id)
        self.assertEqual(self.Referral.search_count([]), count)

    def test_send_needs_destination(self):
        referral = self.make_referral(hospital_id=False, department_id=False)
        with self.assertRaisesRegex(UserError, "hospital and the department"):
            referral.with_user(self.member_a).action_send()
        self.assertEqual(referral.state, "draft")

    def test_other_roles_cannot_move(self):
        referral = self.make_referral()
        with self.assertRaises(AccessError):
            referral.with_user(self.reception).action_send()
        with self.assertRaises(AccessError):
            referral.with_user(self.member_b).action_send()
        self.assertEqual(referral.state, "draft")

    def test_letter_pdf(self):
        referral = self.make_referral()
        self.Reading.create({"elder_id": self.elder_a.id, "sbp": 152, "dbp": 96})
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("care_health.report_care_health_referral", referral.ids)[
                0
            ]
            .decode()
        )
        self.assertIn(referral.name, html)
        self.assertIn("152", html)
        self.assertIn(self.elder_a.name, html)
