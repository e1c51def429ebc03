"""Issue 14 item 17: a centre's staff may have no e-mail address; no
reception action fails because of it (mail refuses to post or notify in the
name of a user without one)."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import new_test_user, tagged

from .common import ReceptionCase


@tagged("post_install", "-at_install")
class TestStaffWithoutEmail(ReceptionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.nomail = new_test_user(
            cls.env,
            login="rc_nomail",
            email=False,
            groups="base.group_user,elder_crm.group_care_reception,"
            "sales_team.group_sale_salesman_all_leads",
        )

    def as_nomail(self, record):
        # a plain context, as the web client sends: tracking and notifications on
        return record.with_env(record.env(user=self.nomail, context={}))

    def test_the_whole_path_works_without_an_email_address(self):
        self.assertFalse(self.nomail.email)
        lead = self.as_nomail(
            self.make_lead(user_id=self.wang.id, email_from=False, mobile="13700001111")
        )
        # questionnaire: no family e-mail, the link is logged
        self.assertTrue(lead.action_care_send_questionnaire())
        self.assertIn("answer_token=", lead.care_questionnaire_url)
        note = lead.message_ids.filtered(
            lambda m: "Questionnaire link" in (m.body or "")
        )
        self.assertEqual(note.author_id, self.nomail.partner_id)
        # intent on a colleague's lead: the follow-up is theirs, no mail in
        # the name of the user without an address
        lead.care_intent = "high"
        followup = self.env.ref("care_reception.mail_activity_type_followup")
        self.assertEqual(
            lead.activity_ids.filtered(
                lambda a: a.activity_type_id == followup
            ).user_id,
            self.wang,
        )
        # the tour
        action = lead.action_care_schedule_tour()
        start = fields.Datetime.now() + timedelta(days=1)
        tour = (
            self.env["calendar.event"]
            .with_user(self.nomail)
            .with_context(**action["context"])
            .create({"start": start, "stop": start + timedelta(hours=1)})
        )
        self.assertEqual(lead.care_tour_event_id, tour)
        # the summary after the tour (the cron, for the receptionist's lead)
        lead.email_from = "family@example.com"
        with freeze_time(start + timedelta(hours=2)):
            self.assertIn(lead, self.Lead._cron_send_tour_summaries())
        # the comparison by e-mail
        lead.care_package_id = self.package
        composer_action = lead.action_care_send_comparison()
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.nomail)
            .with_context(**composer_action["context"])
            .create({})
        )
        composer._action_send_mail()
        self.assertIn("side by side", lead.message_ids[0].subject)
        # signing: the archive, the note and the move-in checklist for the owner
        lead.action_set_won()
        self.assertTrue(lead.stage_id.is_won)
        elder = lead.care_elder_id.sudo()
        self.assertEqual(elder.state, "active")
        self.assertTrue(
            elder.message_ids.filtered(lambda m: "Signed" in (m.body or ""))
        )
        checklist = self.env.ref("care_reception.mail_activity_type_move_in")
        move_in = elder.activity_ids.filtered(lambda a: a.activity_type_id == checklist)
        self.assertEqual(move_in.user_id, self.wang)
