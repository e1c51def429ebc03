from .common import ResidenceCase


class TestOccupancyReport(ResidenceCase):
    def test_occupancy_per_day_and_floor(self):
        self.admitted(self.mother, self.bed_single, self.days(-3))
        late = self.admitted(self.aunt, self.bed_w1, self.days(-1))
        # a reservation does not occupy a bed
        self.reserve(self.uncle, self.bed_s1, self.today)
        self.env.flush_all()
        Report = self.env["care.residence.occupancy.report"].with_user(self.reception)
        rows = Report.search(
            [("floor_id", "=", self.floor.id), ("date", ">=", self.days(-4))]
        )
        by_day = {
            row.date: (row.beds, row.occupied, row.occupancy_rate) for row in rows
        }
        self.assertEqual(
            by_day,
            {
                self.days(-4): (5, 0, 0.0),
                self.days(-3): (5, 1, 20.0),
                self.days(-2): (5, 1, 20.0),
                self.days(-1): (5, 2, 40.0),
                self.today: (5, 2, 40.0),
            },
        )
        # a discharge today: the bed is free today, occupied the days before
        late.with_user(self.manager)._discharge(self.today, "hospital")
        self.env.flush_all()
        self.env.invalidate_all()
        today = Report.search(
            [("floor_id", "=", self.floor.id), ("date", "=", self.today)]
        )
        self.assertEqual((today.occupied, today.occupancy_rate), (1, 20.0))

    def test_length_of_stay_and_reasons(self):
        first = self.admitted(self.mother, self.bed_single, self.days(-40))
        first.with_user(self.manager)._discharge(self.days(-20), "hospital")
        second = self.admitted(self.aunt, self.bed_w1, self.days(-30))
        second.with_user(self.manager)._discharge(self.days(-20), "death")
        groups = self.env["care.residence.stay"].read_group(
            [("id", "in", (first | second).ids)],
            ["length_days:avg"],
            ["discharge_reason"],
        )
        result = {g["discharge_reason"]: g["length_days"] for g in groups}
        self.assertEqual(result, {"hospital": 20, "death": 10})
        total = self.env["care.residence.stay"].read_group(
            [("id", "in", (first | second).ids)], ["length_days:avg"], []
        )
        self.assertEqual(total[0]["length_days"], 15)

    def test_waiting_time_and_referral_source(self):
        source = self.env["utm.source"].create({"name": "社区讲座"})
        lead = self.env["crm.lead"].create(
            {
                "name": "入住咨询",
                "type": "opportunity",
                "care_elder_id": self.mother.id,
                "source_id": source.id,
            }
        )
        entry = self.env["care.residence.waiting"].create(
            {
                "elder_id": self.mother.id,
                "lead_id": lead.id,
                "date_request": self.days(-30),
            }
        )
        stay = entry.with_user(self.reception)._reserve(self.bed_single, self.days(-5))
        self.assertEqual(stay.waiting_days, 0, "not admitted yet")
        stay.with_user(self.manager).action_admit(self.days(-5))
        self.assertEqual(stay.waiting_days, 25)
        self.assertEqual(stay.source_id, source)
        groups = self.env["care.residence.stay"].read_group(
            [("id", "=", stay.id)], ["waiting_days:avg"], ["source_id"]
        )
        self.assertEqual(groups[0]["source_id"][0], source.id)
