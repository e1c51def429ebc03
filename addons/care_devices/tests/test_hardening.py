"""Issue 14: medical data on tickets, late frames, failed events, revoked
keys, crons that meet a bad record, users without e-mail, guarded fields."""

from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from ..models.care_device_event import MAX_ATTEMPTS
from .common import DevicesCase

T0 = datetime(2026, 11, 20, 2, 0, 0)  # UTC
MEDICAL_WORDS = ("青霉素过敏", "二甲双胍", "李医生", "冠心病测试", "市第一医院")


class TestHardening(DevicesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hospital = cls.env["res.partner"].create({"name": "市第一医院"})
        condition = cls.env["care.condition"].create({"name": "冠心病测试"})
        cls.elder.write(
            {
                "condition_ids": [(4, condition.id)],
                "hospital_id": cls.hospital.id,
            }
        )

    # ------------------------------------------------------------------
    # 7, 8: the medical part of the card
    # ------------------------------------------------------------------
    def test_dispatcher_following_an_emergency_ticket_reads_no_medical_word(self):
        dispatcher = self.users["dispatcher"]
        ticket = (
            self.Ticket.with_user(dispatcher)
            .sudo()
            ._care_open_emergency_ticket(self.elder, description="老人说头晕")
        )
        ticket.message_subscribe(partner_ids=dispatcher.partner_id.ids)
        ticket.invalidate_recordset()
        mine = ticket.with_user(dispatcher)
        self.assertEqual(mine.search([("id", "=", ticket.id)]), ticket, "a follower")
        values = mine.read()[0]
        self.assertNotIn("care_card_medical", values)
        text = str(values)
        text += "".join(str(b) for b in mine.message_ids.mapped("body"))
        for word in MEDICAL_WORDS:
            self.assertNotIn(word, text)
        self.assertIn("老人说头晕", str(values["care_card"]), "the caller's words")
        with self.assertRaises(AccessError):
            mine.read(["care_card_medical"])
        with self.assertRaises(AccessError):
            mine.read(["care_vital_reading_ids"])
        # the desk, the family doctor and reception read it
        for role in ("emergency", "doctor", "reception"):
            with self.subTest(role=role):
                user = self.users[role]
                ticket.message_subscribe(partner_ids=user.partner_id.ids)
                medical = ticket.with_user(user).read(["care_card_medical"])[0]
                self.assertIn("冠心病测试", str(medical["care_card_medical"]))

    def test_finance_follower_reads_no_medical_word(self):
        finance = new_test_user(
            self.env,
            login="dev_finance",
            groups="base.group_user,elder_crm.group_care_finance",
        )
        self.ingest("sos", event_uid="fin-1")
        ticket = self.alarm_tickets(kind="sos")
        ticket.message_subscribe(partner_ids=finance.partner_id.ids)
        values = ticket.with_user(finance).read()[0]
        for word in MEDICAL_WORDS:
            self.assertNotIn(word, str(values))

    # ------------------------------------------------------------------
    # 10: readings inside other events
    # ------------------------------------------------------------------
    def test_readings_inside_an_sos_or_heartbeat_are_checked(self):
        status, body = self.ingest(
            "sos", event_uid="sv-1", vitals={"heart_rate": 190, "spo2": 97}
        )
        self.assertEqual(status, 202)
        self.assertEqual(self.alarm_tickets(kind="sos").number, body["ticket"])
        event = self.Event.browse(body["event_id"])
        reading = self.env["care.vital.reading"].search([("event_id", "=", event.id)])
        self.assertEqual(reading.heart_rate, 190)
        self.assertTrue(reading.severity, "checked against the thresholds")
        self.assertEqual(reading.ticket_id.care_alarm_kind, "vital_abnormal")
        # a heartbeat with a reading is not lost on the fast path either
        status, body = self.ingest("heartbeat", vitals={"spo2": 85})
        reading = self.env["care.vital.reading"].search(
            [("event_id", "=", body["event_id"])]
        )
        self.assertEqual(reading.spo2, 85)
        self.assertTrue(reading.severity)
        # an impossible reading is refused whatever the event
        status, body = self.ingest("fall", event_uid="sv-2", vitals={"spo2": 140})
        self.assertEqual((status, body["field"]), (400, "vitals.spo2"))
        self.assertFalse(self.Event.search([("uid", "=", "sv-2")]))

    # ------------------------------------------------------------------
    # 11: an event that keeps failing reaches a person
    # ------------------------------------------------------------------
    def test_event_failing_its_last_retry_opens_an_urgent_ticket(self):
        _status, body = self.ingest(
            "vitals", device=self.spare, event_uid="lf-1", vitals={"glucose": 2.9}
        )
        event = self.Event.browse(body["event_id"])
        self.assertEqual((event.state, event.attempts), ("error", 1))
        Ticket = self.Ticket
        self.assertFalse(event.ticket_id, "not yet: it will be retried")
        for minute in range(1, MAX_ATTEMPTS + 2):
            with freeze_time(fields.Datetime.now() + timedelta(minutes=minute)):
                self.Event._cron_retry()
        self.assertEqual(event.attempts, MAX_ATTEMPTS)
        self.assertEqual(event.state, "error")
        ticket = event.ticket_id
        self.assertTrue(ticket, "the desk has a ticket for the event")
        self.assertEqual(ticket.priority, "3")
        self.assertEqual(ticket.team_id, Ticket._care_team())
        self.assertIn(str(event.id), str(ticket.description))
        self.assertIn(self.spare.serial, str(ticket.description))
        self.assertNotIn("2.9", str(ticket.description), "no reading in it")
        # handed over once, and the cron gives up on it
        self.assertNotIn(event, self.Event._cron_retry())
        self.assertEqual(
            Ticket.search_count([("care_device_id", "=", self.spare.id)]), 1
        )

    def test_failing_sos_reaches_the_desk_at_once(self):
        Ticket = type(self.Ticket)
        with patch.object(
            Ticket, "_care_render_card", side_effect=RuntimeError("template broken")
        ):
            status, body = self.ingest("sos", event_uid="fs-1")
        event = self.Event.browse(body["event_id"])
        self.assertEqual(event.state, "error")
        self.assertEqual(status, 202, "the desk has a ticket")
        ticket = event.ticket_id
        self.assertEqual(ticket.number, body["ticket"])
        self.assertEqual((ticket.priority, ticket.care_alarm_kind), ("3", "sos"))
        self.assertIn("template broken", str(ticket.description))
        self.assertEqual(ticket.care_elder_id, self.elder)
        # the retry now works: it joins the same ticket
        with freeze_time(fields.Datetime.now() + timedelta(minutes=1)):
            self.Event._cron_retry()
        self.assertEqual(event.state, "processed")
        self.assertEqual(event.ticket_id, ticket)
        self.assertEqual(len(self.alarm_tickets(kind="sos")), 1)

    # ------------------------------------------------------------------
    # 12: late frames
    # ------------------------------------------------------------------
    def test_late_or_replayed_location_frame_does_not_move_the_position_back(self):
        new = {"latitude": 31.2304, "longitude": 121.4737, "accuracy": 10}
        old = {"latitude": 39.9, "longitude": 116.4, "accuracy": 10}
        self.ingest(
            "location",
            position=new,
            battery=70,
            device_time="2026-11-20T10:00:00+08:00",
        )
        self.ingest(
            "location",
            position=old,
            battery=95,
            device_time="2026-11-20T09:00:00+08:00",
        )
        self.assertAlmostEqual(self.device.last_latitude, 31.2304)
        self.assertEqual(self.device.battery, 70, "nor the battery")
        self.assertEqual(
            self.device.last_position_date, datetime(2026, 11, 20, 2, 0, 0)
        )
        # an alarm that arrives late with its old position does not either
        self.ingest(
            "sos",
            event_uid="late-sos",
            position=old,
            device_time="2026-11-20T09:30:00+08:00",
        )
        self.assertAlmostEqual(self.device.last_latitude, 31.2304)
        # a newer frame does
        self.ingest("location", position=old, device_time="2026-11-20T11:00:00+08:00")
        self.assertAlmostEqual(self.device.last_latitude, 39.9)

    # ------------------------------------------------------------------
    # 14: revoked keys
    # ------------------------------------------------------------------
    def test_revocation_is_final(self):
        admin = self.users["device_admin"]
        key = self.env["care.device.api.key"].with_user(admin).create({"name": "K"})
        secret = key.sudo()._set_new_secret()
        key.action_revoke()
        self.assertEqual(self.env["care.device.api.key"]._authenticate(secret)[1], 403)
        for attempt in (
            lambda: key.write({"active": True}),
            lambda: key.write({"revoked_date": False}),
            key.action_unarchive,
            key.toggle_active,
            key.action_generate,
        ):
            with (
                self.subTest(attempt=attempt),
                self.assertRaises(UserError),
            ):
                attempt()
        # not even the superuser
        with self.assertRaises(UserError):
            key.sudo().write({"active": True})
        with self.assertRaises(UserError):
            key.sudo().action_unarchive()
        self.assertFalse(key.active)
        self.assertEqual(self.env["care.device.api.key"]._authenticate(secret)[1], 403)
        # archiving is revoking, with the date and the user
        other = self.env["care.device.api.key"].with_user(admin).create({"name": "L"})
        other.action_archive()
        self.assertEqual((other.active, other.revoked_by_id), (False, admin))
        self.assertTrue(other.revoked_date)
        third = self.env["care.device.api.key"].with_user(admin).create({"name": "M"})
        third.toggle_active()
        self.assertEqual((third.active, third.revoked_by_id), (False, admin))
        with self.assertRaises(UserError):
            third.toggle_active()

    def test_only_device_admins_revoke_or_generate(self):
        emergency = self.users["emergency"]
        for method in ("action_revoke", "action_generate"):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(self.key.with_user(emergency), method)()
        self.assertTrue(self.key.active)

    def test_the_wizard_forgets_the_secret_once_shown(self):
        admin = self.users["device_admin"]
        key = self.env["care.device.api.key"].with_user(admin).create({"name": "W"})
        action = key.action_generate()
        wizard = (
            self.env["care.api.key.wizard"].with_user(admin).browse(action["res_id"])
        )
        shown = wizard.read(["key"])[0]["key"]
        self.assertTrue(shown.startswith("cdk_"))
        wizard.invalidate_recordset()
        self.assertFalse(wizard.read(["key"])[0]["key"], "shown once")
        self.assertFalse(wizard.sudo().key)
        self.assertEqual(
            self.env["care.device.api.key"]._authenticate(shown), (key, None)
        )
        # a client cannot plant a secret in a wizard
        planted = (
            self.env["care.api.key.wizard"]
            .with_user(admin)
            .create({"key_id": key.id, "key": "cdk_x_y"})
        )
        self.assertFalse(planted.sudo().key)

    # ------------------------------------------------------------------
    # 16: crons carry on
    # ------------------------------------------------------------------
    def test_offline_cron_carries_on_after_a_bad_device(self):
        third = self.make_device("860000000000003", self.elder2)
        Event = type(self.Event)
        real = Event._record_server_event

        def flaky(model, device, code, when):
            if device == self.device:
                raise RuntimeError("broken device")
            return real(model, device, code, when)

        with freeze_time(T0):
            for device in (self.device, self.device2, third):
                self.ingest("heartbeat", device=device)
        with (
            freeze_time(T0 + timedelta(days=1)),
            patch.object(Event, "_record_server_event", flaky),
            self.assertLogs(
                "odoo.addons.care_devices.models.care_device", "WARNING"
            ) as logs,
        ):
            flagged = self.env["care.device"]._cron_detect_offline()
        self.assertEqual(flagged, self.device2 | third, logs.output)
        self.assertFalse(self.device.offline, "rolled back, tried again next time")
        self.assertTrue(self.device2.offline and third.offline)
        with freeze_time(T0 + timedelta(days=1, minutes=5)):
            self.assertEqual(
                self.env["care.device"]._cron_detect_offline(), self.device
            )

    def test_escalation_cron_carries_on_after_a_bad_ticket(self):
        with freeze_time(T0):
            self.ingest("sos", event_uid="ec-1")
            self.ingest("sos", device=self.device2, event_uid="ec-2")
        bad, good = (
            self.alarm_tickets(kind="sos"),
            self.alarm_tickets(self.elder2, "sos"),
        )
        Ticket = type(self.Ticket)
        real = Ticket._care_escalate

        def flaky(ticket, *args):
            if ticket == bad:
                raise RuntimeError("broken ticket")
            return real(ticket, *args)

        # the cron missed a day: it still finds them, by state
        with (
            freeze_time(T0 + timedelta(days=1)),
            patch.object(Ticket, "_care_escalate", flaky),
            self.assertLogs(
                "odoo.addons.care_devices.models.helpdesk_ticket", "WARNING"
            ),
        ):
            escalated = self.Ticket._cron_escalate_unacknowledged()
        self.assertEqual(escalated, good)
        self.assertFalse(bad.care_escalated)
        with freeze_time(T0 + timedelta(days=1, minutes=1)):
            self.assertEqual(self.Ticket._cron_escalate_unacknowledged(), bad)

    def test_retry_cron_carries_on_after_a_bad_event(self):
        _s, bad = self.ingest(
            "vitals", device=self.spare, event_uid="rb-1", vitals={"glucose": 5.0}
        )
        # an event left "received" (its request died after the insert)
        good, _dup = self.Event._store(
            self.device,
            self.key,
            {
                "uid": "rb-2",
                "code": "fall",
                "device_time": None,
                "position": None,
                "battery": None,
                "raw": None,
            },
            fields.Datetime.now(),
        )
        with freeze_time(fields.Datetime.now() + timedelta(days=1)):
            tried = self.Event._cron_retry(limit=1)
        self.assertEqual(
            tried.ids, sorted([bad["event_id"], good.id]), "batch after batch"
        )
        self.assertEqual(good.state, "processed")
        self.assertTrue(good.ticket_id)
        self.assertEqual(self.Event.browse(bad["event_id"]).state, "error")

    # ------------------------------------------------------------------
    # 17: a user without e-mail does the desk's work
    # ------------------------------------------------------------------
    def test_desk_user_without_email_handles_and_closes_an_alarm(self):
        user = new_test_user(
            self.env,
            login="dev_no_mail",
            groups="base.group_user,elder_crm.group_care_emergency",
            email=False,
        )
        self.assertFalse(user.email)
        # with the mail machinery on, as in production
        env = self.env(context={})
        _status, body = self.ingest("fall", event_uid="nm-1")
        ticket = (
            env["helpdesk.ticket"]
            .with_user(user)
            .search([("number", "=", body["ticket"])])
        )
        self.assertTrue(ticket)
        ticket.action_care_acknowledge()
        ticket.action_care_elder_called()
        ticket.action_care_contacts_called()
        ticket.action_care_send_responder()
        action = ticket.action_care_close()
        wizard = (
            env["care.alarm.close.wizard"]
            .with_user(user)
            .with_context(**action["context"])
            .create({"outcome": "family_handled"})
        )
        wizard.action_confirm()
        self.assertTrue(ticket.closed)
        self.assertEqual(ticket.care_ack_user_id, user)
        self.assertEqual(ticket.care_action_ids[-1].action, "closed")

    # ------------------------------------------------------------------
    # 23: results and evidence are not writable by clients
    # ------------------------------------------------------------------
    def test_clients_cannot_write_results_or_evidence(self):
        self.ingest("sos", event_uid="g-1", battery=50)
        ticket = self.alarm_tickets(kind="sos")
        desk = self.users["emergency"]
        manager = self.users["manager"]
        admin = self.users["device_admin"]
        cases = [
            (ticket.with_user(desk), {"care_ack_date": fields.Datetime.now()}),
            (ticket.with_user(desk), {"care_time_to_ack": 1.0}),
            (ticket.with_user(desk), {"care_ack_60": 100.0}),
            (ticket.with_user(manager), {"care_escalated": True}),
            (ticket.with_user(desk), {"care_card": "<p>x</p>"}),
            (ticket.with_user(manager), {"care_card_medical": "<p>x</p>"}),
            (ticket.with_user(desk), {"care_alarm_time": fields.Datetime.now()}),
            (self.device.with_user(admin), {"battery": 100}),
            (self.device.with_user(admin), {"last_seen": fields.Datetime.now()}),
            (self.device.with_user(admin), {"last_latitude": 1.0}),
            (self.device.with_user(admin), {"offline": True}),
            (self.device.with_user(admin), {"state": "stock"}),
            (self.device.with_user(admin), {"elder_id": self.elder2.id}),
            (
                self.device.binding_ids.with_user(admin),
                {"date_to": fields.Datetime.now()},
            ),
            (self.device.binding_ids.with_user(admin), {"is_active": False}),
            (self.key.with_user(admin), {"key_hash": "0" * 64}),
            (self.key.with_user(admin), {"active": False}),
        ]
        for record, vals in cases:
            with self.subTest(model=record._name, vals=vals):
                before = record.sudo().read(list(vals))[0]
                with self.assertRaises(UserError):
                    record.write(vals)
                record.invalidate_recordset()
                self.assertEqual(record.sudo().read(list(vals))[0], before)
        # the trail: no forged step, and the events are read-only
        with self.assertRaises(AccessError):
            self.env["care.alarm.action"].with_user(desk).create(
                {"ticket_id": ticket.id, "action": "ack"}
            )
        with self.assertRaises(AccessError):
            ticket.care_action_ids[:1].with_user(manager).write({"user_id": desk.id})
        with self.assertRaises(AccessError):
            ticket.care_event_ids.with_user(admin).write({"state": "error"})
        with self.assertRaises(AccessError):
            self.env["care.vital.reading"].with_user(self.users["doctor"]).create(
                {"elder_id": self.elder.id, "heart_rate": 70, "severity": "critical"}
            )
        # only the desk acknowledges
        other_team = new_test_user(
            self.env,
            login="dev_helpdesk",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user",
        )
        with self.assertRaises(AccessError):
            ticket.with_user(other_team).action_care_acknowledge()
        self.assertFalse(ticket.care_ack_date)
