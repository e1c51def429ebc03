"""The pre-visit questionnaire, answered over HTTP as a family does."""

import re

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import ReceptionCase

CSRF = re.compile(r'csrf_token.+value="([a-f0-9]{40}o[0-9]*)"')


@tagged("post_install", "-at_install")
class TestQuestionnaire(ReceptionCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.survey = cls.env.ref("care_reception.survey_previsit")
        cls.survey.care_team_id = cls.team

    def q(self, name):
        return self.env.ref(f"care_reception.previsit_q_{name}")

    def a(self, name):
        return self.env.ref(f"care_reception.previsit_a_{name}").id

    def answers(self, mobile="13800138000", **over):
        values = {
            "contact": "周敏",
            "mobile": mobile,
            "elder": "周德海",
            "health": self.a("health_much"),
            "memory": self.a("memory_dx"),
            "needs": [self.a("need_daily"), self.a("need_meals")],
            "living": self.a("live_alone"),
            "budget": self.a("budget_lt3k"),
            "price": self.a("price_care"),
            "form": self.a("form_residential"),
            "note": "母亲夜里常起床，担心摔倒",
        }
        values.update(over)
        return values

    def submit(self, answers, answer_token=None):
        """Open the questionnaire (public link, or a personal one) and send it.

        Returns the JSON result of the submission and the user input."""
        self.authenticate(None, None)
        base = self.survey.get_base_url()
        if answer_token:
            start = self.url_open(
                f"/survey/start/{self.survey.access_token}?answer_token={answer_token}"
            )
        else:
            start = self.url_open(f"/survey/start/{self.survey.access_token}")
            answer_token = (
                self.env["survey.user_input"]
                .search([("survey_id", "=", self.survey.id)], order="id desc", limit=1)
                .access_token
            )
        self.assertEqual(start.status_code, 200)
        page = self.url_open(f"/survey/{self.survey.access_token}/{answer_token}")
        csrf = CSRF.search(page.text).group(1)
        self.opener.post(
            f"{base}/survey/begin/{self.survey.access_token}/{answer_token}", json={}
        )
        post = {"csrf_token": csrf, "token": answer_token, "button_submit": "next"}
        for name, value in answers.items():
            post[str(self.q(name).id)] = (
                [str(v) for v in value] if isinstance(value, list) else str(value)
            )
        response = self.opener.post(
            f"{base}/survey/submit/{self.survey.access_token}/{answer_token}",
            json={"params": post},
        )
        self.assertEqual(response.status_code, 200)
        user_input = self.env["survey.user_input"].search(
            [("access_token", "=", answer_token)]
        )
        user_input.invalidate_recordset()
        return response.json().get("result"), user_input

    def tags(self, *names):
        return self.env["crm.tag"].browse(
            [self.env.ref(f"care_reception.tag_{n}").id for n in names]
        )

    def test_public_link_creates_a_tagged_lead(self):
        result, user_input = self.submit(self.answers())
        self.assertEqual(user_input.state, "done", result)
        lead = user_input.care_lead_id
        self.assertTrue(lead, "a lead is made for an unknown family")
        self.assertEqual(lead.contact_name, "周敏")
        self.assertEqual(lead.care_prospect_name, "周德海")
        self.assertEqual(lead.care_form, "residential")
        self.assertEqual(lead.care_budget, "lt3k")
        self.assertEqual(lead.team_id, self.team)
        self.assertEqual(lead.stage_id, self.stage_questionnaire)
        self.assertEqual(lead.care_previsit_input_id, user_input)
        # the mapping: daily-task help and full help → disability care, the
        # dementia diagnosis → dementia care, meals → food, low budget → value
        self.assertEqual(
            lead.tag_ids, self.tags("disability_care", "dementia", "food", "value")
        )
        # health answers go to the health notes, not to the chatter
        self.assertIn("Diagnosed with dementia", lead.care_health_answers)
        message = lead.message_ids.filtered(lambda m: "questionnaire" in (m.body or ""))
        self.assertTrue(message)
        self.assertNotIn("dementia", message.body)
        self.assertIn("Alone", message.body)
        # nobody owns the lead yet: the team leader is told, with the tags
        activity = lead.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("care_reception.mail_activity_type_previsit")
            )
        )
        self.assertEqual(activity.user_id, self.manager)
        # health tags are not named where lead readers without medical rights see
        self.assertIn("Value for money", activity.summary)
        self.assertNotIn("Dementia care", activity.summary)
        self.assertFalse(lead.care_possible_duplicate)
        self.assertEqual(lead.company_id, self.survey.care_company_id)

    def test_public_answer_with_a_known_number_makes_a_flagged_lead(self):
        """Issue 14 item 9: a visitor typing a family's number does not touch
        that family's lead; a new lead is flagged for reception to merge."""
        family = self.make_lead(
            mobile="+86 139 1234 5678",
            email_from=False,
            care_budget=False,
            stage_id=self.stage_new.id,
        )
        family.care_health_answers = "Typed by reception: knees"
        before = family.read(
            ["email_from", "care_budget", "stage_id", "tag_ids", "contact_name"]
        )
        result, user_input = self.submit(
            self.answers(mobile="0086 13912345678", contact="冒充者")
        )
        self.assertEqual(user_input.state, "done", result)
        lead = user_input.care_lead_id
        self.assertNotEqual(lead, family, "a public answer never attaches")
        self.assertTrue(lead.care_possible_duplicate)
        self.assertIn(lead, family.duplicate_lead_ids, "CRM's Similar Leads find it")
        family.invalidate_recordset()
        self.assertEqual(
            family.read(
                ["email_from", "care_budget", "stage_id", "tag_ids", "contact_name"]
            ),
            before,
        )
        self.assertEqual(family.care_health_answers, "Typed by reception: knees")
        self.assertFalse(family.care_previsit_input_id)
        self.assertFalse(family.care_possible_duplicate)
        # what the visitor gets back says nothing about the family's lead
        self.assertNotIn(family.name, str(result))
        self.assertNotIn("already", str(result))
        # the real family's personal link still works afterwards
        family.with_user(self.wang).action_care_send_questionnaire()
        token = family.care_questionnaire_url.split("answer_token=")[1]
        _result, theirs = self.submit(self.answers(), answer_token=token)
        self.assertEqual(theirs.state, "done")
        self.assertEqual(theirs.care_lead_id, family)
        # reception merges the two: the flag is settled, the answers kept
        merged = (family | lead).with_user(self.wang).merge_opportunity()
        (user_input | theirs).invalidate_recordset()
        self.assertFalse(merged.care_possible_duplicate)
        self.assertEqual(user_input.care_lead_id, merged)
        self.assertEqual(theirs.care_lead_id, merged)

    def test_not_a_duplicate_is_reception_s_call(self):
        self.make_lead(mobile="13912340099")
        _result, user_input = self.submit(self.answers(mobile="139 1234 0099"))
        lead = user_input.care_lead_id
        self.assertTrue(lead.care_possible_duplicate)
        outsider = new_test_user(
            self.env,
            login="rc_sales",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        with self.assertRaises(AccessError):
            lead.with_user(outsider).action_care_not_duplicate()
        self.assertTrue(lead.care_possible_duplicate)
        lead.with_user(self.manager).action_care_not_duplicate()
        self.assertFalse(lead.care_possible_duplicate)

    def test_public_answer_stays_in_the_questionnaire_s_company(self):
        other = self.env["res.company"].create({"name": "另一家中心"})
        elsewhere = self.make_lead(
            mobile="13912340077", company_id=other.id, user_id=False, team_id=False
        )
        _result, user_input = self.submit(self.answers(mobile="13912340077"))
        lead = user_input.care_lead_id
        self.assertEqual(lead.company_id, self.survey.care_company_id)
        self.assertNotEqual(lead.company_id, other)
        self.assertFalse(
            lead.care_possible_duplicate, "another company's leads are not looked at"
        )
        self.assertFalse(elsewhere.care_previsit_input_id)

    def test_submissions_are_throttled_per_number_and_per_address(self):
        Param = self.env["ir.config_parameter"]
        Param.set_param("care_reception.previsit_max_per_number_day", "2")
        Param.set_param("care_reception.previsit_max_per_address_hour", "0")
        for _i in range(2):
            _result, done = self.submit(self.answers(mobile="13800138011"))
            self.assertEqual(done.state, "done")
        count = self.Lead.search_count([("mobile", "like", "8011")])
        result, refused = self.submit(self.answers(mobile="138 0013 8011"))
        self.assertEqual(result[1]["error"], "validation")
        message = result[1]["fields"][str(self.q("mobile").id)]
        self.assertIn("try again later", message)
        self.assertNotEqual(refused.state, "done")
        self.assertFalse(refused.care_lead_id)
        self.assertEqual(self.Lead.search_count([("mobile", "like", "8011")]), count)
        # another number from the same address, two sent from it this hour
        Param.set_param("care_reception.previsit_max_per_address_hour", "2")
        result, refused = self.submit(self.answers(mobile="13800138012"))
        self.assertEqual(result[1]["fields"][str(self.q("mobile").id)], message)
        self.assertNotEqual(refused.state, "done")
        # a personal link is not a public answer: never throttled
        lead = self.make_lead(mobile="13800138011")
        lead.with_user(self.wang).action_care_send_questionnaire()
        token = lead.care_questionnaire_url.split("answer_token=")[1]
        _result, personal = self.submit(
            self.answers(mobile="13800138011"), answer_token=token
        )
        self.assertEqual(personal.state, "done")

    def test_unreadable_number_is_refused(self):
        result, user_input = self.submit(self.answers(mobile="12"))
        self.assertEqual(result[1]["error"], "validation")
        self.assertIn("phone number", result[1]["fields"][str(self.q("mobile").id)])
        self.assertFalse(user_input.care_lead_id)

    def test_personal_link_completes_the_lead(self):
        lead = self.make_lead(mobile="13912340000", care_form="home")
        lead.care_concern_note = "Typed by reception"
        lead.with_user(self.wang).action_care_send_questionnaire()
        url = lead.care_questionnaire_url
        self.assertIn("answer_token=", url)
        self.assertTrue(lead.care_questionnaire_qr)
        token = url.split("answer_token=")[1]
        # sending again while it is pending gives the same link
        lead.with_user(self.wang).action_care_send_questionnaire()
        lead.invalidate_recordset()
        self.assertEqual(lead.care_questionnaire_url, url)
        _result, user_input = self.submit(
            self.answers(mobile="13700000000", elder="别人"), answer_token=token
        )
        self.assertEqual(user_input.state, "done")
        lead.invalidate_recordset()
        self.assertEqual(user_input.care_lead_id, lead)
        self.assertEqual(lead.care_previsit_input_id, user_input)
        self.assertEqual(lead.stage_id, self.stage_questionnaire)
        # what reception typed is kept; empty fields are filled
        self.assertEqual(lead.care_form, "home")
        self.assertEqual(lead.care_prospect_name, "张桂兰")
        self.assertEqual(lead.care_concern_note, "Typed by reception")
        self.assertEqual(lead.care_budget, "lt3k")
        activity = lead.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("care_reception.mail_activity_type_previsit")
            )
        )
        self.assertEqual(activity.user_id, self.wang, "the receptionist of the lead")
        self.assertFalse(lead.care_questionnaire_url)
        with self.assertRaisesRegex(UserError, "already sent the questionnaire"):
            lead.with_user(self.wang).action_care_send_questionnaire()
        # the same personal link cannot be used twice
        result, _again = self.submit(self.answers(), answer_token=token)
        self.assertEqual(result[1]["error"], "unauthorized")

    def test_send_by_email_opens_the_composer(self):
        lead = self.make_lead(email_from="zhou@example.com")
        action = lead.with_user(self.wang).action_care_send_questionnaire()
        self.assertEqual(action["res_model"], "mail.compose.message")
        template = self.env.ref("care_reception.mail_template_questionnaire")
        body = template._render_field("body_html", lead.ids)[lead.id]
        self.assertIn(lead.care_questionnaire_url.replace("&", "&amp;"), body)


class TestQuestionnaireMapping(ReceptionCase):
    """The answer → tag mapping is configuration, not code."""

    def fill(self, lead, choices):
        survey = self.env.ref("care_reception.survey_previsit")
        user_input = survey._create_answer(
            check_attempts=False, care_lead_id=lead.id, email="x@example.com"
        )
        for question, answer in choices:
            user_input._save_lines(question, answer)
        user_input._mark_done()
        return user_input

    def test_mapping_is_configurable(self):
        new_tag = self.env["crm.tag"].create({"name": "独居老人"})
        alone = self.env.ref("care_reception.previsit_a_live_alone")
        alone.care_tag_ids = new_tag
        lead = self.make_lead()
        self.fill(lead, [(alone.question_id, alone.id)])
        self.assertIn(new_tag, lead.tag_ids)
        self.assertEqual(lead.stage_id, self.stage_questionnaire)

    def test_already_answered_lead_refuses_another(self):
        lead = self.make_lead()
        alone = self.env.ref("care_reception.previsit_a_live_alone")
        self.fill(lead, [(alone.question_id, alone.id)])
        history = len(lead.care_history_ids)
        with self.assertRaisesRegex(ValidationError, "already been answered"):
            self.fill(lead, [(alone.question_id, alone.id)])
        self.assertEqual(len(lead.care_history_ids), history)

    def test_one_question_per_lead_field(self):
        survey = self.env.ref("care_reception.survey_previsit")
        with self.assertRaisesRegex(ValidationError, "Only one question"):
            self.env["survey.question"].create(
                {
                    "survey_id": survey.id,
                    "title": "Your phone again",
                    "question_type": "char_box",
                    "care_lead_field": "mobile",
                }
            )

    def test_health_answers_need_medical_rights(self):
        lead = self.make_lead()
        dx = self.env.ref("care_reception.previsit_a_memory_dx")
        alone = self.env.ref("care_reception.previsit_a_live_alone")
        user_input = self.fill(
            lead, [(dx.question_id, dx.id), (alone.question_id, alone.id)]
        )
        surveyor = new_test_user(
            self.env,
            login="hr_surveyor",
            groups="base.group_user,survey.group_survey_user,"
            "sales_team.group_sale_salesman_all_leads",
        )
        lines = user_input.with_user(surveyor).user_input_line_ids
        self.assertEqual(lines.question_id, alone.question_id)
        user_input.invalidate_recordset()
        lines = user_input.with_user(self.wang).user_input_line_ids
        self.assertEqual(lines.question_id, dx.question_id | alone.question_id)
        self.assertIn("dementia", lead.with_user(self.wang).care_health_answers)
        with self.assertRaises(AccessError):
            lead.with_user(surveyor).care_health_answers  # noqa: B018 - the read is the test

    def test_no_active_questionnaire_is_explained(self):
        self.env.ref("care_reception.survey_previsit").active = False
        with self.assertRaisesRegex(UserError, "No pre-visit questionnaire is active"):
            self.make_lead().action_care_send_questionnaire()
