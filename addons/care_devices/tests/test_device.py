from datetime import datetime, timedelta

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError
from odoo.tools import mute_logger

from .common import DevicesCase

T0 = datetime(2026, 11, 20, 2, 0, 0)


class TestDevices(DevicesCase):
    def test_binding_history_and_one_active_binding(self):
        device = self.make_device("BIND-1")
        self.assertEqual(device.state, "stock")
        Binding = self.env["care.device.binding"].with_user(self.users["device_admin"])
        with freeze_time(T0):
            first = Binding.create({"device_id": device.id, "elder_id": self.elder.id})
        self.assertEqual((device.state, device.elder_id), ("bound", self.elder))
        self.assertEqual(first.bound_by_id, self.users["device_admin"])
        with self.assertRaises(UserError) as caught:
            Binding.create({"device_id": device.id, "elder_id": self.elder2.id})
        self.assertIn("already bound to 张秀英", str(caught.exception))
        self.assertEqual(len(device.binding_ids), 1)
        with freeze_time(T0 + timedelta(days=30)):
            device.with_user(self.users["device_admin"]).action_unbind()
        self.assertEqual((device.state, device.elder_id.id), ("stock", False))
        self.assertEqual(first.date_to, T0 + timedelta(days=30))
        self.assertEqual(first.unbound_by_id, self.users["device_admin"])
        self.assertFalse(first.is_active)
        with freeze_time(T0 + timedelta(days=31)):
            second = Binding.create(
                {"device_id": device.id, "elder_id": self.elder2.id}
            )
        self.assertEqual(device.binding_ids, second | first)
        self.assertEqual(device.elder_id, self.elder2)
        # no role may delete a binding, and not even sudo code: the history
        # is kept
        with self.assertRaises(AccessError):
            first.unlink()
        with self.assertRaises(UserError) as caught:
            first.sudo().unlink()
        self.assertIn("history is kept", str(caught.exception))
        self.assertTrue(first.exists())
        with self.assertRaises(UserError):
            self.spare.action_unbind()

    def test_database_refuses_a_second_open_binding(self):
        device = self.make_device("BIND-RACE", self.elder)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env.cr.execute(
                "INSERT INTO care_device_binding (device_id, elder_id, date_from) "
                "VALUES (%s, %s, now())",
                [device.id, self.elder2.id],
            )

    def test_lost_retired_and_departed_cannot_be_bound(self):
        Binding = self.env["care.device.binding"]
        lost = self.make_device("LOST-1")
        lost.action_mark_lost()
        with self.assertRaises(UserError) as caught:
            Binding.create({"device_id": lost.id, "elder_id": self.elder.id})
        self.assertIn("marked Lost", str(caught.exception))
        self.device2.action_retire()
        self.assertEqual(
            (self.device2.state, self.device2.elder_id.id), ("retired", False)
        )
        self.assertFalse(self.device2.binding_ids.filtered("is_active"))
        elder = self.env["care.elder"].create({"name": "离开的老人"})
        elder.action_activate()
        elder.action_mark_left()
        with self.assertRaises(UserError) as caught:
            Binding.create({"device_id": self.spare.id, "elder_id": elder.id})
        self.assertIn("no longer served", str(caught.exception))
        self.assertEqual(self.spare.state, "stock")
        with self.assertRaises(UserError) as caught:
            self.device.action_restock()
        self.assertIn("unbind it first", str(caught.exception))

    def test_bind_wizard_takes_a_scanned_label_or_a_typed_serial(self):
        Wizard = self.env["care.device.bind.wizard"].with_user(
            self.users["device_admin"]
        )
        wizard = Wizard.create(
            {"code": self.spare.qr_payload(), "elder_id": self.elder2.id}
        )
        self.assertEqual(wizard.device_id, self.spare)
        wizard.action_bind()
        self.assertEqual(self.spare.elder_id, self.elder2)
        other = self.make_device("TYPED-77")
        Wizard.create({"code": "  TYPED-77 ", "elder_id": self.elder.id}).action_bind()
        self.assertEqual(other.elder_id, self.elder)
        with self.assertRaises(UserError) as caught:
            Wizard.create(
                {"code": "CAREDEV:NOPE", "elder_id": self.elder.id}
            ).action_bind()
        self.assertIn("No device matches", str(caught.exception))

    def test_serial_is_unique_per_company(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.make_device(" 860000000000001 ")

    def test_qr_label_renders(self):
        html = self.env["ir.actions.report"]._render_qweb_html(
            "care_devices.action_report_care_device_label", self.device.ids
        )[0]
        self.assertIn(self.device.serial, html.decode())
        self.assertTrue(self.device.qr_code)

    def test_offline_detection_once_per_episode(self):
        with freeze_time(T0):
            self.ingest("heartbeat", device=self.device2)
            self.ingest("heartbeat")
        # interval 5 min x 3: offline after 15 minutes of silence
        with freeze_time(T0 + timedelta(minutes=14)):
            self.ingest("heartbeat", device=self.device2)
            self.env["care.device"]._cron_detect_offline()
        self.assertFalse(self.device.offline)
        with freeze_time(T0 + timedelta(minutes=16)):
            self.env["care.device"]._cron_detect_offline()
        self.assertTrue(self.device.offline)
        self.assertFalse(self.device2.offline)
        ticket = self.Ticket.search([("care_device_id", "=", self.device.id)])
        self.assertEqual(ticket.care_alarm_kind, "offline")
        self.assertEqual(ticket.priority, "1")
        self.assertEqual(ticket.care_event_ids.source, "server")
        with freeze_time(T0 + timedelta(minutes=40)):
            self.env["care.device"]._cron_detect_offline()
        self.assertEqual(
            self.Ticket.search_count([("care_device_id", "=", self.device.id)]), 1
        )
        self.assertEqual(ticket.care_alarm_count, 1)
        # it speaks again: the episode ends, the ticket says so
        with freeze_time(T0 + timedelta(minutes=41)):
            self.ingest("heartbeat")
        self.assertFalse(self.device.offline)
        self.assertIn("back online", str(ticket.message_ids[0].body))
        # stock devices are never offline
        with freeze_time(T0 + timedelta(days=2)):
            self.env["care.device"]._cron_detect_offline()
        self.assertFalse(self.spare.offline)

    def test_api_key_shown_once_stored_hashed_revocable(self):
        Key = self.env["care.device.api.key"].with_user(self.users["device_admin"])
        key = Key.create({"name": "Gateway B"})
        action = key.action_generate()
        wizard = self.env["care.api.key.wizard"].browse(action["res_id"])
        secret = wizard.key
        self.assertTrue(secret.startswith(f"cdk_{key.prefix}_"))
        self.assertNotIn(secret, str(key.sudo().read()[0]))
        self.assertEqual(
            self.Event.env["care.device.api.key"]._authenticate(secret), (key, None)
        )
        # regenerating invalidates the old secret
        new = (
            self.env["care.api.key.wizard"].browse(key.action_generate()["res_id"]).key
        )
        Auth = self.env["care.device.api.key"]
        self.assertEqual(Auth._authenticate(secret), (None, 401))
        self.assertEqual(Auth._authenticate(new), (key, None))
        key.action_revoke()
        self.assertEqual(Auth._authenticate(new), (key, 403))
        self.assertEqual(key.revoked_by_id, self.users["device_admin"])
        with self.assertRaises(UserError):
            key.action_generate()

    def test_any_secret_character_authenticates(self):
        from ..models.care_api_key import hash_secret

        key = self.env["care.device.api.key"].create({"name": "Underscores"})
        full = f"cdk_{key.prefix}_a_b-c_d"
        key.sudo().key_hash = hash_secret(full)
        Auth = self.env["care.device.api.key"]
        self.assertEqual(Auth._authenticate(full), (key, None))
        self.assertEqual(Auth._authenticate(full + "x"), (None, 401))
        self.assertEqual(Auth._authenticate(f"xyz_{key.prefix}_a_b-c_d"), (None, 401))
