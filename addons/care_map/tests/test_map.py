"""The map's data: layers per role, the box and its clusters, filters,
record rules, the datum of the base map, the home pin and the workers'
last check-in."""

from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from odoo.addons.care_dispatch.tests.common import DispatchCase
from odoo.addons.elder_crm.tools import geo

HOME = (39.9219, 116.4655)  # WGS-84
BOX = [116.3, 39.8, 116.6, 40.0]  # lon/lat, around HOME
FAR = (31.2304, 121.4737)  # Shanghai


class MapCase(DispatchCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("care_map.tile_source", "osm")
        cls.elder.write({"state": "active"})
        cls.elder.partner_id.write(
            {"partner_latitude": HOME[0], "partner_longitude": HOME[1]}
        )
        cls.desk = new_test_user(
            cls.env,
            login="map_desk",
            groups="base.group_user,elder_crm.group_care_emergency",
        )
        cls.finance = new_test_user(
            cls.env,
            login="map_finance",
            groups="base.group_user,elder_crm.group_care_finance",
        )
        cls.manager = new_test_user(
            cls.env,
            login="map_manager",
            groups="base.group_user,elder_crm.group_care_manager",
        )
        cls.Map = cls.env["care.map"]

    def data(self, user, bbox=None, **kw):
        return self.Map.with_user(user).get_map_data(bbox or BOX, **kw)

    def ids(self, layer):
        return {f["id"] for f in layer["features"]}


class TestLayers(MapCase):
    def test_home_point_follows_the_archive(self):
        point = self.elder.care_home_point
        self.assertAlmostEqual(point.y, HOME[0], places=6)
        self.assertAlmostEqual(point.x, HOME[1], places=6)
        self.elder.partner_id.write({"partner_latitude": 0.0, "partner_longitude": 0.0})
        self.assertFalse(self.elder.care_home_point, "(0, 0) is no position")
        self.elder.partner_id.write(
            {"partner_latitude": FAR[0], "partner_longitude": FAR[1]}
        )
        self.assertAlmostEqual(self.elder.care_home_point.x, FAR[1], places=6)

    def test_layers_per_role(self):
        dispatcher = self.Map.with_user(self.agent).get_map_config()
        self.assertEqual(
            [layer["id"] for layer in dispatcher["layers"]],
            ["elders", "orders", "workers"],
        )
        self.assertIn("stages", dispatcher["filters"])
        self.assertFalse(dispatcher["can_place"])
        desk = self.Map.with_user(self.desk).get_map_config()
        desk_layers = [layer["id"] for layer in desk["layers"]]
        self.assertEqual(desk_layers[0], "elders")  # (+ alarms with care_devices)
        self.assertNotIn("orders", desk_layers)
        self.assertNotIn("workers", desk_layers)
        self.assertNotIn("stages", desk["filters"])
        self.assertTrue(self.Map.with_user(self.manager).get_map_config()["can_place"])
        for user in (self.receptionist, self.finance, self.coordinator):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(
                    AccessError, "dispatchers and the emergency desk"
                ):
                    self.Map.with_user(user).get_map_config()
                with self.assertRaises(AccessError):
                    self.data(user)

    def test_a_layer_of_another_role_is_refused(self):
        with self.assertRaisesRegex(AccessError, "orders"):
            self.data(self.desk, layers=["elders", "orders"])
        with self.assertRaisesRegex(AccessError, "nonsense"):
            self.data(self.agent, layers=["nonsense"])

    def test_elders_and_orders_in_the_box(self):
        order = self.make_order()
        far = self.env["care.elder"].create(
            {
                "name": "上海老人",
                "state": "active",
                "street": "南京东路1号",
                "city": "上海",
                "partner_latitude": FAR[0],
                "partner_longitude": FAR[1],
            }
        )
        data = self.data(self.agent)
        self.assertIn(self.elder.id, self.ids(data["elders"]))
        self.assertNotIn(far.id, self.ids(data["elders"]))
        self.assertIn(order.id, self.ids(data["orders"]))
        feature = next(f for f in data["orders"]["features"] if f["id"] == order.id)
        self.assertEqual(feature["model"], "fsm.order")
        self.assertAlmostEqual(
            feature["lat"], HOME[0], places=6
        )  # OSM: WGS-84 as stored
        # an order of the Shanghai elder is on the Shanghai map only
        far_order = self.make_order(care_elder_id=far.id)
        self.assertNotIn(far_order.id, self.ids(self.data(self.agent)["orders"]))
        shanghai = self.data(self.agent, bbox=[121.3, 31.1, 121.6, 31.3])
        self.assertEqual(self.ids(shanghai["orders"]), {far_order.id})

    def test_closed_orders_and_left_elders_are_not_drawn(self):
        order = self.make_order()
        order.stage_id = self.env.ref("fieldservice.fsm_stage_cancelled")
        self.assertNotIn(order.id, self.ids(self.data(self.agent)["orders"]))
        self.elder.state = "left"
        self.assertNotIn(self.elder.id, self.ids(self.data(self.agent)["elders"]))

    def test_filters_like_the_lists(self):
        normal = self.make_order()
        urgent = self.make_order(care_urgency="urgent")
        only_urgent = self.data(
            self.agent, filters={"orders": {"urgencies": ["urgent"]}}
        )
        self.assertIn(urgent.id, self.ids(only_urgent["orders"]))
        self.assertNotIn(normal.id, self.ids(only_urgent["orders"]))
        stage = normal.stage_id
        by_stage = self.data(self.agent, filters={"orders": {"stage_ids": [stage.id]}})
        self.assertIn(normal.id, self.ids(by_stage["orders"]))
        other = self.env["fsm.stage"].search(
            [
                ("stage_type", "=", "order"),
                ("id", "!=", stage.id),
                ("is_closed", "=", False),
            ],
            limit=1,
        )
        by_other = self.data(self.agent, filters={"orders": {"stage_ids": [other.id]}})
        self.assertNotIn(normal.id, self.ids(by_other["orders"]))
        # what is not a list of ids or codes is no filter, and no SQL
        junk = self.data(
            self.agent,
            filters={"orders": {"stage_ids": "1) OR 1=1 --", "urgencies": [1, None]}},
        )
        everything = self.ids(self.data(self.agent)["orders"])
        self.assertLessEqual({normal.id, urgent.id}, everything)
        self.assertEqual(self.ids(junk["orders"]), everything)
        self.elder.gbt_level = "2"
        level = self.data(self.agent, filters={"elders": {"levels": ["3"]}})
        self.assertNotIn(self.elder.id, self.ids(level["elders"]))

    def test_record_rules_of_the_caller_apply(self):
        other_company = self.env["res.company"].create({"name": "别的中心"})
        hidden = self.env["care.elder"].create(
            {
                "name": "别的中心老人",
                "state": "active",
                "company_id": other_company.id,
                "partner_latitude": HOME[0] + 0.001,
                "partner_longitude": HOME[1],
            }
        )
        self.assertTrue(hidden.care_home_point)
        self.assertFalse(hidden.with_user(self.agent).has_access("read"))
        self.assertNotIn(hidden.id, self.ids(self.data(self.agent)["elders"]))

    def test_many_points_come_as_clusters(self):
        for i in range(4):
            self.env["care.elder"].create(
                {
                    "name": f"聚合{i}",
                    "state": "active",
                    "partner_latitude": HOME[0] + i * 0.0001,
                    "partner_longitude": HOME[1],
                }
            )
        with patch("odoo.addons.care_map.models.care_map.MAX_POINTS", 3):
            layer = self.data(self.agent, layers=["elders"])["elders"]
        self.assertEqual(layer["features"], [])
        self.assertGreaterEqual(layer["total"], 5)
        self.assertEqual(sum(c["count"] for c in layer["clusters"]), layer["total"])
        # zoomed in, each elder again
        layer = self.data(self.agent, layers=["elders"])["elders"]
        self.assertEqual(len(layer["features"]), layer["total"])

    def test_bad_boxes_are_refused(self):
        for bbox in (
            [1, 2, 3],
            "116,39,117,40",
            [116, 40, 117, 39],
            [116, 39, "x", 40],
            None,
        ):
            with self.subTest(bbox=bbox), self.assertRaisesRegex(UserError, "map box"):
                self.Map.with_user(self.agent).get_map_data(bbox)
        with self.assertRaisesRegex(UserError, "list of names"):
            self.data(self.agent, layers="elders")


class TestDatum(MapCase):
    def test_amap_draws_gcj02(self):
        self.env["ir.config_parameter"].sudo().set_param("care_map.tile_source", "amap")
        config = self.Map.with_user(self.agent).get_map_config()
        self.assertEqual((config["tile_source"], config["datum"]), ("amap", "gcj02"))
        # the box is in GCJ-02 too: the GCJ-02 box around the home finds it
        glat, glon = geo.wgs84_to_gcj02(*HOME)
        box = [glon - 0.0005, glat - 0.0005, glon + 0.0005, glat + 0.0005]
        feature = next(
            f
            for f in self.data(self.agent, bbox=box)["elders"]["features"]
            if f["id"] == self.elder.id
        )
        self.assertLess(
            geo.distance_m(feature["lat"], feature["lon"], glat, glon), 0.01
        )
        self.assertGreater(geo.distance_m(feature["lat"], feature["lon"], *HOME), 100)
        # an unknown setting falls back to the keyless default
        self.env["ir.config_parameter"].sudo().set_param(
            "care_map.tile_source", "bogus"
        )
        self.assertEqual(
            self.Map.with_user(self.agent).get_map_config()["tile_source"], "amap"
        )

    def test_tianditu_key_only_for_tianditu(self):
        Param = self.env["ir.config_parameter"].sudo()
        Param.set_param("care_map.tianditu_key", "secret-tk")
        self.assertEqual(
            self.Map.with_user(self.agent).get_map_config()["tianditu_key"], ""
        )
        Param.set_param("care_map.tile_source", "tianditu")
        config = self.Map.with_user(self.agent).get_map_config()
        self.assertEqual(
            (config["datum"], config["tianditu_key"]), ("wgs84", "secret-tk")
        )


class TestPlaceHome(MapCase):
    def test_manager_places_the_pin_in_gcj02_stored_in_wgs84(self):
        target = (39.9301, 116.4702)
        gcj = geo.wgs84_to_gcj02(*target)
        self.elder.with_user(self.manager).action_care_place_home(*gcj, datum="gcj02")
        stored = (self.elder.partner_latitude, self.elder.partner_longitude)
        self.assertLess(geo.distance_m(*stored, *target), 1.0)
        self.assertAlmostEqual(self.elder.care_home_point.y, stored[0], places=6)
        self.assertIn("WGS-84", self.elder.message_ids[0].body)

    def test_others_and_bad_pins_are_refused_nothing_changed(self):
        before = (self.elder.partner_latitude, self.elder.partner_longitude)
        with self.assertRaisesRegex(AccessError, "care manager"):
            self.elder.with_user(self.agent).action_care_place_home(39.95, 116.5)
        for args in ((0.0, 0.0), (91.0, 116.0), ("39.9", 116.4), (True, 116.4)):
            with (
                self.subTest(args=args),
                self.assertRaisesRegex(UserError, "not on the earth"),
            ):
                self.elder.with_user(self.manager).action_care_place_home(*args)
        with self.assertRaisesRegex(UserError, "datum"):
            self.elder.with_user(self.manager).action_care_place_home(
                39.95, 116.5, "bd09"
            )
        self.assertEqual(
            (self.elder.partner_latitude, self.elder.partner_longitude), before
        )

    def test_home_point_cannot_be_written(self):
        with self.assertRaisesRegex(AccessError, "set by the system"):
            self.elder.with_user(self.manager).write({"care_home_point": "POINT(1 1)"})


class TestWorkers(MapCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.worker_user = new_test_user(
            cls.env,
            login="map_worker",
            groups="base.group_user,fieldservice.group_fsm_user",
        )
        cls.worker = cls.env["fsm.person"].create(
            {
                "name": "上门阿姨",
                "partner_id": cls.worker_user.partner_id.id,
                "care_provider_id": cls.good.id,
            }
        )

    def dispatched(self):
        order = self.make_order(person_id=self.worker.id)
        order.with_user(self.agent).action_care_dispatch(self.good.id)
        return order

    def test_check_in_moves_the_worker_on_the_map(self):
        self.assertNotIn(self.worker.id, self.ids(self.data(self.agent)["workers"]))
        self.dispatched().with_user(self.worker_user).action_care_checkin(*HOME)
        self.assertAlmostEqual(self.worker.care_last_point.y, HOME[0], places=6)
        self.assertTrue(self.worker.care_last_seen_at)
        self.assertIn(self.worker.id, self.ids(self.data(self.agent)["workers"]))
        # a check-in without a position leaves the last known one
        seen = self.worker.care_last_seen_at
        self.dispatched().with_user(self.worker_user).action_care_checkin()
        self.assertAlmostEqual(self.worker.care_last_point.y, HOME[0], places=6)
        self.assertEqual(self.worker.care_last_seen_at, seen)

    def test_last_position_cannot_be_written(self):
        with self.assertRaisesRegex(AccessError, "set by the system"):
            self.worker.with_user(self.coordinator).write(
                {"care_last_point": "POINT(1 1)"}
            )
        self.assertFalse(self.worker.care_last_point)
