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


class TestReferralShare(ResidenceCase):
    """Five admissions to the test building: three from leads of the
    community talk, one from a lead of the hospital, one added directly."""

    def admit_from(self, elder, bed, source, day):
        lead = False
        if source:
            lead = self.env["crm.lead"].create(
                {
                    "name": f"入住咨询 {elder.name}",
                    "type": "opportunity",
                    "care_elder_id": elder.id,
                    "source_id": source.id,
                }
            )
        entry = self.env["care.residence.waiting"].create(
            {"elder_id": elder.id, "lead_id": lead and lead.id}
        )
        stay = entry.with_user(self.reception)._reserve(bed, self.days(day))
        stay.with_user(self.manager).action_admit(self.days(day))
        return stay

    def test_share_of_each_source(self):
        talk = self.env["utm.source"].create({"name": "社区讲座"})
        hospital = self.env["utm.source"].create({"name": "医院转介"})
        man = self.make_elder("测试国强", "male")
        woman = self.make_elder("测试凤英", "female")
        self.admit_from(self.mother, self.bed_w1, talk, -40)
        self.admit_from(self.aunt, self.bed_w2, talk, -30)
        self.admit_from(self.uncle, self.bed_s1, talk, -3)
        self.admit_from(man, self.bed_s2, hospital, -20)
        self.admit_from(woman, self.bed_single, False, -10)
        # a reservation not admitted is no admission
        self.env["care.residence.waiting"].create(
            {"elder_id": self.make_elder("测试未住", "female").id}
        )
        self.env.flush_all()
        Report = self.env["care.residence.referral.report"].with_user(self.reception)
        mine = [("building_id", "=", self.building.id)]
        self.assertEqual(
            Report._referral_share(mine),
            [(talk.id, 3, 60.0), (False, 1, 20.0), (hospital.id, 1, 20.0)],
        )
        groups = Report.read_group(mine, ["share"], ["referred"], lazy=False)
        self.assertEqual(
            {g["referred"]: (g["admissions"], g["share"]) for g in groups},
            {"lead": (4, 80.0), "direct": (1, 20.0)},
        )
        # the share is of the selection: the last 25 days only
        recent = [*mine, ("date", ">=", self.days(-25))]
        self.assertEqual(
            sorted(Report._referral_share(recent), key=lambda row: row[0] or 0),
            sorted(
                [(False, 1, 33.3), (hospital.id, 1, 33.3), (talk.id, 1, 33.3)],
                key=lambda row: row[0] or 0,
            ),
        )
        # the whole selection is 100 %
        total = Report.read_group(mine, ["admissions:sum", "share"], [])
        self.assertEqual((total[0]["admissions"], total[0]["share"]), (5, 100.0))
        # without the share, read_group is the ORM's
        plain = Report.read_group(mine, ["admissions:sum"], ["source_id"])
        self.assertNotIn("share", plain[0])
