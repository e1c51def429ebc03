"""Issue 14 item 16: the reception's scheduled jobs catch up after missed
runs, and one bad lead never stops the others."""

from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from .common import ReceptionCase

T0 = datetime(2026, 11, 2, 2, 0, 0)  # a Monday, 10:00 in Shanghai
LOGGER = "odoo.addons.care_reception.models.crm_lead"


def failing_for(lead, method_name):
    """Make ``method_name`` of crm.lead fail for ``lead`` only (one bad record
    among good ones): the real method runs for the others."""
    Lead = type(lead.env["crm.lead"])
    original = getattr(Lead, method_name)

    def method(self, *args, **kwargs):
        if self.id == lead.id:
            raise RuntimeError(f"broken lead {lead.id}")
        return original(self, *args, **kwargs)

    return patch.object(Lead, method_name, method)


@tagged("post_install", "-at_install")
class TestCrons(ReceptionCase):
    def toured(self, name, start, **vals):
        lead = self.make_lead(name=name, **vals)
        lead.care_tour_event_id = self.env["calendar.event"].create(
            {"name": "参观", "start": start, "stop": start + timedelta(hours=1)}
        )
        return lead

    def test_tour_summaries_catch_up_after_missed_runs(self):
        with freeze_time(T0):
            days_ago = self.toured(
                "三天前", T0 + timedelta(hours=1), email_from="a@example.com"
            )
            too_old = self.toured(
                "一个月前", T0 - timedelta(days=30), email_from="b@example.com"
            )
        # the cron did not run for three days
        with freeze_time(T0 + timedelta(days=3)):
            sent = self.Lead._cron_send_tour_summaries()
        self.assertEqual(sent, days_ago)
        self.assertTrue(days_ago.care_summary_sent)
        self.assertFalse(too_old.care_summary_sent, "a summary a month late: no")

    def test_one_bad_lead_does_not_stop_the_tour_summaries(self):
        with freeze_time(T0):
            leads = [
                self.toured(f"参观 {n}", T0 + timedelta(hours=1), email_from=False)
                for n in range(3)
            ]
        bad = leads[1]
        with (
            freeze_time(T0 + timedelta(hours=3)),
            failing_for(bad, "_care_send_tour_summary"),
            self.assertLogs(LOGGER, "WARNING") as logs,
        ):
            sent = self.Lead._cron_send_tour_summaries()
        self.assertEqual(sent, leads[0] | leads[2])
        self.assertFalse(bad.care_summary_sent)
        self.assertIn(f"crm.lead({bad.id})", logs.output[0])
        self.assertIn(f"broken lead {bad.id}", logs.output[0])
        # repaired, it goes out at the next run
        with freeze_time(T0 + timedelta(hours=3, minutes=10)):
            self.assertEqual(self.Lead._cron_send_tour_summaries(), bad)

    def test_one_bad_lead_does_not_stop_the_overdue_flags(self):
        with freeze_time(T0):
            leads = [self.make_lead(name=f"跟进 {n}") for n in range(3)]
            for lead in leads:
                lead.care_intent = "high"
        bad = leads[0]
        overdue = self.env.ref("care_reception.mail_activity_type_overdue")
        # the cron missed a week
        with (
            freeze_time(T0 + timedelta(days=7)),
            failing_for(bad, "_care_overdue_activity_vals"),
            self.assertLogs(LOGGER, "WARNING") as logs,
        ):
            flagged = self.Lead._cron_flag_overdue_followups()
        self.assertEqual(flagged, leads[1] | leads[2])
        self.assertIn(f"crm.lead({bad.id})", logs.output[0])
        self.assertFalse(bad.care_followup_overdue, "tried again next run")
        self.assertFalse(
            bad.activity_ids.filtered(lambda a: a.activity_type_id == overdue)
        )
        for lead in leads[1:]:
            self.assertTrue(lead.care_followup_overdue)
            self.assertEqual(
                len(
                    lead.activity_ids.filtered(lambda a: a.activity_type_id == overdue)
                ),
                1,
            )
        with freeze_time(T0 + timedelta(days=8)):
            self.assertEqual(self.Lead._cron_flag_overdue_followups(), bad)

    def test_satisfaction_surveys_catch_up_and_isolate(self):
        with freeze_time(T0):
            leads = [
                self.make_lead(name=f"签约 {n}", email_from=False) for n in range(3)
            ]
            for lead in leads:
                lead.action_set_won()
        bad = leads[2]
        # the daily cron was down for five days after the seventh
        with (
            freeze_time(T0 + timedelta(days=12)),
            failing_for(bad, "_care_send_satisfaction_survey"),
            self.assertLogs(LOGGER, "WARNING") as logs,
        ):
            sent = self.Lead._cron_send_satisfaction_surveys()
        self.assertEqual(sent, leads[0] | leads[1])
        self.assertIn(f"crm.lead({bad.id})", logs.output[0])
        self.assertFalse(bad.care_satisfaction_sent)
        self.assertFalse(
            self.env["survey.user_input"].search([("care_lead_id", "=", bad.id)]),
            "the failed lead's survey answer is rolled back with it",
        )
        with freeze_time(T0 + timedelta(days=13)):
            self.assertEqual(self.Lead._cron_send_satisfaction_surveys(), bad)
