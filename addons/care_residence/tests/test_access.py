from odoo.exceptions import AccessError

from .common import ResidenceCase


class TestAccess(ResidenceCase):
    """Reception manages the waiting list and reservations; the care manager
    admits, transfers and discharges; finance owns fees and deposits."""

    def test_reception_reserves_but_does_not_admit(self):
        stay = self.reserve(self.mother, self.bed_single, self.today)
        for user in (self.reception, self.finance):
            with self.assertRaises(AccessError):
                stay.with_user(user).action_admit(self.today)
        self.env.invalidate_all()
        self.assertEqual(stay.state, "reserved")
        self.assertFalse(stay.deposit_move_id)
        self.assertEqual(self.bed_single.state, "reserved")
        stay.with_user(self.manager).action_admit(self.today)
        self.assertEqual(stay.state, "admitted")

    def test_only_the_manager_transfers_and_discharges(self):
        stay = self.admitted(self.mother, self.bed_single, self.days(-5))
        for user in (self.reception, self.finance):
            with self.assertRaises(AccessError):
                stay.with_user(user)._transfer(self.bed_w1, self.today)
            with self.assertRaises(AccessError):
                stay.with_user(user)._discharge(self.today, "home")
            with self.assertRaises(AccessError):
                self.env["care.residence.leave"].with_user(user).create(
                    {
                        "stay_id": stay.id,
                        "date_from": self.today,
                        "date_to": self.days(2),
                    }
                )
        self.env.invalidate_all()
        self.assertEqual((stay.state, stay.bed_id), ("admitted", self.bed_single))
        self.assertEqual(len(stay.line_ids), 1)
        self.assertFalse(stay.leave_ids)

    def test_finance_and_dispatcher_do_not_reserve(self):
        for user in (self.finance, self.dispatcher):
            with self.assertRaises(AccessError):
                self.reserve(self.mother, self.bed_single, self.today, user=user)
        self.assertEqual(self.bed_single.state, "free")
        self.assertFalse(
            self.env["care.residence.stay"].search([("elder_id", "=", self.mother.id)])
        )

    def test_dispatcher_reads_nothing(self):
        self.admitted(self.mother, self.bed_single, self.days(-5))
        for model in (
            "care.residence.stay",
            "care.residence.bed",
            "care.residence.waiting",
            "care.residence.fee",
            "care.residence.occupancy.report",
        ):
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.dispatcher).search([])

    def test_reception_cannot_configure(self):
        with self.assertRaises(AccessError):
            self.single.with_user(self.reception).monthly_price = 1
        with self.assertRaises(AccessError):
            self.level_2.with_user(self.reception).monthly_price = 1
        with self.assertRaises(AccessError):
            self.bed_single.with_user(self.reception).out_of_service = True
        self.env.invalidate_all()
        self.assertEqual(self.single.monthly_price, 3000)
        self.assertEqual(self.level_2.monthly_price, 2500)
        self.assertFalse(self.bed_single.out_of_service)
        # finance sets the care fees
        self.level_2.with_user(self.finance).monthly_price = 2600
        self.assertEqual(self.level_2.monthly_price, 2600)

    def test_reception_cannot_create_an_admitted_stay(self):
        Stay = self.env["care.residence.stay"].with_user(self.reception)
        for extra in (
            {"state": "admitted"},
            {"care_price": 0},
            {"deposit_amount": 0},
            {"date_admitted": self.today},
        ):
            with self.assertRaises(AccessError):
                Stay.create(
                    {
                        "elder_id": self.mother.id,
                        "bed_id": self.bed_single.id,
                        "date_start": self.today,
                        **extra,
                    }
                )
        self.assertEqual(self.bed_single.state, "free")

    def test_other_company_is_invisible(self):
        other = self.env["res.company"].create({"name": "另一家养老院"})
        building = self.env["care.residence.building"].create(
            {"name": "别家", "company_id": other.id}
        )
        floor = self.env["care.residence.floor"].create(
            {"name": "1", "building_id": building.id}
        )
        room = self.env["care.residence.room"].create(
            {"name": "X1", "floor_id": floor.id, "room_type": "single"}
        )
        bed = self.env["care.residence.bed"].create({"name": "A", "room_id": room.id})
        self.manager.company_ids = self.company
        Bed = self.env["care.residence.bed"].with_user(self.manager)
        self.assertFalse(Bed.search([("id", "=", bed.id)]))
        self.assertTrue(Bed.search([("id", "=", self.bed_single.id)]))

    def test_payer_of_a_running_stay_is_finance(self):
        stay = self.reserve(self.mother, self.bed_single, self.today)
        stay.with_user(self.reception).payer_id = self.daughter
        stay.with_user(self.manager).action_admit(self.today)
        other = self.env["res.partner"].create({"name": "别人"})
        with self.assertRaises(AccessError):
            stay.with_user(self.reception).payer_id = other
        self.env.invalidate_all()
        self.assertEqual(stay.payer_id, self.daughter)
        stay.with_user(self.finance).payer_id = other
        self.assertEqual(stay.payer_id, other)
