from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ReceptionCase


@tagged("post_install", "-at_install")
class TestAccess(ReceptionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.own = cls.make_lead(name="王的线索")
        cls.other = cls.make_lead(name="李的线索", user_id=cls.li.id)
        cls.free = cls.make_lead(name="未分配", user_id=False)
        cls.other.care_objection_ids = [
            (0, 0, {"objection_id": cls.env.ref("care_reception.objection_price").id})
        ]

    def test_reception_sees_own_and_unassigned_leads(self):
        Lead = self.Lead.with_user(self.wang)
        visible = Lead.search([("id", "in", (self.own | self.other | self.free).ids)])
        self.assertEqual(visible, self.own | self.free)
        with self.assertRaises(AccessError):
            self.other.with_user(self.wang).read(["name"])
        with self.assertRaises(AccessError):
            self.other.with_user(self.wang).write({"care_intent": "high"})
        self.own.with_user(self.wang).write({"care_budget": "3to5k"})
        self.assertEqual(self.own.care_budget, "3to5k")

    def test_history_report_and_objections_follow_the_lead(self):
        History = self.env["care.lead.stage.history"].with_user(self.wang)
        self.assertFalse(History.search([("lead_id", "=", self.other.id)]))
        self.assertTrue(History.search([("lead_id", "=", self.own.id)]))
        Report = self.env["care.funnel.report"].with_user(self.wang)
        self.assertFalse(Report.search([("lead_id", "=", self.other.id)]))
        tag = self.env.ref("care_reception.tag_value")
        (self.own | self.other).tag_ids = tag
        TagReport = self.env["care.funnel.tag.report"]
        self.assertEqual(
            TagReport.with_user(self.wang)
            .search(
                [
                    ("tag_id", "=", tag.id),
                    ("lead_id", "in", (self.own | self.other).ids),
                ]
            )
            .lead_id,
            self.own,
        )
        self.assertEqual(
            TagReport.with_user(self.manager)
            .search(
                [
                    ("tag_id", "=", tag.id),
                    ("lead_id", "in", (self.own | self.other).ids),
                ]
            )
            .lead_id,
            self.own | self.other,
        )
        Objection = self.env["care.lead.objection"].with_user(self.wang)
        self.assertFalse(Objection.search([("lead_id", "=", self.other.id)]))
        self.assertTrue(
            self.env["care.lead.objection"]
            .with_user(self.manager)
            .search([("lead_id", "=", self.other.id)])
        )

    def test_manager_sees_every_lead(self):
        Lead = self.Lead.with_user(self.manager)
        visible = Lead.search([("id", "in", (self.own | self.other | self.free).ids)])
        self.assertEqual(visible, self.own | self.other | self.free)

    def test_configuration_is_the_managers(self):
        Package = self.env["care.package"]
        self.assertTrue(Package.with_user(self.wang).search([]))
        with self.assertRaises(AccessError):
            Package.with_user(self.wang).create({"name": "X", "monthly_price": 1})
        with self.assertRaises(AccessError):
            self.env["care.objection"].with_user(self.wang).create({"name": "X"})
        with self.assertRaises(AccessError):
            self.env["care.lead.stage.history"].with_user(self.wang).create(
                {
                    "lead_id": self.own.id,
                    "stage_id": self.stage_new.id,
                    "date_in": "2026-01-01 00:00:00",
                }
            )
        Package.with_user(self.manager).create({"name": "新套餐", "monthly_price": 10})

    def test_other_roles_have_no_leads(self):
        dispatcher = self.env["res.users"].create(
            {
                "name": "调度",
                "login": "rc_dispatcher",
                "groups_id": [
                    (6, 0, [self.env.ref("elder_crm.group_care_dispatcher").id])
                ],
            }
        )
        with self.assertRaises(AccessError):
            self.Lead.with_user(dispatcher).search([])
        with self.assertRaises(AccessError):
            self.env["care.funnel.tag.report"].with_user(dispatcher).search([])
        with self.assertRaises(AccessError):
            self.env["survey.survey"].with_user(dispatcher).create({"title": "X"})

    def test_reception_sends_questionnaires(self):
        survey = self.env.ref("care_reception.survey_previsit")
        self.assertTrue(survey.with_user(self.wang).title)
        self.own.email_from = "family@example.com"
        self.own.with_user(self.wang).action_care_send_questionnaire()
        self.assertIn(
            "answer_token=", self.own.with_user(self.wang).care_questionnaire_url
        )
        with self.assertRaises(AccessError):
            self.other.with_user(self.wang).action_care_send_questionnaire()
