"""The call-out ladder of alarm tickets, its timers and its report."""

from datetime import datetime, timedelta

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .common import DevicesCase

T0 = datetime(2026, 11, 20, 2, 0, 0)  # UTC
ACK = T0 + timedelta(seconds=20)


class TestLadder(DevicesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead = cls.users["manager"]
        cls.env.ref("care_devices.helpdesk_team_emergency").user_id = cls.lead
        cls.desk = cls.users["emergency"]
        cls.escalation = cls.env.ref("care_devices.mail_activity_type_alarm_escalation")

    def acknowledged(self, code="sos", uid="l-1", device=None):
        with freeze_time(T0):
            status, body = self.ingest(code, device=device, event_uid=uid)
        self.assertEqual(status, 202, body)
        ticket = self.Ticket.search([("number", "=", body["ticket"])])
        with freeze_time(ACK):
            ticket.with_user(self.desk).action_care_acknowledge()
        return ticket.with_user(self.desk)

    def current(self, ticket):
        return ticket.sudo().care_ladder_line_id

    def lead_alerts(self, ticket):
        return ticket.activity_ids.filtered(
            lambda a: a.activity_type_id == self.escalation and a.user_id == self.lead
        )

    def test_acknowledging_starts_the_ladder_of_the_alarm_kind(self):
        ticket = self.acknowledged()
        self.assertEqual(
            ticket.care_ladder_id, self.env.ref("care_devices.alarm_ladder_sos")
        )
        self.assertEqual(ticket.care_ladder_state, "running")
        lines = ticket.care_ladder_line_ids
        self.assertEqual(
            lines.mapped("kind"),
            ["elder", "contacts", "contacts", "responder", "ambulance"],
        )
        # the contacts expanded in their order: the daughter (sequence 1) first
        self.assertEqual(
            lines.mapped("contact_name"), ["张秀英", "张丽", "张建国", False, False]
        )
        self.assertEqual(lines[1].phone, self.elder.contact_ids[1].partner_id.mobile)
        self.assertEqual(lines[4].phone, "120")
        self.assertEqual(lines.mapped("state"), ["current"] + ["waiting"] * 4)
        first = lines[0]
        self.assertEqual(self.current(ticket), first)
        self.assertEqual(first.started_at, ACK)
        self.assertEqual(first.deadline, ACK + timedelta(seconds=60))
        self.assertEqual(first.seconds_to_start, 20)
        self.assertEqual(ticket.care_ladder_deadline, ACK + timedelta(seconds=60))
        self.assertIn("1/5", ticket.care_ladder_step)
        self.assertIn("张秀英", ticket.care_ladder_step)
        # a fall has its own ladder; a smoke alarm has none
        fall = self.acknowledged("fall", "l-2")
        self.assertEqual(
            fall.care_ladder_id, self.env.ref("care_devices.alarm_ladder_fall")
        )
        self.assertEqual(fall.care_ladder_line_ids[0].timer, 45)
        smoke = self.acknowledged("smoke", "l-3")
        self.assertFalse(smoke.care_ladder_state)
        self.assertFalse(smoke.care_ladder_line_ids)

    def test_unbound_device_ladder_skips_the_people(self):
        ticket = self.acknowledged(device=self.spare)
        self.assertEqual(
            ticket.care_ladder_line_ids.mapped("kind"), ["responder", "ambulance"]
        )

    def test_step_moves_at_its_timer_not_before_and_the_lead_is_alerted_once(self):
        ticket = self.acknowledged()
        first = self.current(ticket)
        with freeze_time(ACK + timedelta(seconds=59)):
            self.assertFalse(self.Ticket._cron_ladder_advance() & ticket)
        self.assertEqual(self.current(ticket), first)
        self.assertFalse(self.lead_alerts(ticket))
        moved_at = ACK + timedelta(seconds=60)
        with freeze_time(moved_at):
            self.assertEqual(self.Ticket._cron_ladder_advance() & ticket, ticket)
        self.assertEqual(first.state, "done")
        self.assertEqual(first.outcome, "timeout")
        self.assertEqual(first.ended_at, moved_at)
        self.assertEqual(first.duration, 60)
        self.assertFalse(first.user_id)
        self.assertTrue(first.alerted)
        second = self.current(ticket)
        self.assertEqual(second.contact_name, "张丽")
        self.assertEqual(second.state, "current")
        self.assertEqual(second.started_at, moved_at)
        self.assertEqual(second.seconds_to_start, 80)
        self.assertEqual(ticket.care_ladder_deadline, moved_at + timedelta(seconds=90))
        alerts = self.lead_alerts(ticket)
        self.assertEqual(len(alerts), 1)
        self.assertIn(ticket.number, str(alerts.note))
        self.assertIn("张丽", str(alerts.note))
        # the cron running again before the next timer: nothing moves, no alert
        with freeze_time(moved_at + timedelta(seconds=89)):
            self.assertFalse(self.Ticket._cron_ladder_advance() & ticket)
        self.assertEqual(len(self.lead_alerts(ticket)), 1, "once per step")
        # a cron that missed its runs moves one step per run, with full timers
        late = moved_at + timedelta(seconds=600)
        with freeze_time(late):
            self.Ticket._cron_ladder_advance()
            self.Ticket._cron_ladder_advance()
        self.assertEqual(self.current(ticket).contact_name, "张建国")
        self.assertEqual(ticket.care_ladder_deadline, late + timedelta(seconds=90))
        self.assertEqual(len(self.lead_alerts(ticket)), 2)

    def test_desk_records_outcomes_answer_ends_the_ladder(self):
        ticket = self.acknowledged()
        lines = ticket.care_ladder_line_ids
        with freeze_time(ACK + timedelta(seconds=30)):
            ticket.action_care_ladder_no_answer()
        with freeze_time(ACK + timedelta(seconds=40)):
            ticket.with_context(
                care_ladder_line_id=lines[1].id
            ).action_care_ladder_busy()
        with freeze_time(ACK + timedelta(seconds=50)):
            ticket.action_care_ladder_refused()
        with freeze_time(ACK + timedelta(seconds=70)):
            ticket.action_care_ladder_answered()
        self.assertEqual(
            lines.mapped("outcome"), ["no_answer", "busy", "refused", "answered", False]
        )
        self.assertEqual(lines.mapped("state"), ["done"] * 4 + ["stopped"])
        self.assertEqual(lines[:4].user_id, self.desk)
        self.assertEqual(lines[3].duration, 20)
        self.assertEqual(lines[3].seconds_to_start, 70)
        self.assertEqual(ticket.care_ladder_state, "answered")
        self.assertFalse(self.current(ticket))
        self.assertFalse(ticket.care_ladder_deadline)
        self.assertFalse(self.lead_alerts(ticket), "answered in time: no alert")
        with self.assertRaises(UserError):
            ticket.action_care_ladder_no_answer()
        with freeze_time(ACK + timedelta(hours=1)):
            self.assertFalse(self.Ticket._cron_ladder_advance() & ticket)

    def test_outcome_for_a_step_the_ladder_left_is_refused(self):
        ticket = self.acknowledged()
        first = self.current(ticket)
        with freeze_time(ACK + timedelta(seconds=61)):
            self.Ticket._cron_ladder_advance()
        second = self.current(ticket)
        with self.assertRaises(UserError) as caught:
            ticket.with_context(
                care_ladder_line_id=first.id
            ).action_care_ladder_answered()
        self.assertIn("moved on", str(caught.exception))
        self.assertEqual(ticket.care_ladder_state, "running")
        self.assertEqual(self.current(ticket), second)
        self.assertFalse(second.outcome)

    def test_ladder_without_an_answer_alerts_the_lead(self):
        ticket = self.acknowledged(device=self.spare)
        ticket.action_care_ladder_no_answer()
        ticket.action_care_ladder_no_answer()
        self.assertEqual(ticket.care_ladder_state, "exhausted")
        alerts = self.lead_alerts(ticket)
        self.assertEqual(len(alerts), 1)
        self.assertIn("run out of steps", str(alerts.note))

    def test_closing_the_alarm_stops_the_ladder(self):
        ticket = self.acknowledged()
        ticket.action_care_ladder_no_answer()
        ticket._care_close("resolved_by_phone")
        self.assertEqual(ticket.care_ladder_state, "stopped")
        self.assertEqual(
            ticket.care_ladder_line_ids.mapped("state"),
            ["done"] + ["stopped"] * 4,
        )
        with freeze_time(ACK + timedelta(hours=1)):
            self.assertFalse(self.Ticket._cron_ladder_advance() & ticket)

    def test_outcome_needs_the_acknowledgement_and_a_ladder(self):
        with freeze_time(T0):
            self.ingest("sos", event_uid="n-1")
        ticket = self.alarm_tickets(kind="sos").with_user(self.desk)
        with self.assertRaises(UserError):
            ticket.action_care_ladder_answered()
        with self.assertRaises(UserError):
            ticket._care_ladder_record("timeout")

    def test_other_roles_cannot_record_outcomes_or_move_steps(self):
        ticket = self.acknowledged()
        first = self.current(ticket)
        for role in ("reception", "dispatcher", "device_admin", "gateway", "doctor"):
            as_role = ticket.with_user(self.users[role])
            for method in (
                "action_care_ladder_answered",
                "action_care_ladder_no_answer",
                "action_care_ladder_busy",
                "action_care_ladder_refused",
            ):
                with self.assertRaises(AccessError, msg=f"{role} {method}"):
                    getattr(as_role, method)()
        self.assertEqual(self.current(ticket), first)
        self.assertFalse(first.outcome)

    def test_ladder_state_cannot_be_written_by_the_desk(self):
        ticket = self.acknowledged()
        first = self.current(ticket)
        for vals in (
            {"care_ladder_state": "answered"},
            {"care_ladder_deadline": fields_now()},
            {"care_ladder_line_id": False},
            {"care_ladder_step": "x"},
            {"care_ladder_line_ids": [(1, first.id, {"outcome": "answered"})]},
        ):
            with self.assertRaises(AccessError, msg=str(vals)):
                ticket.write(vals)
        for vals in ({"outcome": "answered"}, {"state": "done"}, {"deadline": False}):
            with self.assertRaises(AccessError, msg=str(vals)):
                first.with_user(self.lead).write(vals)
        with self.assertRaises(AccessError):
            self.env["care.alarm.ladder.line"].with_user(self.lead).create(
                {"ticket_id": ticket.id, "kind": "elder"}
            )
        self.assertEqual(ticket.care_ladder_state, "running")
        self.assertEqual(first.state, "current")
        self.assertFalse(first.outcome)

    def test_ladders_are_data_the_manager_edits(self):
        manager = self.lead
        ladder = self.env.ref("care_devices.alarm_ladder_sos").with_user(manager)
        ladder.step_ids[0].timer = 30
        ticket = self.acknowledged()
        self.assertEqual(self.current(ticket).deadline, ACK + timedelta(seconds=30))
        with self.assertRaises(AccessError):
            ladder.with_user(self.desk).write({"name": "x"})
        with self.assertRaises(ValidationError) as caught:
            self.env["care.alarm.ladder"].with_user(manager).create(
                {"name": "second", "alarm_kind": "sos"}
            )
        self.assertIn("already an active ladder", str(caught.exception))
        self.assertEqual(
            self.env["care.alarm.ladder"].search_count([("alarm_kind", "=", "sos")]),
            1,
        )
        for timer in (0, -5):
            with (
                self.assertRaises(IntegrityError),
                mute_logger("odoo.sql_db"),
                self.env.cr.savepoint(),
            ):
                self.env["care.alarm.ladder.step"].create(
                    {"ladder_id": ladder.id, "kind": "police", "timer": timer}
                )
        self.assertNotIn("police", ladder.step_ids.mapped("kind"))


def fields_now():
    return datetime(2020, 1, 1)


class TestAlarmReport(DevicesCase):
    def test_acknowledgement_shares_and_time_to_steps_on_known_data(self):
        """Four SOS acknowledged at 30, 100 and 200 s and never; a low-battery
        ticket and a cancelled false alarm are left out."""
        elders = [self.elder, self.elder2] + [
            self.env["care.elder"].create({"name": f"报表老人{n}"}) for n in range(3)
        ]
        devices = [self.device, self.device2]
        for n, elder in enumerate(elders[2:]):
            elder.action_activate()
            devices.append(self.make_device(f"86000000000010{n}", elder))
        desk = self.users["emergency"]
        tickets = []
        with freeze_time(T0):
            for n, device in enumerate(devices):
                self.ingest("sos", device=device, event_uid=f"r-{n}")
                tickets.append(self.Ticket.search([("care_device_id", "=", device.id)]))
            self.ingest("low_battery", device=self.device, event_uid="r-low")
        for ticket, seconds in zip(tickets, (30, 100, 200), strict=False):
            with freeze_time(T0 + timedelta(seconds=seconds)):
                ticket.with_user(desk).action_care_acknowledge()
        with freeze_time(T0 + timedelta(seconds=10)):
            self.ingest("cancel", device=devices[4], event_uid="r-cancel")
        self.assertEqual(tickets[4].care_outcome, "wearer_cancelled")
        action = self.env.ref("care_devices.helpdesk_ticket_alarm_report_action")
        domain = safe_eval(action.domain)
        mine = [("care_elder_id", "in", [e.id for e in elders])]
        [(count, ack60, ack180, to_ack)] = self.Ticket._read_group(
            domain + mine,
            [],
            ["__count", "care_ack_60:avg", "care_ack_180:avg", "care_time_to_ack:avg"],
        )
        self.assertEqual(count, 4, "low battery and the cancelled alarm left out")
        self.assertEqual((ack60, ack180), (25.0, 50.0))
        self.assertEqual(to_ack, 110.0, "the unacknowledged one is not a zero")
        # time to each step: the first step of each ladder starts at the ack
        groups = self.env["care.alarm.ladder.line"]._read_group(
            [("ticket_id", "in", [t.id for t in tickets]), ("started_at", "!=", False)],
            ["kind"],
            ["seconds_to_start:avg", "__count"],
        )
        self.assertEqual(groups, [("elder", 110.0, 3)])
        # the report views open
        for view in ("pivot", "graph"):
            self.env["care.alarm.ladder.line"].get_views([(False, view)])
            self.Ticket.get_views(
                [
                    (
                        self.env.ref(
                            f"care_devices.helpdesk_ticket_view_{view}_care"
                        ).id,
                        view,
                    )
                ]
            )
