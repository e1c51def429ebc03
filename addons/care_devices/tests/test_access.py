from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import DevicesCase


class TestAccess(DevicesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Ticket._care_alarm_ticket(cls.elder, "sos", "3", device=cls.device)
        cls.reading = cls.env["care.vital.reading"].create(
            {"elder_id": cls.elder.id, "device_id": cls.device.id, "heart_rate": 70}
        )

    def assert_refused(self, user, model, operation="read", vals=None):
        Model = self.env[model].with_user(self.users[user])
        with self.assertRaises(AccessError, msg=f"{user} may not {operation} {model}"):
            if operation == "create":
                Model.create(vals or {})
            elif operation == "read":
                Model.search([], limit=1)
            else:
                Model.check_access(operation)

    def assert_hidden(self, user, records):
        """helpdesk_mgmt lets internal users read the tickets they follow only."""
        self.assertTrue(records)
        self.assertFalse(
            records.with_user(self.users[user]).search([("id", "in", records.ids)])
        )

    def test_emergency_desk_handles_tickets_and_reads_devices(self):
        user = self.users["emergency"]
        ticket = self.alarm_tickets().with_user(user)
        self.assertTrue(ticket.care_card)
        ticket.action_care_acknowledge()
        self.assertEqual(ticket.care_action_ids.user_id, user)
        self.assertTrue(self.device.with_user(user).read(["serial", "battery"]))
        self.assertTrue(self.reading.with_user(user).read(["heart_rate"]))
        self.assert_refused(
            "emergency",
            "care.device",
            "create",
            {"serial": "X", "model_id": self.watch_model.id},
        )
        self.assert_refused("emergency", "care.device.api.key")
        self.assert_refused("emergency", "care.vital.reading", "write")

    def test_device_admin_manages_devices_and_keys_not_tickets(self):
        user = self.users["device_admin"]
        device = (
            self.env["care.device"]
            .with_user(user)
            .create({"serial": "ADMIN-1", "model_id": self.watch_model.id})
        )
        self.env["care.device.binding"].with_user(user).create(
            {"device_id": device.id, "elder_id": self.elder2.id}
        )
        self.env["care.device.api.key"].with_user(user).create({"name": "GW"})
        self.assertTrue(self.Event.with_user(user).search([], limit=1) is not None)
        self.assert_hidden("device_admin", self.alarm_tickets())
        self.assert_refused("device_admin", "care.vital.reading")
        # the admin sees who a device is bound to, not the elder's health
        elder = self.elder.with_user(user)
        self.assertEqual(elder.name, "张秀英")
        with self.assertRaises(AccessError):
            elder.read(["medications"])

    def test_family_doctor_reads_vitals_and_sets_thresholds(self):
        user = self.users["doctor"]
        self.assertEqual(
            self.env["care.vital.reading"]
            .with_user(user)
            .search([("elder_id", "=", self.elder.id)]),
            self.reading,
        )
        elder = self.elder.with_user(user)
        self.assertEqual(elder.medications, "二甲双胍 0.5g bid")
        self.env["care.vital.threshold"].with_user(user).create(
            {"elder_id": self.elder.id, "measure": "glucose", "low": 3.0}
        )
        self.assert_refused("doctor", "care.vital.reading", "write")
        self.assert_refused("doctor", "care.device.event")
        self.assert_refused("doctor", "care.device.api.key")
        self.assert_hidden("doctor", self.alarm_tickets())

    def test_reception_has_no_vitals_or_events(self):
        self.assertTrue(self.device.with_user(self.users["reception"]).read(["serial"]))
        self.assert_refused("reception", "care.vital.reading")
        self.assert_refused("reception", "care.device.event")
        self.assert_refused("reception", "care.device.api.key")

    def test_gateway_user_only_posts_events(self):
        gateway = self.users["gateway"]
        answers = self.Event.with_user(gateway).post_events(
            {"device_id": self.device.serial, "code": "heartbeat", "battery": 60}
        )
        self.assertEqual(answers[0]["status_code"], 200)
        self.assert_hidden("gateway", self.alarm_tickets())
        for model in ("care.device", "care.device.event", "care.elder"):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(gateway).search([], limit=1)

    def test_companies_are_kept_apart(self):
        other = self.env["res.company"].create({"name": "另一个服务中心"})
        stranger = new_test_user(
            self.env,
            login="dev_other_admin",
            groups="base.group_user,care_devices.group_care_device_admin",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        self.assertFalse(
            self.env["care.device"]
            .with_user(stranger)
            .search([("serial", "=", self.device.serial)])
        )
        # the same serial may exist in another company
        theirs = (
            self.env["care.device"]
            .with_user(stranger)
            .create({"serial": self.device.serial, "model_id": self.watch_model.id})
        )
        self.assertEqual(theirs.company_id, other)
        # our gateway key posts for our device, never for theirs
        status, body = self.ingest("sos", event_uid="mc-1")
        self.assertEqual(status, 202)
        self.assertEqual(self.Event.browse(body["event_id"]).device_id, self.device)
        their_key = self.env["care.device.api.key"].create(
            {"name": "Theirs", "company_id": other.id}
        )
        status, body = self.Event._ingest(
            their_key, {"device_id": self.device2.serial, "code": "heartbeat"}
        )
        self.assertEqual(status, 404)
