from odoo.exceptions import AccessError, UserError

from .common import ResidenceCase


class TestWaitingList(ResidenceCase):
    def entry(self, elder, **vals):
        return (
            self.env["care.residence.waiting"]
            .with_user(self.reception)
            .create({"elder_id": elder.id, **vals})
        )

    def test_priority_policy_categories_first_then_date(self):
        tekun = self.env.ref("elder_crm.subsidy_category_tekun")
        age_90 = self.env.ref("elder_crm.subsidy_category_age_90")
        first = self.entry(self.mother, date_request=self.days(-30))
        second = self.entry(self.aunt, date_request=self.days(-10))
        third = self.entry(self.uncle, date_request=self.days(-20))
        self.aunt.subsidy_category_ids = tekun
        self.uncle.subsidy_category_ids = age_90
        entries = first | second | third
        ordered = self.env["care.residence.waiting"].search([("id", "in", entries.ids)])
        self.assertEqual(ordered, second | third | first)
        self.assertEqual(list(ordered.mapped("priority")), [100, 20, 0])
        # the rule is data: the 90+ now outrank extreme poverty
        self.env.ref("care_residence.priority_age_90").points = 200
        ordered = self.env["care.residence.waiting"].search([("id", "in", entries.ids)])
        self.assertEqual(
            list(ordered.mapped("elder_id")), [self.uncle, self.aunt, self.mother]
        )

    def test_reserve_from_an_entry(self):
        entry = self.entry(self.mother, room_type="single")
        wizard = (
            self.env["care.residence.reserve"]
            .with_user(self.reception)
            .create(
                {
                    "waiting_id": entry.id,
                    "bed_id": self.bed_single.id,
                    "date_start": self.days(3),
                }
            )
        )
        wizard.action_confirm()
        self.assertEqual(entry.state, "reserved")
        stay = entry.stay_id
        self.assertEqual((stay.bed_id, stay.state), (self.bed_single, "reserved"))
        self.assertEqual(self.bed_single.state, "reserved")
        with self.assertRaises(UserError):
            entry.with_user(self.reception)._reserve(self.bed_w1, self.today)
        stay.with_user(self.manager).action_admit(self.days(3))
        self.assertEqual(entry.state, "admitted")

    def test_cancelled_reservation_returns_to_the_list(self):
        entry = self.entry(self.mother)
        stay = entry.with_user(self.reception)._reserve(self.bed_single, self.today)
        stay.with_user(self.reception).action_cancel()
        self.assertEqual(entry.state, "waiting")

    def test_one_open_entry_per_elder(self):
        self.entry(self.mother)
        with self.assertRaises(Exception):  # noqa: B017 the database refuses
            self.entry(self.mother)

    def test_entry_state_is_not_typed(self):
        entry = self.entry(self.mother)
        with self.assertRaises(AccessError):
            entry.with_user(self.reception).write({"state": "admitted"})
        with self.assertRaises(AccessError):
            self.entry(self.aunt, state="reserved")
        self.env.invalidate_all()
        self.assertEqual(entry.state, "waiting")

    def test_from_a_won_lead(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "入住咨询",
                "type": "opportunity",
                "care_elder_id": self.mother.id,
                "user_id": self.reception.id,
            }
        )
        with self.assertRaises(UserError):
            lead.with_user(self.reception).action_care_add_waiting()
        lead.stage_id = self.env.ref("crm.stage_lead4")
        action = lead.with_user(self.reception).action_care_add_waiting()
        entry = self.env["care.residence.waiting"].browse(action["res_id"])
        self.assertEqual(entry.elder_id, self.mother)
        self.assertEqual(entry.lead_id, lead)
        self.assertEqual(entry.gbt_level, "2")
        again = lead.with_user(self.reception).action_care_add_waiting()
        self.assertEqual(again["res_id"], entry.id)
        with self.assertRaises(AccessError):
            lead.with_user(self.finance).action_care_add_waiting()

    def test_forecast_on_known_data(self):
        Stay = self.env["care.residence.stay"]
        # our own company, so the demo home does not count
        company = self.env["res.company"].create({"name": "预测养老院"})
        # (a company without a chart of accounts: no deposit to invoice)
        self.building.write({"company_id": company.id, "deposit_amount": 0})
        self.env["care.residence.care.level"].create(
            {
                "name": "二级",
                "gbt_level": "2",
                "monthly_price": 2500,
                "company_id": company.id,
            }
        )
        for stay_vals in (
            (self.mother, self.bed_single, -50, 20, "respite"),  # leaves in 20 days
            (self.aunt, self.bed_w1, -10, False, "long"),
        ):
            elder, bed, start, end, kind = stay_vals
            elder.company_id = company
            stay = Stay.with_company(company).create(
                {
                    "elder_id": elder.id,
                    "company_id": company.id,
                    "bed_id": bed.id,
                    "date_start": self.days(start),
                    "date_end": end and self.days(end),
                    "stay_type": kind,
                }
            )
            stay.action_admit(self.days(start))
        self.uncle.company_id = company
        Stay.create(
            {
                "elder_id": self.uncle.id,
                "company_id": company.id,
                "bed_id": self.bed_s1.id,
                "date_start": self.days(45),
            }
        )
        waiting_elder = self.env["care.elder"].create(
            {"name": "候补", "gender": "female", "company_id": company.id}
        )
        self.env["care.residence.waiting"].create(
            {
                "elder_id": waiting_elder.id,
                "company_id": company.id,
                "expected_date": self.days(70),
            }
        )
        self.bed_s2.write(
            {"out_of_service": True, "oos_from": self.days(-1), "oos_to": self.days(40)}
        )
        rows = {row["days"]: row for row in Stay._forecast(company, self.today)}
        self.assertEqual(
            [
                (
                    r["beds"],
                    r["out_of_service"],
                    r["occupied_now"],
                    r["leaving"],
                    r["arriving"],
                    r["taken"],
                    r["free"],
                    r["waiting"],
                )
                for r in (rows[30], rows[60], rows[90])
            ],
            [
                (5, 1, 2, 1, 0, 1, 3, 0),
                (5, 0, 2, 1, 1, 2, 3, 0),
                (5, 0, 2, 1, 1, 2, 3, 1),
            ],
        )
        self.assertEqual(rows[90]["free_after_list"], 2)
        self.assertEqual(rows[60]["rate"], 40.0)
        forecast = self.env["care.residence.forecast"].with_company(company).create({})
        self.assertEqual(len(forecast.line_ids), 3)
