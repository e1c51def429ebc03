"""The bed board's server side: its data in one call with a fixed number of
queries, and the drop of a waiting-list entry onto a bed (reception only,
checked again on the server whatever the board showed)."""

from odoo.exceptions import AccessError, UserError, ValidationError

from .common import ResidenceCase


class TestBoard(ResidenceCase):
    def entry(self, elder, **vals):
        return (
            self.env["care.residence.waiting"]
            .with_user(self.reception)
            .create({"elder_id": elder.id, **vals})
        )

    def board(self, user=None):
        Bed = self.env["care.residence.bed"].with_user(user or self.reception)
        return Bed.get_board_data(building_id=self.building.id)

    def test_board_data_of_a_floor(self):
        self.admitted(self.mother, self.bed_w1, self.days(-10))
        self.reserve(self.uncle, self.bed_s1, self.days(5))
        self.bed_s2.with_user(self.manager).write(
            {"out_of_service": True, "oos_from": self.days(-1), "oos_reason": "漏水"}
        )
        entry = self.entry(self.aunt, room_type="double")
        data = self.board()
        beds = {bed["id"]: bed for bed in data["beds"]}
        self.assertEqual(len(beds), 5)
        self.assertEqual(
            {bed["name"]: bed["state"] for bed in beds.values()},
            {
                "T01-A": "free",
                "T02-A": "occupied",
                "T02-B": "free",
                "T03-A": "reserved",
                "T03-B": "out_of_service",
            },
        )
        occupied = beds[self.bed_w1.id]
        self.assertEqual(
            (occupied["elder"], occupied["sex"], occupied["level"]),
            ("测试秀英", "female", "2"),
        )
        self.assertEqual(occupied["room_sex"], "female")
        self.assertEqual(occupied["floor"], self.floor.id)
        self.assertEqual(beds[self.bed_s1.id]["elder"], "测试建国")
        self.assertEqual(beds[self.bed_single.id]["elder"], "")
        self.assertEqual(
            data["floors"],
            [{"id": self.floor.id, "name": "一层", "building": self.building.id}],
        )
        mine = [w for w in data["waiting"] if w["id"] == entry.id]
        self.assertEqual(len(mine), 1)
        self.assertEqual(
            (mine[0]["elder"], mine[0]["sex"], mine[0]["level"], mine[0]["room_type"]),
            ("测试桂兰", "female", "2", "double"),
        )
        self.assertTrue(data["can_reserve"])
        self.assertFalse(self.board(self.finance)["can_reserve"])
        # no null value anywhere (the board is also read over XML-RPC)
        for bed in data["beds"]:
            self.assertNotIn(None, bed.values())

    def test_board_shows_only_the_callers_companies(self):
        other = self.env["res.company"].create({"name": "测试另一公司"})
        building = self.env["care.residence.building"].create(
            {"name": "另一院", "company_id": other.id}
        )
        floor = self.env["care.residence.floor"].create(
            {"name": "1", "building_id": building.id}
        )
        room = self.env["care.residence.room"].create(
            {"name": "Z01", "floor_id": floor.id, "room_type": "single"}
        )
        bed = self.env["care.residence.bed"].create({"name": "A", "room_id": room.id})
        data = self.env["care.residence.bed"].with_user(self.reception).get_board_data()
        self.assertNotIn(bed.id, {b["id"] for b in data["beds"]})
        self.assertNotIn(floor.id, {f["id"] for f in data["floors"]})
        self.assertNotIn(building.id, {b["id"] for b in data["buildings"]})
        self.assertIn(self.bed_single.id, {b["id"] for b in data["beds"]})
        # nor when asked for that home by its id
        data = (
            self.env["care.residence.bed"]
            .with_user(self.reception)
            .get_board_data(building_id=building.id)
        )
        self.assertEqual(data["beds"], [])
        # nor may reception drop an entry onto it
        entry = self.entry(self.mother)
        self.assert_refused(entry, bed, AccessError, ".")

    def queries(self):
        """Queries of one board read, caches cold."""
        Bed = self.env["care.residence.bed"].with_user(self.reception)
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        data = Bed.get_board_data(building_id=self.building.id)
        return self.cr.sql_log_count - before, data

    def test_board_queries_do_not_grow_with_the_beds(self):
        first = self.entry(self.aunt)
        self.admitted(self.mother, self.bed_w1, self.days(-10))
        self.queries()  # warm the registry caches (rules, access)
        few, data = self.queries()
        self.assertEqual(len(data["beds"]), 5)
        rooms = self.env["care.residence.room"].create(
            [
                {"name": f"X{n:02d}", "floor_id": self.floor.id, "room_type": "double"}
                for n in range(30)
            ]
        )
        self.env["care.residence.bed"].create(
            [{"name": x, "room_id": room.id} for room in rooms for x in "AB"]
        )
        second = self.entry(self.uncle)
        many, data = self.queries()
        self.assertEqual(len(data["beds"]), 65)
        waiting = {w["id"] for w in data["waiting"]}
        self.assertLessEqual({first.id, second.id}, waiting)
        self.assertEqual(many, few)
        self.assertLessEqual(many, 10)

    def test_drop_reserves_like_the_wizard(self):
        entry = self.entry(self.mother, room_type="single")
        stay_id = entry.with_user(self.reception).action_board_reserve(
            self.bed_single.id
        )
        stay = self.env["care.residence.stay"].browse(stay_id)
        self.assertEqual(entry.state, "reserved")
        self.assertEqual(entry.stay_id, stay)
        self.assertEqual(
            (stay.elder_id, stay.bed_id, stay.state, stay.stay_type, stay.date_start),
            (self.mother, self.bed_single, "reserved", "long", self.today),
        )
        self.assertEqual(stay.waiting_id, entry)
        self.assertEqual(len(stay.line_ids), 1)
        self.assertEqual(self.bed_single.state, "reserved")
        bed = next(b for b in self.board()["beds"] if b["id"] == self.bed_single.id)
        self.assertEqual((bed["state"], bed["elder"]), ("reserved", "测试秀英"))

    def assert_refused(self, entry, bed, exception, pattern, user=None):
        stays = self.count("care.residence.stay")
        lines = self.count("care.residence.stay.line")
        state = entry.state
        with self.refused(exception, pattern):
            entry.with_user(user or self.reception).action_board_reserve(bed.id)
        self.env.invalidate_all()
        self.assertEqual(self.count("care.residence.stay"), stays)
        self.assertEqual(self.count("care.residence.stay.line"), lines)
        self.assertEqual(entry.state, state)

    def test_drop_on_a_taken_bed_is_refused(self):
        self.admitted(self.aunt, self.bed_w1, self.days(-10))
        entry = self.entry(self.mother)
        self.assert_refused(
            entry, self.bed_w1, ValidationError, "one bed, one occupant"
        )
        # a bed reserved from next week cannot be taken from today either
        self.reserve(self.uncle, self.bed_single, self.days(7))
        self.assert_refused(
            entry, self.bed_single, ValidationError, "one bed, one occupant"
        )

    def test_drop_of_the_wrong_sex_is_refused(self):
        entry = self.entry(self.uncle)
        # a women's room
        self.assert_refused(entry, self.bed_w2, ValidationError, "restricted")
        # a shared room that a woman lives in
        self.admitted(self.mother, self.bed_s1, self.days(-3))
        self.assert_refused(entry, self.bed_s2, ValidationError, "other sex")

    def test_drop_on_a_bed_out_of_service_is_refused(self):
        self.bed_single.with_user(self.manager).write(
            {"out_of_service": True, "oos_from": self.days(-1)}
        )
        entry = self.entry(self.mother)
        self.assert_refused(entry, self.bed_single, ValidationError, "out of service")

    def test_drop_of_a_closed_entry_is_refused(self):
        entry = self.entry(self.mother)
        entry.with_user(self.reception).action_cancel()
        self.assert_refused(entry, self.bed_single, UserError, "no longer waiting")
        other = self.entry(self.aunt)
        other.with_user(self.reception).action_board_reserve(self.bed_w1.id)
        # dropped a second time (a stale board): already reserved
        self.assert_refused(other, self.bed_w2, UserError, "no longer waiting")

    def test_drop_by_another_role_is_refused(self):
        entry = self.entry(self.mother)
        for user in (self.finance, self.dispatcher):
            self.assert_refused(
                entry, self.bed_single, AccessError, "Reception", user=user
            )

    def test_drop_on_a_missing_bed_is_refused(self):
        entry = self.entry(self.mother)
        bed = self.env["care.residence.bed"].browse(999999)
        self.assert_refused(entry, bed, UserError, "does not exist")
