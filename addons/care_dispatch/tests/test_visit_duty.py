from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import DispatchCase


@tagged("post_install", "-at_install")
class TestVisitDuty(DispatchCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        alone = ref("elder_crm.subsidy_category_alone")
        disabled = ref("elder_crm.subsidy_category_disabled_func")
        today = fields.Date.today()

        def elder(name, years, categories):
            return cls.env["care.elder"].create(
                {
                    "name": name,
                    "birth_date": today.replace(year=today.year - years)
                    - timedelta(days=30),
                    "street": "十里堡东里5号",
                    "city": "朝阳区",
                    "grid_id": cls.grid.id,
                    "subsidy_category_ids": [(6, 0, categories.ids)],
                    "state": "active",
                }
            )

        cls.high = elder("独居八十五", 85, alone)
        cls.priority = elder("失能七十", 70, disabled)
        cls.general = elder("独居六十五", 65, alone)
        cls.none = elder("普通七十", 70, cls.env["care.subsidy.category"])
        cls.visit = ref("care_dispatch.cat_visit")

    def test_tiers(self):
        self.assertEqual(self.high.care_visit_tier, "high")
        self.assertEqual(self.priority.care_visit_tier, "priority")
        self.assertEqual(self.general.care_visit_tier, "general")
        self.assertFalse(self.none.care_visit_tier)

    def planned(self):
        listed = self.high | self.priority | self.general | self.none
        orders = self.env["care.elder"]._cron_plan_duty_visits()
        return orders.filtered(lambda o: o.care_elder_id in listed).care_elder_id

    def test_visits_planned_by_tier(self):
        t0 = fields.Datetime.now().replace(microsecond=0)
        with freeze_time(t0):
            self.assertEqual(self.planned(), self.high | self.priority | self.general)
            self.assertFalse(self.planned(), "nothing twice")
        with freeze_time(t0 + timedelta(days=8)):
            self.assertEqual(self.planned(), self.high, "weekly")
        with freeze_time(t0 + timedelta(days=31)):
            self.assertEqual(self.planned(), self.high | self.priority, "monthly")
        with freeze_time(t0 + timedelta(days=91)):
            self.assertEqual(
                self.planned(), self.high | self.priority | self.general, "quarterly"
            )

    def test_monthly_visit_rate_by_community(self):
        self.good.category_ids |= self.visit
        order = self.make_order(category=self.visit, care_elder_id=self.high.id)
        order.action_care_dispatch()
        order.action_care_checkin()
        order.action_care_checkout()
        order.signature = b"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgAAIAAAUAAen63NgAAAAASUVORK5CYII="
        order.action_complete()
        self.assertEqual(self.high.care_last_visit, order.date_end)
        Report = self.env["care.visit.duty.report"].with_user(self.agent)
        month = fields.Date.today().replace(day=1)
        [row] = Report.read_group(
            [("community_id", "=", self.community.id), ("month", "=", month)],
            ["elders:sum", "visited:sum", "visit_rate:avg"],
            ["community_id"],
        )
        self.assertEqual((row["elders"], row["visited"]), (3, 1))
        self.assertAlmostEqual(row["visit_rate"], 100 / 3)

    def test_volunteers_paired_first_and_their_hours(self):
        Person = self.env["fsm.person"]
        paired = Person.create(
            {
                "name": "结对志愿者",
                "care_is_volunteer": True,
                "care_paired_elder_ids": [(6, 0, self.high.ids)],
            }
        )
        nearby = Person.create(
            {
                "name": "片区志愿者",
                "care_is_volunteer": True,
                "territory_ids": [(6, 0, self.territory.ids)],
            }
        )
        Person.create(
            {
                "name": "别处志愿者",
                "care_is_volunteer": True,
                "territory_ids": [(6, 0, self.elsewhere.ids)],
            }
        )
        self.assertTrue(self.high.care_pairing_priority, "living alone: pair first")
        self.assertFalse(self.priority.care_pairing_priority)
        self.assertIn(
            self.high,
            self.env["care.elder"].search([("care_pairing_priority", "=", True)]),
        )
        order = self.make_order(category=self.visit, care_elder_id=self.high.id)
        proposed = order.care_propose_volunteers()
        self.assertEqual([p["person_id"] for p in proposed], (paired | nearby).ids)
        self.assertTrue(proposed[0]["paired"])
        order.person_id = paired
        t0 = fields.Datetime.now().replace(microsecond=0)
        with freeze_time(t0):
            order.action_care_checkin()
        with freeze_time(t0 + timedelta(minutes=90)):
            order.action_care_checkout()
        self.assertAlmostEqual(order.care_volunteer_hours, 1.5)
        paired.invalidate_recordset(["care_volunteer_hours"])
        self.assertAlmostEqual(paired.care_volunteer_hours, 1.5)
