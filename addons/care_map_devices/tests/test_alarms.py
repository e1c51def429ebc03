"""Active alarms on the desk's map: at the device's last position, else at
the elder's home; only for the desk; gone once closed; and in a browser."""

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from odoo.addons.care_devices.tests.common import DevicesCase
from odoo.addons.care_map.tests.test_ui import CHECK, READY

HOME = (39.9219, 116.4655)
WATCH = (39.9301, 116.4702)  # where the wearer fell (WGS-84)
BOX = [116.3, 39.8, 116.6, 40.0]


class MapAlarmCase(DevicesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("care_map.tile_source", "osm")
        for elder in (cls.elder, cls.elder2):
            elder.partner_id.write(
                {"partner_latitude": HOME[0], "partner_longitude": HOME[1]}
            )
        cls.Map = cls.env["care.map"]

    def alarms(self, user="emergency"):
        layer = self.Map.with_user(self.users[user]).get_map_data(
            BOX, layers=["alarms"]
        )
        return {f["id"]: f for f in layer["alarms"]["features"]}


class TestAlarmLayer(MapAlarmCase):
    def test_alarm_at_the_device_position_else_home(self):
        self.ingest(
            "sos",
            event_uid="map-1",
            position={"latitude": WATCH[0], "longitude": WATCH[1]},
        )
        self.ingest("fall", device=self.device2, event_uid="map-2")
        at_watch = self.alarm_tickets()
        at_home = self.alarm_tickets(self.elder2)
        self.assertEqual((len(at_watch), len(at_home)), (1, 1))
        alarms = self.alarms()
        self.assertAlmostEqual(alarms[at_watch.id]["lat"], WATCH[0], places=6)
        self.assertAlmostEqual(alarms[at_home.id]["lat"], HOME[0], places=6)
        self.assertEqual(alarms[at_watch.id]["model"], "helpdesk.ticket")
        self.assertIn("not acknowledged", alarms[at_watch.id]["info"])

    def test_closed_alarms_leave_the_map(self):
        self.ingest("sos", event_uid="map-3")
        ticket = self.alarm_tickets()
        self.assertIn(ticket.id, self.alarms())
        ticket.stage_id = self.env["helpdesk.ticket.stage"].search(
            [("closed", "=", True)], limit=1
        )
        self.assertNotIn(ticket.id, self.alarms())

    def test_alarms_are_for_the_desk(self):
        config = self.Map.with_user(self.users["emergency"]).get_map_config()
        self.assertEqual([la["id"] for la in config["layers"]], ["elders", "alarms"])
        dispatcher = self.Map.with_user(self.users["dispatcher"]).get_map_config()
        self.assertNotIn("alarms", [la["id"] for la in dispatcher["layers"]])
        for role in ("dispatcher", "doctor", "device_admin", "reception"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                self.alarms(role)


@tagged("post_install", "-at_install")
class TestAlarmMapInBrowser(MapAlarmCase, HttpCase):
    def test_desk_clicks_an_alarm_through_to_the_ticket(self):
        self.env["ir.config_parameter"].sudo().set_param("care_map.tile_source", "none")
        self.ingest(
            "sos",
            event_uid="map-1",
            position={"latitude": WATCH[0], "longitude": WATCH[1]},
        )
        ticket = self.alarm_tickets()
        self.browser_js(
            "/odoo/action-care_map.action_care_map",
            CHECK
            % {"layers": ["elders", "alarms"], "layer": "alarms", "id": ticket.id},
            ready=READY,
            login=self.users["emergency"].login,
        )
