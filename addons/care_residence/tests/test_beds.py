from freezegun import freeze_time

from odoo.exceptions import AccessError

from .common import ResidenceCase


class TestBedStates(ResidenceCase):
    """The bed state is derived from stays, reservations and the
    out-of-service period, at every transition."""

    def test_states_through_a_stay(self):
        bed, other = self.bed_s1, self.bed_single
        self.assertEqual(bed.state, "free")
        stay = self.reserve(self.mother, bed, self.days(5))
        self.assertEqual(bed.state, "reserved")
        self.assertEqual(bed.stay_id, stay)
        self.assertEqual(bed.elder_id, self.mother)
        stay.with_user(self.manager).action_admit(self.today)
        self.assertEqual(stay.state, "admitted")
        self.assertEqual(bed.state, "occupied")
        self.assertEqual(bed.gbt_level, "2")
        self.assertEqual((bed.elder_name, bed.elder_gender), ("测试秀英", "female"))
        self.assertEqual(bed.display_name, "T03-A")
        # the board's copy of the resident's name follows the archive
        self.mother.name = "测试秀英二"
        self.assertEqual(bed.elder_name, "测试秀英二")
        # transfer: the old bed is free, the new one occupied, history kept
        stay.with_user(self.manager)._transfer(other, self.days(2))
        self.assertEqual(stay.bed_id, other)
        self.assertEqual(len(stay.line_ids), 2)
        first, second = stay.line_ids.sorted("date_from")
        self.assertEqual((first.bed_id, first.date_to), (bed, self.days(2)))
        self.assertEqual((second.bed_id, second.date_to), (other, False))
        self.assertEqual(bed.state, "occupied", "until the transfer date")
        with freeze_time(self.days(3)):
            self.env["care.residence.bed"]._cron_refresh_states()
            self.assertEqual(bed.state, "free")
            self.assertEqual(other.state, "occupied")
        # hospital leave: the bed is held
        self.env["care.residence.leave"].with_user(self.manager).create(
            {"stay_id": stay.id, "date_from": self.days(4), "date_to": self.days(9)}
        )
        self.assertEqual(other.state, "occupied")
        stay.with_user(self.manager)._discharge(self.days(10), "home")
        self.assertEqual(stay.state, "discharged")
        with freeze_time(self.days(10)):
            self.env["care.residence.bed"]._cron_refresh_states()
            self.assertEqual(other.state, "free")
            self.assertFalse(other.elder_id)
            self.assertFalse(other.elder_name or other.gbt_level)

    def test_discharge_today_frees_the_bed(self):
        stay = self.admitted(self.mother, self.bed_single, self.days(-30))
        self.assertEqual(self.bed_single.state, "occupied")
        stay.with_user(self.manager)._discharge(self.today, "death")
        self.assertEqual(self.bed_single.state, "free")
        self.assertEqual(self.mother.state, "deceased")
        self.assertEqual(stay.length_days, 30)

    def test_cancelled_reservation_frees_the_bed(self):
        stay = self.reserve(self.mother, self.bed_single, self.today)
        self.assertEqual(self.bed_single.state, "reserved")
        stay.with_user(self.reception).action_cancel()
        self.assertEqual(stay.state, "cancelled")
        self.assertFalse(stay.line_ids)
        self.assertEqual(self.bed_single.state, "free")
        # the bed can be reserved again, and the elder too
        self.reserve(self.mother, self.bed_single, self.today)
        self.assertEqual(self.bed_single.state, "reserved")

    def test_out_of_service_period(self):
        bed = self.bed_single
        bed.with_user(self.manager).write(
            {"out_of_service": True, "oos_from": self.days(2), "oos_to": self.days(5)}
        )
        self.assertEqual(bed.state, "free", "not yet out of service")
        with freeze_time(self.days(3)):
            self.env["care.residence.bed"]._cron_refresh_states()
            self.assertEqual(bed.state, "out_of_service")
        with freeze_time(self.days(6)):
            self.env["care.residence.bed"]._cron_refresh_states()
            self.assertEqual(bed.state, "free")

    def test_future_reservation_becomes_occupied_only_when_admitted(self):
        stay = self.reserve(self.mother, self.bed_single, self.days(3))
        with freeze_time(self.days(4)):
            self.env["care.residence.bed"]._cron_refresh_states()
            self.assertEqual(self.bed_single.state, "reserved")
            stay.with_user(self.manager).action_admit()
            self.assertEqual(stay.date_admitted, self.days(4))
            self.assertEqual(self.bed_single.state, "occupied")

    def test_client_cannot_write_bed_state(self):
        bed = self.bed_single
        for user in (self.reception, self.manager, self.finance):
            for vals in (
                {"state": "occupied"},
                {"elder_id": self.mother.id},
                {"stay_id": False},
            ):
                with self.assertRaises(AccessError):
                    bed.with_user(user).write(vals)
        self.assertEqual(bed.state, "free")
        self.assertFalse(bed.elder_id)
        with self.assertRaises(AccessError):
            self.env["care.residence.bed"].with_user(self.manager).create(
                {"name": "X", "room_id": self.single.id, "state": "occupied"}
            )
        self.assertFalse(
            self.env["care.residence.bed"].search(
                [("room_id", "=", self.single.id), ("name", "=", "X")]
            )
        )

    def test_reservation_moves_whole_to_another_bed(self):
        stay = self.reserve(self.mother, self.bed_s1, self.days(5))
        stay.with_user(self.manager)._transfer(self.bed_single, self.days(8))
        self.assertEqual(len(stay.line_ids), 1)
        self.assertEqual(
            (stay.line_ids.bed_id, stay.line_ids.date_from),
            (self.bed_single, self.days(5)),
        )
        self.assertEqual(self.bed_s1.state, "free")
        self.assertEqual(self.bed_single.state, "reserved")
        stay.with_user(self.manager).action_admit(self.days(5))
        self.assertEqual(stay.line_ids.date_from, self.days(5))
