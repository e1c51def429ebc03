"""After the proposal: the package comparison; after signing: satisfaction."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ReceptionCase

T0 = datetime(2026, 11, 2, 2, 0, 0)  # a Monday, 10:00 in Shanghai


@tagged("post_install", "-at_install")
class TestSatisfaction(ReceptionCase):
    def sign(self, **vals):
        lead = self.make_lead(**vals)
        lead.action_set_won()
        return lead

    def answer(self, user_input, points):
        """Answer the satisfaction survey, choosing the answers worth ``points``."""
        questions = user_input.survey_id.question_ids.filtered(
            lambda q: q.question_type == "simple_choice"
        )
        for question, point in zip(questions, points, strict=True):
            choice = question.suggested_answer_ids.filtered(
                lambda a, p=point: a.answer_score == p
            )
            user_input._save_lines(question, choice.id)
        user_input._mark_done()

    def test_survey_goes_out_seven_days_after_signing(self):
        with freeze_time(T0):
            lead = self.sign(email_from="lina@example.com")
            quiet = self.sign(name="无邮箱", email_from=False, mobile="13600000000")
        with freeze_time(T0 + timedelta(days=6)):
            self.assertFalse(self.Lead._cron_send_satisfaction_surveys(), "too early")
        with freeze_time(T0 + timedelta(days=7, hours=1)):
            sent = self.Lead._cron_send_satisfaction_surveys()
        self.assertEqual(sent, lead | quiet)
        message = lead.message_ids.filtered(
            lambda m: m.subject and "first week" in m.subject
        )
        self.assertEqual(len(message), 1)
        user_input = self.env["survey.user_input"].search(
            [("care_lead_id", "=", lead.id)]
        )
        self.assertIn(user_input.access_token, message.body)
        # no e-mail address: the receptionist is asked to call, with the link
        call = quiet.activity_ids.filtered(lambda a: "Satisfaction" in a.summary)
        self.assertEqual(call.user_id, self.wang)
        self.assertIn("answer_token=", call.note)
        with freeze_time(T0 + timedelta(days=8)):
            self.assertFalse(self.Lead._cron_send_satisfaction_surveys(), "only once")

        # the family answers: the score is kept on the lead and on the elder
        self.answer(user_input, [4, 3, 3, 2])
        self.assertAlmostEqual(lead.care_satisfaction_score, 12 / 16 * 100)
        self.assertEqual(lead.care_satisfaction_input_id, user_input)
        self.assertAlmostEqual(lead.care_elder_id.care_satisfaction_score, 75.0)

    def test_lost_and_open_leads_get_no_survey(self):
        with freeze_time(T0):
            self.make_lead(email_from="open@example.com")
            lost = self.make_lead(email_from="lost@example.com")
            lost.action_set_lost()
        with freeze_time(T0 + timedelta(days=8)):
            self.assertFalse(self.Lead._cron_send_satisfaction_surveys())


@tagged("post_install", "-at_install")
class TestComparison(ReceptionCase):
    def test_comparison_shows_the_package_between_its_neighbours(self):
        basic = self.env.ref("care_reception.package_home_basic")
        enhanced = self.env.ref("care_reception.package_home_enhanced")
        lead = self.make_lead(care_package_id=self.package.id)
        self.assertEqual(
            lead._care_compared_packages(), basic | self.package | enhanced
        )
        report = self.env.ref("care_reception.action_report_package_comparison")
        html = str(report._render_qweb_html(report.report_name, lead.ids)[0], "utf-8")
        for package in basic | self.package | enhanced:
            self.assertIn(package.name, html)
        self.assertEqual(html.count("Recommended for you"), 1)
        pdf, kind = report.with_context(force_report_rendering=True)._render_qweb_pdf(
            report.report_name, lead.ids
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_comparison_needs_a_package(self):
        lead = self.make_lead(care_form=False)
        with self.assertRaisesRegex(UserError, "choose a package"):
            lead.action_care_print_comparison()

    def test_comparison_by_email(self):
        lead = self.make_lead(care_package_id=self.package.id)
        with self.assertRaisesRegex(UserError, "no e-mail address"):
            lead.action_care_send_comparison()
        lead.email_from = "lina@example.com"
        action = lead.action_care_send_comparison()
        composer = (
            self.env["mail.compose.message"]
            .with_context(**action["context"])
            .create({})
        )
        composer._action_send_mail()
        message = lead.message_ids[0]
        self.assertIn("side by side", message.subject)
        self.assertEqual(len(message.attachment_ids), 1)
        self.assertIn("Care packages", message.attachment_ids.name)
