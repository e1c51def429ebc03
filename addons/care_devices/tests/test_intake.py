from datetime import timedelta

from freezegun import freeze_time

from odoo import fields

from .common import DevicesCase


class TestIntake(DevicesCase):
    def test_heartbeat_fast_path_updates_device_without_a_row(self):
        before = self.Event.search_count([])
        status, body = self.ingest(
            "heartbeat",
            battery=77,
            position={
                "latitude": 31.2304,
                "longitude": 121.4737,
                "accuracy": 15,
                "fix_type": "gps",
            },
        )
        self.assertEqual((status, body), (200, {"status": "ok"}))
        self.assertEqual(self.Event.search_count([]), before, "no row per heartbeat")
        self.assertEqual(self.device.battery, 77)
        self.assertAlmostEqual(self.device.last_latitude, 31.2304)
        self.assertEqual(self.device.last_fix_type, "gps")
        self.assertTrue(self.device.last_seen)
        self.assertIn("121.473700,31.230400", self.device.map_url)

    def test_old_heartbeat_does_not_move_last_seen_back(self):
        self.ingest("heartbeat")
        seen = self.device.last_seen
        self.ingest("heartbeat", device_time="2020-01-01T08:00:00+08:00")
        self.assertEqual(self.device.last_seen, seen)

    def test_low_battery_crossing_opens_one_ticket_per_episode(self):
        self.ingest("heartbeat", battery=50)
        status, body = self.ingest("heartbeat", battery=15)
        self.assertEqual(status, 202)
        ticket = self.alarm_tickets(kind="low_battery")
        self.assertEqual(len(ticket), 1)
        self.assertEqual(body["ticket"], ticket.number)
        self.assertEqual(ticket.priority, "1", "low battery is a low-priority ticket")
        # still low: nothing new
        self.assertEqual(self.ingest("heartbeat", battery=12)[0], 200)
        self.assertEqual(self.alarm_tickets(kind="low_battery").care_alarm_count, 1)
        # charged, then low again while the ticket is open: same episode ticket
        self.ingest("heartbeat", battery=90)
        self.assertEqual(self.ingest("heartbeat", battery=10)[0], 202)
        self.assertEqual(len(self.alarm_tickets(kind="low_battery")), 1)

    def test_sos_is_stored_processed_and_opens_an_urgent_ticket(self):
        status, body = self.ingest(
            "sos",
            event_uid="u-sos-1",
            device_time="2026-11-20T08:15:02+08:00",
            battery=66,
            raw="[3G*8600*0009*AL]",
        )
        self.assertEqual(status, 202)
        event = self.Event.browse(body["event_id"])
        self.assertEqual(event.state, "processed")
        self.assertEqual(event.elder_id, self.elder)
        self.assertEqual(str(event.device_time), "2026-11-20 00:15:02")
        self.assertEqual(event.raw, "[3G*8600*0009*AL]")
        self.assertEqual(event.ticket_id.number, body["ticket"])
        self.assertEqual(event.ticket_id.priority, "3")
        self.assertEqual(self.device.battery, 66)

    def test_replay_answers_409_and_never_opens_a_second_ticket(self):
        first = self.ingest("fall", event_uid="u-fall-1")
        again = self.ingest("fall", event_uid="u-fall-1")
        self.assertEqual(first[0], 202)
        self.assertEqual(again[0], 409)
        self.assertEqual(again[1]["status"], "duplicate")
        self.assertEqual(again[1]["event_id"], first[1]["event_id"])
        self.assertEqual(again[1]["ticket"], first[1]["ticket"])
        self.assertEqual(self.Event.search_count([("uid", "=", "u-fall-1")]), 1)
        ticket = self.alarm_tickets(kind="fall")
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.care_alarm_count, 1)

    def test_same_uid_on_another_device_is_another_event(self):
        self.ingest("sos", event_uid="shared-uid")
        status, _body = self.ingest("sos", device=self.device2, event_uid="shared-uid")
        self.assertEqual(status, 202)
        self.assertEqual(self.Event.search_count([("uid", "=", "shared-uid")]), 2)

    def test_bad_fields_are_named_and_nothing_is_stored(self):
        before = self.Event.search_count([])
        cases = [
            ({"code": "sos", "event_uid": "x"}, "device_id"),
            ({"device_id": self.device.serial, "code": "explode"}, "code"),
            ({"device_id": self.device.serial, "code": "offline"}, "code"),
            ({"device_id": self.device.serial, "code": "sos"}, "event_uid"),
            (
                {"device_id": self.device.serial, "code": "sos", "event_uid": 7},
                "event_uid",
            ),
            (
                {
                    "device_id": self.device.serial,
                    "code": "heartbeat",
                    "battery": 140,
                },
                "battery",
            ),
            (
                {
                    "device_id": self.device.serial,
                    "code": "heartbeat",
                    "device_time": "yesterday",
                },
                "device_time",
            ),
            (
                {
                    "device_id": self.device.serial,
                    "code": "heartbeat",
                    "device_time": "2099-01-01T00:00:00Z",
                },
                "device_time",
            ),
            ({"device_id": self.device.serial, "code": "location"}, "position"),
            (
                {
                    "device_id": self.device.serial,
                    "code": "location",
                    "position": {"latitude": 95, "longitude": 121},
                },
                "position.latitude",
            ),
            (
                {
                    "device_id": self.device.serial,
                    "code": "location",
                    "position": {"latitude": 31, "longitude": 121, "fix_type": "x"},
                },
                "position.fix_type",
            ),
            (
                {
                    "device_id": self.device.serial,
                    "code": "vitals",
                    "event_uid": "v",
                },
                "vitals",
            ),
            (
                {
                    "device_id": self.device.serial,
                    "code": "vitals",
                    "event_uid": "v",
                    "vitals": {"glucose": 80},
                },
                "vitals.glucose",
            ),
            (
                {
                    "device_id": self.device.serial,
                    "code": "vitals",
                    "event_uid": "v",
                    "vitals": {"cholesterol": 5},
                },
                "vitals.cholesterol",
            ),
            (
                {
                    "device_id": self.device.serial,
                    "code": "vitals",
                    "event_uid": "v",
                    "vitals": {"systolic": 80, "diastolic": 95},
                },
                "vitals.diastolic",
            ),
            (
                {
                    "device_id": self.device.serial,
                    "code": "sos",
                    "event_uid": "r",
                    "raw": {"frame": 1},
                },
                "raw",
            ),
        ]
        for data, field in cases:
            with self.subTest(field=field, data=data):
                status, body = self.Event._ingest(self.key, data)
                self.assertEqual(status, 400)
                self.assertEqual(body["field"], field)
                self.assertTrue(body["message"])
        self.assertEqual(self.Event.search_count([]), before)
        self.assertFalse(self.Ticket.search([("care_elder_id", "=", self.elder.id)]))

    def test_unknown_device_is_404(self):
        status, body = self.Event._ingest(
            self.key, {"device_id": "NOPE", "code": "sos", "event_uid": "a"}
        )
        self.assertEqual(status, 404)
        self.assertEqual(body["error"], "unknown_device")

    def test_device_key_may_post_only_for_its_devices(self):
        key = self.env["care.device.api.key"].create(
            {"name": "One watch", "scope": "device", "device_ids": [self.device.id]}
        )
        self.assertEqual(
            self.Event._ingest(
                key, {"device_id": self.device.serial, "code": "heartbeat"}
            )[0],
            200,
        )
        status, body = self.Event._ingest(
            key, {"device_id": self.device2.serial, "code": "heartbeat"}
        )
        self.assertEqual(status, 403)
        self.assertEqual(body["field"], "device_id")

    def test_processing_failure_keeps_the_event_and_the_cron_retries_it(self):
        # a reading from a device not bound yet cannot be filed: it fails
        status, body = self.ingest(
            "vitals",
            device=self.spare,
            event_uid="f1",
            vitals={"glucose": 2.9},
        )
        self.assertEqual(status, 200)
        self.assertEqual(body["status"], "error")
        event = self.Event.browse(body["event_id"])
        self.assertEqual(event.state, "error")
        self.assertEqual(event.attempts, 1)
        self.assertIn("not bound", event.error)
        self.assertFalse(event.ticket_id)
        # a replay is still recognised: the event is kept, not re-created
        self.assertEqual(
            self.ingest(
                "vitals", device=self.spare, event_uid="f1", vitals={"glucose": 2.9}
            )[0],
            409,
        )
        # once the device is bound, the cron processes it (not while recent)
        self.env["care.device.binding"].create(
            {"device_id": self.spare.id, "elder_id": self.elder2.id}
        )
        self.assertNotIn(event, self.Event._cron_retry())
        with freeze_time(fields.Datetime.now() + timedelta(minutes=1)):
            retried = self.Event._cron_retry()
        self.assertIn(event, retried)
        self.assertEqual(event.state, "processed")
        self.assertFalse(event.error)
        self.assertEqual(event.elder_id, self.elder2)
        reading = self.env["care.vital.reading"].search([("event_id", "=", event.id)])
        self.assertEqual(reading.glucose, 2.9)
        self.assertEqual(event.ticket_id.care_alarm_kind, "vital_abnormal")

    def test_geofence_exit_is_urgent_for_dementia(self):
        self.ingest("geofence_exit", event_uid="g1")
        self.assertEqual(self.alarm_tickets(kind="geofence_exit").priority, "2")
        self.elder2.has_dementia = True
        self.ingest("geofence_exit", device=self.device2, event_uid="g2")
        self.assertEqual(self.alarm_tickets(self.elder2, "geofence_exit").priority, "3")

    def test_information_events_open_no_ticket(self):
        status, body = self.ingest("geofence_enter", event_uid="in-1")
        self.assertEqual(status, 200)
        self.assertEqual(body["status"], "processed")
        self.assertFalse(self.alarm_tickets())

    def test_post_events_over_the_orm_for_gateway_users(self):
        answers = self.Event.with_user(self.users["gateway"]).post_events(
            [
                {"device_id": self.device.serial, "code": "heartbeat"},
                {"device_id": self.device.serial, "code": "sos", "event_uid": "g-1"},
                {"device_id": "missing", "code": "heartbeat"},
            ]
        )
        self.assertEqual([a["status_code"] for a in answers], [200, 202, 404])
        with self.assertRaises(Exception) as caught:
            self.Event.with_user(self.users["emergency"]).post_events([])
        self.assertIn("Only device gateways", str(caught.exception))
