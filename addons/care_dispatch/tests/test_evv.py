"""Proof of visit (EVV): place and time of check-in and check-out, the
dispatcher's review, and the scorecard; the WGS-84 / GCJ-02 transform."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user

from odoo.addons.elder_crm.tools import geo

from .common import DispatchCase

# the elder's home (WGS-84), and points due north of it at known distances
HOME = (39.9219, 116.4655)
M_PER_DEG_LAT = 111194.93  # 1 degree of latitude on the mean sphere
START = datetime(2026, 12, 3, 1, 0)  # 09:00 in Beijing


def north(metres):
    return HOME[0] + metres / M_PER_DEG_LAT, HOME[1]


class TestGeo(TransactionCase):
    # published reference pairs (WGS-84 -> GCJ-02) of the open-source
    # eviltransform project's test suite: Shanghai, Shenzhen, Beijing
    REFERENCE = [
        ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),
        ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),
        ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),
    ]

    def test_forward_transform_on_reference_points(self):
        for wgs, gcj in self.REFERENCE:
            with self.subTest(wgs=wgs):
                got = geo.wgs84_to_gcj02(*wgs)
                self.assertLess(geo.distance_m(*got, *gcj), 0.01)
                # and the datum shift is real: hundreds of metres
                self.assertGreater(geo.distance_m(*wgs, *gcj), 100)

    def test_round_trip_within_a_metre(self):
        for wgs, gcj in self.REFERENCE:
            with self.subTest(wgs=wgs):
                back = geo.gcj02_to_wgs84(*gcj)
                self.assertLess(geo.distance_m(*back, *wgs), 1.0)
                again = geo.gcj02_to_wgs84(*geo.wgs84_to_gcj02(*wgs))
                self.assertLess(geo.distance_m(*again, *wgs), 1.0)

    def test_outside_china_unchanged_and_validity(self):
        paris = (48.8566, 2.3522)
        self.assertEqual(geo.wgs84_to_gcj02(*paris), paris)
        self.assertEqual(geo.gcj02_to_wgs84(*paris), paris)
        self.assertFalse(geo.valid(0.0, 0.0))
        self.assertFalse(geo.valid(91, 10))
        self.assertFalse(geo.valid(10, -181))
        self.assertFalse(geo.valid(None, 10))
        self.assertFalse(geo.valid(float("nan"), 10))
        self.assertTrue(geo.valid(*HOME))

    def test_distance(self):
        self.assertAlmostEqual(geo.distance_m(*HOME, *north(100)), 100, delta=0.01)


class TestEvv(DispatchCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.elder.partner_id.write(
            {"partner_latitude": HOME[0], "partner_longitude": HOME[1]}
        )
        cls.worker_user = new_test_user(
            cls.env,
            login="evv_worker",
            groups="base.group_user,fieldservice.group_fsm_user",
        )
        cls.worker = cls.env["fsm.person"].create(
            {
                "name": "上门阿姨",
                "partner_id": cls.worker_user.partner_id.id,
                "care_provider_id": cls.good.id,
            }
        )
        cls.Param = cls.env["ir.config_parameter"].sudo()

    def order(self, start=START, **vals):
        order = self.make_order(
            scheduled_date_start=start, person_id=self.worker.id, **vals
        )
        order.with_user(self.agent).action_care_dispatch(self.good.id)
        return order

    def checkin(self, order, position, at):
        with freeze_time(at):
            order.with_user(self.worker_user).action_care_checkin(*position)
        return order

    # ------------------------------------------------------------------
    # place and time, at their borders
    # ------------------------------------------------------------------
    def test_on_site_on_time_is_verified(self):
        order = self.checkin(self.order(), north(99), START + timedelta(minutes=15))
        self.assertEqual(order.care_evv_state, "verified")
        self.assertEqual(order.care_evv_distance_in, 99)
        self.assertEqual(order.care_evv_minutes_off, 15)
        self.assertFalse(order.care_evv_reason)
        with freeze_time(START + timedelta(minutes=50)):
            order.with_user(self.worker_user).action_care_checkout(*north(60))
        self.assertEqual(order.care_evv_state, "verified")
        self.assertEqual(order.care_evv_distance_out, 60)

    def test_geofence_border(self):
        inside = self.checkin(self.order(), north(100), START)
        self.assertEqual(inside.care_evv_state, "verified")
        outside = self.checkin(self.order(), north(102), START)
        self.assertEqual(outside.care_evv_state, "exception")
        self.assertEqual(outside.care_evv_distance_in, 102)
        self.assertIn("102 m", outside.care_evv_reason)
        # the radius is a setting
        self.Param.set_param("care_dispatch.evv_radius_m", "150")
        wider = self.checkin(self.order(), north(140), START)
        self.assertEqual(wider.care_evv_state, "verified")

    def test_window_border(self):
        early_ok = self.checkin(self.order(), HOME, START - timedelta(minutes=15))
        self.assertEqual(early_ok.care_evv_state, "verified")
        early = self.checkin(self.order(), HOME, START - timedelta(minutes=16))
        self.assertEqual(early.care_evv_state, "exception")
        self.assertIn("16 min early", early.care_evv_reason)
        late = self.checkin(self.order(), HOME, START + timedelta(minutes=16))
        self.assertEqual(late.care_evv_state, "exception")
        self.assertIn("16 min late", late.care_evv_reason)
        self.assertEqual(late.care_evv_minutes_off, 16)
        self.Param.set_param("care_dispatch.evv_window_minutes", "30")
        later = self.checkin(self.order(), HOME, START + timedelta(minutes=29))
        self.assertEqual(later.care_evv_state, "verified")

    def test_no_position_zero_zero_or_no_home_is_an_exception(self):
        none = self.checkin(self.order(), (), START)
        self.assertEqual(none.care_evv_state, "exception")
        self.assertIn("no position", none.care_evv_reason)
        self.assertEqual(none.care_evv_distance_in, -1)
        zero = self.checkin(self.order(), (0.0, 0.0), START)
        self.assertEqual(zero.care_evv_state, "exception")
        self.assertIn("no position", zero.care_evv_reason)
        self.elder.partner_id.write({"partner_latitude": 0, "partner_longitude": 0})
        homeless = self.checkin(self.order(), HOME, START)
        self.assertEqual(homeless.care_evv_state, "exception")
        self.assertIn("not on the map", homeless.care_evv_reason)

    def test_impossible_coordinates_refused_nothing_saved(self):
        order = self.order()
        for bad in ((91.0, 116.0), (39.0, -181.0), ("39.9", 116.4)):
            with self.subTest(bad=bad), self.assertRaises(UserError):
                self.checkin(order, bad, START)
        self.assertFalse(order.care_checkin_at)
        self.assertEqual(order.care_evv_state, "none")

    def test_checkout_far_away_makes_an_exception(self):
        order = self.checkin(self.order(), HOME, START)
        with freeze_time(START + timedelta(hours=1)):
            order.with_user(self.worker_user).action_care_checkout(*north(500))
        self.assertEqual(order.care_evv_state, "exception")
        self.assertIn("Check-out", order.care_evv_reason)
        self.assertEqual(order.care_evv_distance_out, 500)

    def test_unplanned_order_checks_the_place_only(self):
        order = self.checkin(self.order(start=False), HOME, START + timedelta(days=3))
        self.assertEqual(order.care_evv_state, "verified")

    def test_evv_fields_not_client_writable(self):
        order = self.checkin(self.order(), north(500), START)
        for vals in (
            {"care_evv_state": "verified"},
            {"care_evv_reason": False},
            {"care_evv_distance_in": 1},
            {"care_evv_reviewed_by": self.agent.id},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                order.with_user(self.agent).write(vals)
        self.assertEqual(order.care_evv_state, "exception")

    # ------------------------------------------------------------------
    # review
    # ------------------------------------------------------------------
    def test_dispatcher_accepts_with_a_note(self):
        order = self.checkin(self.order(), north(300), START)
        with self.assertRaisesRegex(UserError, "note"):
            order.with_user(self.agent).action_care_evv_accept("  ")
        wizard = (
            self.env["care.evv.review"]
            .with_user(self.agent)
            .create(
                {"order_id": order.id, "decision": "accept", "note": "高层信号漂移"}
            )
        )
        wizard.action_confirm()
        self.assertEqual(order.care_evv_state, "accepted")
        self.assertEqual(order.care_evv_reviewed_by, self.agent)
        self.assertEqual(order.care_evv_review_note, "高层信号漂移")
        # reviewed once: a second decision is refused
        with self.assertRaisesRegex(UserError, "no proof-of-visit exception"):
            order.with_user(self.agent).action_care_evv_reject("改主意")
        self.assertEqual(order.care_evv_state, "accepted")

    def test_only_dispatchers_review(self):
        order = self.checkin(self.order(), north(300), START)
        for user in (self.worker_user, self.receptionist, self.coordinator):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                order.with_user(user).action_care_evv_accept("我自己批准")
        self.assertEqual(order.care_evv_state, "exception")
        verified = self.checkin(self.order(), HOME, START)
        with self.assertRaisesRegex(UserError, "no proof-of-visit exception"):
            verified.with_user(self.agent).action_care_evv_reject("无")

    def test_scorecard_counts_verified_visits(self):
        # only the proof of visit decides the review here
        self.Param.set_param("care_dispatch.review_min_on_time", "0")
        self.Param.set_param("care_dispatch.review_max_complaints", "100")
        good = self.checkin(self.order(), HOME, START)
        for position in (north(300), north(300), HOME):
            self.checkin(self.order(), position, START)
        rejected = self.checkin(self.order(), north(400), START)
        rejected.with_user(self.agent).action_care_evv_reject("人不在现场")
        self.assertEqual(good.care_evv_state, "verified")
        self.env["care.provider"]._cron_update_scorecards()
        # 2 verified of 5 visits
        self.assertAlmostEqual(self.good.score_evv, 40.0)
        self.assertTrue(self.good.needs_review)
        self.Param.set_param("care_dispatch.review_min_evv", "30")
        self.env["care.provider"]._cron_update_scorecards()
        self.assertFalse(self.good.needs_review)

    def test_export_carries_the_verification(self):
        order = self.checkin(self.order(), north(300), START)
        header, rows = self.env["care.service.export"]._rows_for(order)
        self.assertIn("Proof of visit", header)
        row = dict(zip(header, rows[0], strict=True))
        self.assertEqual(row["Proof of visit"], "Exception to review")
        self.assertEqual(row["Check-in distance (m)"], 300)
