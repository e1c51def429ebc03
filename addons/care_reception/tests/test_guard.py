"""Issue 14 items 19 and 23, and the health tags of item 9: what a client
may not type on a lead, and what it may not see."""

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import ReceptionCase


@tagged("post_install", "-at_install")
class TestLeadValues(ReceptionCase):
    def test_impossible_birth_years_are_refused(self):
        lead = self.make_lead()
        for year in (-1950, 19400, 1899, 3000, 194):
            with (
                self.subTest(year=year),
                self.assertRaisesRegex(ValidationError, "birth year"),
                self.cr.savepoint(),
            ):
                lead.with_user(self.wang).care_prospect_birth_year = year
            lead.invalidate_recordset()
            self.assertEqual(lead.care_prospect_birth_year, 1941, "nothing saved")
        with (
            self.assertRaisesRegex(ValidationError, "birth year -1950"),
            self.cr.savepoint(),
        ):
            self.make_lead(name="坏年份", care_prospect_birth_year=-1950)
        self.assertFalse(self.Lead.search([("name", "=", "坏年份")]))
        lead.with_user(self.wang).care_prospect_birth_year = 1930
        self.assertEqual(lead.care_prospect_birth_year, 1930)

    def test_signing_an_old_bad_year_is_a_clear_refusal(self):
        lead = self.make_lead()
        # typed before the check existed
        self.env.cr.execute(
            "UPDATE crm_lead SET care_prospect_birth_year = 19400 WHERE id = %s",
            [lead.id],
        )
        lead.invalidate_recordset()
        with self.assertRaisesRegex(ValidationError, "19400"), self.cr.savepoint():
            lead.with_user(self.wang).action_set_won()
        lead.invalidate_recordset()
        self.assertFalse(lead.care_elder_id)
        self.assertEqual(lead.stage_id, self.stage_new)

    def test_negative_expected_revenue_is_refused(self):
        lead = self.make_lead()
        with (
            self.assertRaisesRegex(ValidationError, "cannot be negative"),
            self.cr.savepoint(),
        ):
            lead.with_user(self.wang).expected_revenue = -3000
        lead.invalidate_recordset()
        self.assertEqual(lead.expected_revenue, 0)


@tagged("post_install", "-at_install")
class TestGuardedFields(ReceptionCase):
    def test_results_are_not_typed_by_clients(self):
        lead = self.make_lead()
        lead.care_intent = "high"
        due = lead.care_next_followup
        mine = lead.with_user(self.wang)
        for vals in (
            {"care_level": "0"},
            {"care_next_followup": "2030-01-01 00:00:00"},
            {"care_followup_overdue": True},
            {"care_first_followup_on_time": "yes"},
            {"care_satisfaction_score": 100},
            {"care_summary_sent": "2030-01-01 00:00:00"},
            {"care_possible_duplicate": True},
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(AccessError, "set by the system"),
            ):
                mine.write(vals)
        lead.invalidate_recordset()
        self.assertFalse(lead.care_level)
        self.assertEqual(lead.care_next_followup, due)
        self.assertFalse(lead.care_followup_overdue)
        self.assertFalse(lead.care_first_followup_on_time)
        self.assertFalse(lead.care_satisfaction_score)
        with self.assertRaisesRegex(AccessError, "set by the system"):
            self.Lead.with_user(self.wang).create(
                {"name": "伪造", "care_satisfaction_score": 100}
            )
        # the manager neither: results are the code's
        with self.assertRaisesRegex(AccessError, "set by the system"):
            lead.with_user(self.manager).write({"care_satisfaction_score": 100})

    def test_crm_and_the_suite_still_write_their_fields(self):
        """Guarded fields are the suite's results; CRM's own paths and the
        suite's code paths still work as a receptionist."""
        lead = self.make_lead(care_package_id=self.package.id)
        mine = lead.with_user(self.wang)
        mine.write({"care_intent": "hesitant", "probability": 40, "priority": "2"})
        self.assertTrue(lead.care_next_followup)
        mine.write({"stage_id": self.stage_proposal.id})
        mine.action_set_won()
        self.assertTrue(lead.stage_id.is_won)
        self.assertEqual(lead.care_elder_id.state, "active")
        other = self.make_lead(name="另一个")
        other.with_user(self.wang).action_set_lost()
        self.assertFalse(other.active)

    def test_objections_and_history_are_not_typed(self):
        lead = self.make_lead()
        lead.care_objection_ids = [
            (0, 0, {"objection_id": self.env.ref("care_reception.objection_price").id})
        ]
        objection = lead.care_objection_ids.with_user(self.wang)
        with self.assertRaisesRegex(AccessError, "set by the system"):
            objection.write({"category": "trust"})
        objection.write({"outcome": "resolved", "note": "先试住一周"})
        self.assertEqual(objection.category, "price")
        elder = self.env["care.elder"].create({"name": "刘桂芳"})
        with self.assertRaisesRegex(AccessError, "set by the system"):
            elder.with_user(self.wang).write({"care_satisfaction_score": 100})

    def test_questionnaire_answers_cannot_be_moved_to_a_lead(self):
        lead = self.make_lead()
        survey = self.env.ref("care_reception.survey_previsit")
        public = survey._create_answer(check_attempts=False, email="x@example.com")
        with self.assertRaisesRegex(AccessError, "set by the system"):
            public.with_user(self.wang).write({"care_lead_id": lead.id})
        self.assertFalse(public.care_lead_id)

    def test_personal_link_only_for_who_reads_the_lead(self):
        lead = self.make_lead(user_id=self.li.id)
        lead.with_user(self.li).action_care_send_questionnaire()
        self.assertIn("answer_token=", lead.care_survey_url("previsit"))
        with self.assertRaises(AccessError):
            lead.with_user(self.wang).care_survey_url("previsit")


@tagged("post_install", "-at_install")
class TestHealthTags(ReceptionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dementia = cls.env.ref("care_reception.tag_dementia")
        cls.value = cls.env.ref("care_reception.tag_value")
        cls.seller = new_test_user(
            cls.env,
            login="rc_seller",
            groups="base.group_user,sales_team.group_sale_salesman_all_leads",
        )

    def test_health_tags_only_for_medical_staff(self):
        lead = self.make_lead(tag_ids=[(6, 0, (self.dementia | self.value).ids)])
        self.assertEqual(lead.with_user(self.wang).tag_ids, self.dementia | self.value)
        lead.invalidate_recordset()
        seen = lead.with_user(self.seller)
        self.assertEqual(seen.tag_ids, self.value)
        self.assertFalse(
            self.env["crm.tag"]
            .with_user(self.seller)
            .search([("care_sensitive", "=", True)])
        )
        # what the seller saves keeps what they cannot see
        seen.write({"tag_ids": [(6, 0, seen.tag_ids.ids)]})
        lead.invalidate_recordset()
        self.assertEqual(lead.tag_ids, self.dementia | self.value)
        with self.assertRaises(AccessError):
            seen.read(["care_health_answers"])

    def test_health_answers_give_health_tags_only(self):
        fine = self.env.ref("care_reception.previsit_a_health_fine")
        with self.assertRaisesRegex(ValidationError, "health tags"):
            fine.care_tag_ids = self.value
        fine.care_tag_ids = self.dementia
        question = self.env.ref("care_reception.previsit_q_living")
        question.suggested_answer_ids[:1].care_tag_ids = self.value
        with self.assertRaisesRegex(ValidationError, "health tags"):
            question.care_medical = True
