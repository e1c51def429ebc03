from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError

from .common import DevicesCase

T0 = datetime(2026, 11, 20, 2, 0, 0)  # UTC


class TestAlarmTickets(DevicesCase):
    def test_sos_ticket_carries_everything_the_desk_needs(self):
        self.ingest(
            "heartbeat",
            position={"latitude": 39.9219, "longitude": 116.4436, "accuracy": 12},
        )
        status, body = self.ingest("sos", event_uid="card-1", battery=55)
        self.assertEqual(status, 202)
        ticket = self.alarm_tickets(kind="sos")
        self.assertEqual(ticket.number, body["ticket"])
        self.assertEqual(
            ticket.team_id, self.env.ref("care_devices.helpdesk_team_emergency")
        )
        self.assertEqual(ticket.priority, "3")
        self.assertEqual(ticket.care_device_id, self.device)
        self.assertFalse(ticket.user_id, "the desk takes it by acknowledging")
        self.assertEqual(ticket.partner_id, self.elder.partner_id)
        self.assertEqual(ticket.care_event_ids.uid, "card-1")
        self.assertEqual(
            ticket.channel_id, self.env.ref("care_devices.helpdesk_channel_device")
        )
        self.assertIn("张秀英", ticket.name)
        self.assertIn("116.443600,39.921900", ticket.care_map_url)
        card = str(ticket.care_card)
        for text in ("张秀英", self.device.serial):
            self.assertIn(text, card)
        # the medical rows are in the medical card, not in the general one
        medical = str(ticket.care_card_medical)
        for text in ("青霉素过敏", "二甲双胍", "李医生"):
            self.assertIn(text, medical)
            self.assertNotIn(text, card)
            self.assertNotIn(text, str(ticket.description))
        # emergency contacts in their order: the daughter (sequence 1) first
        self.assertLess(card.index("张丽"), card.index("张建国"))
        self.assertIn("+86 137 0000 3333", card)
        self.assertTrue(ticket.care_elapsed.endswith("s"))

    def test_ticket_is_written_in_the_company_language(self):
        """A gateway posts without a language: the desk's is the company's."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"].search(
            [("name", "=", "care_devices")]
        )._update_translations(["zh_CN"])
        self.env["ir.module.module"].search(
            [("name", "=", "elder_crm")]
        )._update_translations(["zh_CN"])
        self.env.company.partner_id.lang = "zh_CN"
        self.elder.condition_ids = self.env.ref("elder_crm.condition_chd")
        self.ingest("fall", event_uid="lang-1")
        ticket = self.alarm_tickets(kind="fall")
        self.assertTrue(ticket.name.startswith("跌倒："), ticket.name)
        self.assertIn("紧急联系人", ticket.care_card)
        self.assertIn("冠心病", ticket.care_card_medical)
        self.assertIn("疾病", ticket.care_card_medical)

    def test_repeated_sos_within_the_window_joins_the_open_ticket(self):
        with freeze_time(T0):
            first = self.ingest("sos", event_uid="m-1")[1]["ticket"]
        with freeze_time(T0 + timedelta(minutes=4)):
            second = self.ingest("sos", event_uid="m-2")[1]["ticket"]
        with freeze_time(T0 + timedelta(minutes=13)):
            # 9 minutes after the last one: still the same episode
            third = self.ingest("sos", event_uid="m-3")[1]["ticket"]
        self.assertEqual(first, second)
        self.assertEqual(first, third)
        ticket = self.alarm_tickets(kind="sos")
        self.assertEqual(ticket.care_alarm_count, 3)
        self.assertEqual(len(ticket.care_event_ids), 3)
        self.assertEqual(ticket.care_alarm_time, T0)
        self.assertEqual(ticket.care_last_alarm_time, T0 + timedelta(minutes=13))
        with freeze_time(T0 + timedelta(minutes=24)):
            fourth = self.ingest("sos", event_uid="m-4")[1]["ticket"]
        self.assertNotEqual(fourth, first, "past the 10-minute window: a new ticket")
        # another kind or another elder never merges
        self.assertNotEqual(self.ingest("fall", event_uid="m-5")[1]["ticket"], fourth)
        other = self.ingest("sos", device=self.device2, event_uid="m-6")[1]["ticket"]
        self.assertNotEqual(other, fourth)

    def test_merge_window_is_a_setting(self):
        self.env["ir.config_parameter"].set_param(
            "care_devices.merge_window_minutes", 2
        )
        with freeze_time(T0):
            first = self.ingest("sos", event_uid="w-1")[1]["ticket"]
        with freeze_time(T0 + timedelta(minutes=3)):
            second = self.ingest("sos", event_uid="w-2")[1]["ticket"]
        self.assertNotEqual(first, second)

    def test_closed_ticket_is_not_joined(self):
        self.ingest("sos", event_uid="c-1")
        ticket = self.alarm_tickets(kind="sos")
        ticket.action_care_acknowledge()
        ticket._care_close("false_alarm")
        self.ingest("sos", event_uid="c-2")
        self.assertEqual(len(self.alarm_tickets(kind="sos")), 2)

    def test_handling_trail_times_and_close(self):
        user = self.users["emergency"]
        with freeze_time(T0):
            self.ingest("fall", event_uid="h-1")
        ticket = self.alarm_tickets(kind="fall").with_user(user)
        with self.assertRaises(UserError) as caught:
            ticket.action_care_elder_called()
        self.assertIn("Acknowledge", str(caught.exception))
        with freeze_time(T0 + timedelta(seconds=42)):
            ticket.action_care_acknowledge()
            ticket.action_care_acknowledge()  # twice: the first one counts
        self.assertEqual(ticket.care_ack_user_id, user)
        self.assertEqual(ticket.care_time_to_ack, 42)
        self.assertEqual((ticket.care_ack_60, ticket.care_ack_180), (100, 100))
        self.assertEqual(ticket.user_id, user)
        self.assertEqual(
            ticket.stage_id,
            self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress"),
        )
        with freeze_time(T0 + timedelta(minutes=2)):
            ticket.action_care_elder_called()
            ticket.action_care_contacts_called()
            ticket.action_care_send_responder()
            ticket.action_care_call_120()
        action = ticket.action_care_close()
        self.assertEqual(action["res_model"], "care.alarm.close.wizard")
        wizard = (
            self.env["care.alarm.close.wizard"]
            .with_user(user)
            .with_context(**action["context"])
            .create({"outcome": "hospital", "note": "送往市第一医院"})
        )
        with freeze_time(T0 + timedelta(minutes=30)):
            wizard.action_confirm()
        self.assertTrue(ticket.closed)
        self.assertEqual(ticket.care_outcome, "hospital")
        self.assertEqual(ticket.care_time_to_close, 30)
        self.assertEqual(
            ticket.care_action_ids.mapped("action"),
            [
                "ack",
                "elder_called",
                "contacts_called",
                "responder",
                "ambulance",
                "closed",
            ],
        )
        self.assertEqual(ticket.care_action_ids.user_id, user)
        self.assertEqual(ticket.care_action_ids[-1].note, "送往市第一医院")

    def test_close_needs_an_outcome(self):
        self.ingest("sos", event_uid="o-1")
        ticket = self.alarm_tickets(kind="sos")
        ticket.action_care_acknowledge()
        with self.assertRaises(UserError) as caught:
            ticket._care_close(False)
        self.assertIn("how the alarm ended", str(caught.exception))
        self.assertFalse(ticket.closed)

    def test_late_acknowledgement_counts_against_the_standard(self):
        with freeze_time(T0):
            self.ingest("sos", event_uid="late-1")
            self.ingest("sos", device=self.device2, event_uid="late-2")
        first, second = (
            self.alarm_tickets(kind="sos"),
            self.alarm_tickets(self.elder2, "sos"),
        )
        with freeze_time(T0 + timedelta(seconds=100)):
            first.action_care_acknowledge()
        with freeze_time(T0 + timedelta(seconds=200)):
            second.action_care_acknowledge()
        self.assertEqual((first.care_ack_60, first.care_ack_180), (0, 100))
        self.assertEqual((second.care_ack_60, second.care_ack_180), (0, 0))
        groups = self.Ticket._read_group(
            [("id", "in", (first | second).ids)],
            [],
            ["care_ack_60:avg", "care_ack_180:avg", "care_time_to_ack:avg"],
        )
        self.assertEqual(groups, [(0.0, 50.0, 150.0)])

    def test_unacknowledged_critical_alarm_escalates_after_60_seconds(self):
        lead = self.users["manager"]
        team = self.env.ref("care_devices.helpdesk_team_emergency")
        team.user_id = lead
        with freeze_time(T0):
            self.ingest("sos", event_uid="e-1")
            self.ingest("low_battery", device=self.device2, event_uid="e-2")
        sos = self.alarm_tickets(kind="sos")
        with freeze_time(T0 + timedelta(seconds=59)):
            self.assertFalse(self.Ticket._cron_escalate_unacknowledged() & sos)
        with freeze_time(T0 + timedelta(seconds=61)):
            escalated = self.Ticket._cron_escalate_unacknowledged()
        self.assertEqual(escalated, sos, "only the critical alarm escalates")
        self.assertTrue(sos.care_escalated)
        activity = sos.activity_ids
        self.assertEqual(activity.user_id, lead)
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("care_devices.mail_activity_type_alarm_escalation"),
        )
        self.assertIn(sos.number, str(activity.note))
        self.assertIn("escalated", sos.care_action_ids.mapped("action"))
        with freeze_time(T0 + timedelta(seconds=200)):
            self.assertFalse(
                self.Ticket._cron_escalate_unacknowledged() & sos, "only once"
            )

    def test_acknowledged_alarm_does_not_escalate(self):
        with freeze_time(T0):
            self.ingest("sos", event_uid="a-1")
        sos = self.alarm_tickets(kind="sos")
        with freeze_time(T0 + timedelta(seconds=30)):
            sos.action_care_acknowledge()
        with freeze_time(T0 + timedelta(seconds=120)):
            self.assertFalse(self.Ticket._cron_escalate_unacknowledged() & sos)

    def test_escalation_without_a_team_lead_goes_to_care_managers(self):
        self.env.ref("care_devices.helpdesk_team_emergency").user_id = False
        with freeze_time(T0):
            self.ingest("sos", event_uid="n-1")
        with freeze_time(T0 + timedelta(seconds=90)):
            self.Ticket._cron_escalate_unacknowledged()
        sos = self.alarm_tickets(kind="sos")
        self.assertTrue(sos.activity_ids)
        for user in sos.activity_ids.user_id:
            self.assertTrue(user.has_group("elder_crm.group_care_manager"))

    def test_escalation_delay_is_a_setting(self):
        self.env["ir.config_parameter"].set_param(
            "care_devices.ack_escalation_seconds", 180
        )
        with freeze_time(T0):
            self.ingest("sos", event_uid="s-1")
        with freeze_time(T0 + timedelta(seconds=120)):
            self.assertFalse(self.Ticket._cron_escalate_unacknowledged())
        with freeze_time(T0 + timedelta(seconds=181)):
            self.assertTrue(self.Ticket._cron_escalate_unacknowledged())

    def test_emergency_ticket_hook_for_phone_calls(self):
        ticket = self.Ticket._care_open_emergency_ticket(
            self.elder, description="老人来电说胸口疼", origin=self.elder
        )
        self.assertEqual(ticket.care_alarm_kind, "phone")
        self.assertEqual(ticket.priority, "3")
        self.assertEqual(
            ticket.channel_id,
            self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_phone"),
        )
        self.assertIn("胸口疼", str(ticket.care_card))
        self.assertIn("张丽", str(ticket.care_card))
        again = self.Ticket._care_open_emergency_ticket(self.elder)
        self.assertEqual(again, ticket)
        self.assertEqual(ticket.care_alarm_count, 2)

    def test_elder_smart_button_counts_alarms(self):
        self.ingest("sos", event_uid="b-1")
        self.ingest("fall", event_uid="b-2")
        self.assertEqual(self.elder.alarm_ticket_count, 2)
