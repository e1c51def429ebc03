from datetime import timedelta

from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tools import mute_logger

from .common import ResidenceCase


class TestConstraints(ResidenceCase):
    """Bad input is refused with a clear message and nothing is saved."""

    def assertNothingSaved(self, before):
        self.assertEqual(self.snapshot(), before)

    def snapshot(self):
        self.env.invalidate_all()
        return (
            self.count("care.residence.stay"),
            self.count("care.residence.stay.line"),
            self.count("account.move"),
        )

    def test_two_occupants_in_one_bed(self):
        self.admitted(self.mother, self.bed_s1, self.days(-10))
        before = self.snapshot()
        with self.refused(ValidationError, "already taken or reserved"):
            self.reserve(self.uncle, self.bed_s1, self.days(-5))
        with self.refused(ValidationError, "one bed, one occupant"):
            self.reserve(self.aunt, self.bed_s1, self.days(30))
        self.assertNothingSaved(before)

    def test_two_reservations_of_one_bed_in_overlapping_periods(self):
        self.reserve(
            self.mother, self.bed_single, self.days(10), self.days(20), "respite"
        )
        before = self.snapshot()
        with self.refused(ValidationError, "already taken or reserved"):
            self.reserve(self.aunt, self.bed_single, self.days(19))
        self.assertNothingSaved(before)
        # the day the respite ends the bed can be reserved again
        self.reserve(self.aunt, self.bed_single, self.days(20))

    def test_database_refuses_a_second_occupant(self):
        """The EXCLUDE constraint holds even past the Python checks."""
        stay = self.admitted(self.mother, self.bed_s1, self.days(-10))
        other = self.reserve(self.aunt, self.bed_w1, self.days(1))
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError) as caught:
            self.env["care.residence.stay.line"].sudo().create(
                {"stay_id": other.id, "bed_id": stay.bed_id.id, "date_from": self.today}
            )
        self.assertEqual(
            caught.exception.diag.constraint_name.split("_")[-1], "overlap"
        )

    def test_overlapping_stays_of_one_elder(self):
        self.admitted(self.mother, self.bed_single, self.days(-10))
        before = self.snapshot()
        with self.refused(ValidationError, "one resident, one open stay"):
            self.reserve(self.mother, self.bed_w1, self.days(40))
        self.assertNothingSaved(before)

    def test_admission_into_an_out_of_service_bed(self):
        bed = self.bed_single
        stay = self.reserve(self.mother, bed, self.days(5))
        before = self.snapshot()
        with self.refused(ValidationError, "in that period"):
            bed.with_user(self.manager).write(
                {"out_of_service": True, "oos_from": self.days(3)}
            )
        self.env.invalidate_all()
        self.assertFalse(bed.out_of_service)
        stay.with_user(self.reception).action_cancel()
        bed.with_user(self.manager).write(
            {"out_of_service": True, "oos_from": self.today, "oos_to": self.days(9)}
        )
        before = self.snapshot()
        with self.refused(ValidationError, "out of service"):
            self.reserve(self.aunt, bed, self.days(5))
        self.assertEqual(self.snapshot(), before)
        # after the repairs the bed takes a reservation
        self.reserve(self.aunt, bed, self.days(10))

    def test_admission_checks_out_of_service_again(self):
        bed = self.bed_single
        stay = self.reserve(self.mother, bed, self.days(10))
        # the bed went out of service for today (reservation still ahead)
        bed.with_user(self.manager).write(
            {"out_of_service": True, "oos_from": self.today, "oos_to": self.days(2)}
        )
        before = self.snapshot()
        with self.refused(ValidationError, "out of service"):
            stay.with_user(self.manager).action_admit(self.today)
        self.assertEqual(stay.state, "reserved")
        self.assertFalse(stay.deposit_move_id)
        self.assertNothingSaved(before)

    def test_shared_room_of_the_other_sex(self):
        before = self.snapshot()
        with self.refused(ValidationError, "is restricted \\(Women only\\)"):
            self.reserve(self.uncle, self.bed_w1, self.today)
        self.assertNothingSaved(before)
        # a room without restriction takes the sex of its residents
        self.admitted(self.mother, self.bed_s1, self.days(-5))
        before = self.snapshot()
        with self.refused(ValidationError, "other sex"):
            self.reserve(self.uncle, self.bed_s2, self.today)
        self.assertNothingSaved(before)
        self.reserve(self.aunt, self.bed_s2, self.today)
        # a single room has no such rule
        self.reserve(self.uncle, self.bed_single, self.today)

    def test_discharge_before_admission(self):
        stay = self.admitted(self.mother, self.bed_single, self.days(-10))
        deposit = stay.deposit_move_id
        before = self.snapshot()
        with self.refused(ValidationError, "before the admission"):
            stay.with_user(self.manager)._discharge(self.days(-11), "home")
        self.assertEqual(stay.state, "admitted")
        self.assertFalse(stay.refund_move_id)
        self.assertFalse(stay.line_ids.date_to)
        self.assertEqual(stay.deposit_move_id, deposit)
        self.assertNothingSaved(before)
        with self.refused(UserError, "needs a reason"):
            stay.with_user(self.manager)._discharge(self.today, False)
        # a reservation cannot be discharged at all
        reservation = self.reserve(self.aunt, self.bed_w1, self.days(3))
        with self.refused(UserError, "Only an admitted resident"):
            reservation.with_user(self.manager)._discharge(self.days(4), "home")

    def test_trial_and_respite_need_an_end(self):
        before = self.snapshot()
        for kind in ("trial", "respite"):
            with self.refused(ValidationError, "needs an end date"):
                self.reserve(self.mother, self.bed_single, self.today, stay_type=kind)
        with self.refused(ValidationError, "cannot end before"):
            self.reserve(
                self.mother, self.bed_single, self.today, self.today - timedelta(1)
            )
        self.assertNothingSaved(before)

    def test_admission_needs_an_assessed_level(self):
        elder = self.env["care.elder"].create({"name": "未评估", "gender": "female"})
        stay = self.reserve(elder, self.bed_single, self.today)
        before = self.snapshot()
        with self.refused(UserError, "no confirmed GB/T 42195 assessment"):
            stay.with_user(self.manager).action_admit(self.today)
        self.assertEqual(stay.state, "reserved")
        self.assertNothingSaved(before)

    def test_reservation_dates_only(self):
        stay = self.admitted(self.mother, self.bed_single, self.days(-3))
        with self.refused(UserError, "Only a reservation's dates"):
            stay.with_user(self.reception).write({"date_start": self.days(-20)})
        with self.refused(UserError, "Use Transfer"):
            stay.with_user(self.manager).write({"bed_id": self.bed_w1.id})
        self.assertEqual(stay.date_start, self.days(-3))
        self.assertEqual(stay.bed_id, self.bed_single)

    def test_leave_outside_the_stay(self):
        stay = self.admitted(self.mother, self.bed_single, self.days(-3))
        Leave = self.env["care.residence.leave"].with_user(self.manager)
        with self.refused(ValidationError, "within an admitted stay"):
            Leave.create(
                {"stay_id": stay.id, "date_from": self.days(-5), "date_to": self.today}
            )
        Leave.create(
            {"stay_id": stay.id, "date_from": self.today, "date_to": self.days(3)}
        )
        with self.refused(ValidationError, "cannot overlap"):
            Leave.create(
                {"stay_id": stay.id, "date_from": self.days(2), "date_to": self.days(4)}
            )
        self.env.invalidate_all()
        self.assertEqual(len(stay.leave_ids), 1)
