"""The pre-alert window: the wearer cancels an alarm from the device."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError

from .common import DevicesCase

T0 = datetime(2026, 11, 20, 2, 0, 0)  # UTC


class TestWearerCancel(DevicesCase):
    def sos(self, at=T0, uid="sos-1", code="sos", device=None):
        with freeze_time(at):
            status, body = self.ingest(code, device=device, event_uid=uid)
        self.assertEqual(status, 202, body)
        return self.Ticket.search([("number", "=", body["ticket"])])

    def cancel(self, at, uid="cancel-1", device=None, **data):
        with freeze_time(at):
            status, body = self.ingest("cancel", device=device, event_uid=uid, **data)
        event = self.Event.search([("uid", "=", uid)])
        return status, body, event

    def test_cancel_inside_the_window_closes_as_false_alarm_and_keeps_it(self):
        ticket = self.sos()
        status, body, event = self.cancel(T0 + timedelta(seconds=20))
        self.assertEqual(status, 202, body)
        self.assertEqual(body["ticket"], ticket.number)
        self.assertEqual(event.cancel_result, "cancelled")
        self.assertEqual(event.state, "processed")
        self.assertIn("20 s", event.cancel_note)
        self.assertTrue(ticket.exists(), "never deleted")
        self.assertTrue(ticket.closed)
        self.assertEqual(ticket.care_outcome, "wearer_cancelled")
        self.assertFalse(ticket.care_ack_date)
        self.assertEqual(ticket.care_action_ids.mapped("action"), ["wearer_cancelled"])
        self.assertIn(self.device.serial, ticket.care_action_ids.note)
        self.assertEqual(
            sorted(ticket.care_event_ids.mapped("code")), ["cancel", "sos"]
        )
        self.assertIn(
            "Cancelled by the wearer",
            " ".join(ticket.message_ids.mapped(lambda m: str(m.body))),
        )
        # a closed ticket does not escalate, and the next SOS opens a new one
        with freeze_time(T0 + timedelta(seconds=90)):
            self.assertFalse(self.Ticket._cron_escalate_unacknowledged() & ticket)
        self.assertNotEqual(self.sos(T0 + timedelta(seconds=95), "sos-2"), ticket)

    def test_cancel_at_the_border_of_the_window_counts(self):
        ticket = self.sos()
        _status, _body, event = self.cancel(T0 + timedelta(seconds=30))
        self.assertEqual(event.cancel_result, "cancelled")
        self.assertTrue(ticket.closed)

    def test_cancel_after_the_window_is_stored_and_ignored(self):
        ticket = self.sos()
        status, body, event = self.cancel(T0 + timedelta(seconds=31))
        self.assertEqual(status, 202, body)
        self.assertEqual(event.cancel_result, "too_late")
        self.assertEqual(event.ticket_id, ticket, "the desk sees it on the ticket")
        self.assertIn("31 s", event.cancel_note)
        self.assertFalse(ticket.closed)
        self.assertFalse(ticket.care_outcome)
        self.assertFalse(ticket.care_action_ids)
        notes = " ".join(ticket.message_ids.mapped(lambda m: str(m.body)))
        self.assertIn("after the pre-alert window", notes)
        self.assertIn("The alarm stands", notes)
        # and the alarm escalates as any other
        with freeze_time(T0 + timedelta(seconds=61)):
            self.assertEqual(self.Ticket._cron_escalate_unacknowledged(), ticket)

    def test_cancel_after_acknowledgement_is_ignored(self):
        ticket = self.sos()
        with freeze_time(T0 + timedelta(seconds=5)):
            ticket.with_user(self.users["emergency"]).action_care_acknowledge()
        _status, _body, event = self.cancel(T0 + timedelta(seconds=10))
        self.assertEqual(event.cancel_result, "acknowledged")
        self.assertFalse(ticket.closed)
        self.assertEqual(ticket.care_action_ids.mapped("action"), ["ack"])
        self.assertEqual(ticket.care_ladder_state, "running", "the ladder goes on")

    def test_cancel_without_an_open_alarm(self):
        status, body, event = self.cancel(T0)
        self.assertEqual(status, 200, body)
        self.assertEqual(event.cancel_result, "no_alarm")
        self.assertFalse(event.ticket_id)
        self.assertFalse(self.alarm_tickets())
        # a closed alarm is not reopened nor touched
        ticket = self.sos(T0 + timedelta(minutes=1))
        self.cancel(T0 + timedelta(minutes=1, seconds=5), "cancel-2")
        self.assertTrue(ticket.closed)
        _status, _body, event = self.cancel(
            T0 + timedelta(minutes=1, seconds=8), "cancel-3"
        )
        self.assertEqual(event.cancel_result, "no_alarm")
        self.assertEqual(len(ticket.care_action_ids), 1)

    def test_only_sos_and_fall_are_cancelled(self):
        fall = self.sos(code="fall", uid="fall-1")
        with freeze_time(T0):
            self.ingest("smoke", event_uid="smoke-1")
        smoke = self.alarm_tickets(kind="smoke")
        _status, _body, event = self.cancel(T0 + timedelta(seconds=3))
        self.assertEqual(event.cancel_result, "cancelled")
        self.assertTrue(fall.closed)
        self.assertFalse(smoke.closed)
        _status, _body, event = self.cancel(T0 + timedelta(seconds=4), "cancel-2")
        self.assertEqual(event.cancel_result, "no_alarm", "smoke is not cancelled")
        self.assertFalse(smoke.closed)

    def test_latest_alarm_of_this_device_is_the_one_cancelled(self):
        other = self.sos(uid="other-1", device=self.device2)
        sos = self.sos(uid="sos-1")
        fall = self.sos(T0 + timedelta(seconds=2), uid="fall-1", code="fall")
        self.cancel(T0 + timedelta(seconds=4))
        self.assertTrue(fall.closed, "the latest one")
        self.assertFalse(sos.closed)
        self.assertFalse(other.closed, "another elder's device")

    def test_alarm_also_raised_by_another_device_stands(self):
        second = self.make_device("860000000000003", self.elder)
        ticket = self.sos()
        joined = self.sos(T0 + timedelta(seconds=3), uid="sos-2", device=second)
        self.assertEqual(joined, ticket)
        _status, _body, event = self.cancel(T0 + timedelta(seconds=5))
        self.assertEqual(event.cancel_result, "other_device")
        self.assertFalse(ticket.closed)

    def test_replayed_cancel_changes_nothing(self):
        ticket = self.sos()
        self.cancel(T0 + timedelta(seconds=10))
        messages = len(ticket.message_ids)
        status, body, event = self.cancel(T0 + timedelta(seconds=12))
        self.assertEqual(status, 409)
        self.assertEqual(body["status"], "duplicate")
        self.assertEqual(len(event), 1)
        self.assertEqual(len(ticket.care_action_ids), 1)
        self.assertEqual(len(ticket.message_ids), messages)
        # a replay of a late cancel after a new alarm does not cancel it
        fresh = self.sos(T0 + timedelta(minutes=5), "sos-2")
        status, _body, _event = self.cancel(T0 + timedelta(minutes=5, seconds=3))
        self.assertEqual(status, 409)
        self.assertFalse(fresh.closed)

    def test_window_is_measured_on_both_clocks(self):
        """A late delivery or a slow device clock never stretches the window."""
        ticket = self.sos(uid="sos-1")
        # pressed 10 s after the alarm by the device's clock, delivered at 45 s
        _status, _body, event = self.cancel(
            T0 + timedelta(seconds=45),
            device_time=(T0 + timedelta(seconds=10)).isoformat() + "Z",
        )
        self.assertEqual(event.cancel_result, "too_late")
        self.assertFalse(ticket.closed)
        # the alarm's device time is 60 s before the cancel's by the device:
        # received 20 s after the alarm, still too late
        with freeze_time(T0 + timedelta(minutes=2)):
            self.ingest(
                "fall",
                event_uid="fall-1",
                device_time=(T0 + timedelta(seconds=60)).isoformat() + "Z",
            )
        fall = self.alarm_tickets(kind="fall")
        _status, _body, event = self.cancel(
            T0 + timedelta(minutes=2, seconds=20),
            "cancel-2",
            device_time=(T0 + timedelta(minutes=2)).isoformat() + "Z",
        )
        self.assertEqual(event.cancel_result, "too_late")
        self.assertFalse(fall.closed)
        # pressed before the alarm by the device's clock: another alarm's
        _status, _body, event = self.cancel(
            T0 + timedelta(minutes=2, seconds=22),
            "cancel-3",
            device_time=(T0 + timedelta(seconds=30)).isoformat() + "Z",
        )
        self.assertEqual(event.cancel_result, "no_alarm")
        self.assertFalse(fall.closed)

    def test_device_time_in_the_future_is_clamped_or_refused(self):
        ticket = self.sos()
        # a clock an hour ahead: taken as received (as the intake does)
        _status, _body, event = self.cancel(
            T0 + timedelta(seconds=10),
            device_time=(T0 + timedelta(hours=1)).isoformat() + "Z",
        )
        self.assertEqual(event.cancel_result, "cancelled")
        self.assertTrue(ticket.closed)
        # two days ahead: refused as the intake refuses any event, not stored
        status, body, event = self.cancel(
            T0 + timedelta(seconds=11),
            "cancel-2",
            device_time=(T0 + timedelta(days=2)).isoformat() + "Z",
        )
        self.assertEqual(status, 400)
        self.assertEqual(body["field"], "device_time")
        self.assertFalse(event)

    def test_window_is_a_setting(self):
        self.env["ir.config_parameter"].set_param(
            "care_devices.cancel_window_seconds", 10
        )
        ticket = self.sos()
        _status, _body, event = self.cancel(T0 + timedelta(seconds=11))
        self.assertEqual(event.cancel_result, "too_late")
        self.assertFalse(ticket.closed)
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.care_cancel_window_seconds, 10)

    def test_desk_cannot_file_or_undo_a_wearer_cancel(self):
        """The wearer's cancel takes an alarm out of the answer-time report:
        only the device sets it."""
        desk = self.users["emergency"]
        late = self.sos()
        late.with_user(desk).action_care_acknowledge()
        with self.assertRaises(AccessError):
            late.with_user(desk).write({"care_outcome": "wearer_cancelled"})
        with self.assertRaises(UserError):
            late.with_user(desk)._care_close("wearer_cancelled")
        self.assertNotIn(
            "wearer_cancelled",
            dict(self.env["care.alarm.close.wizard"]._fields["outcome"].selection),
        )
        self.assertFalse(late.care_outcome)
        self.assertFalse(late.closed)
        cancelled = self.sos(T0 + timedelta(minutes=20), "sos-2", code="fall")
        self.cancel(T0 + timedelta(minutes=20, seconds=5))
        with self.assertRaises(AccessError):
            cancelled.with_user(desk).write({"care_outcome": "false_alarm"})
        with self.assertRaises(AccessError):
            self.Ticket.with_user(desk).create(
                {"name": "x", "care_outcome": "wearer_cancelled"}
            )
        self.assertEqual(cancelled.care_outcome, "wearer_cancelled")
