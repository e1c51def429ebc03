"""The call centre's crons catch up what they missed and carry on past a
record they cannot handle, reporting it (issue 14, item 16)."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .common import DispatchCase


@tagged("post_install", "-at_install")
class TestCrons(DispatchCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead = cls.env.ref("base.user_admin")
        cls.env["ir.config_parameter"].set_param(
            "care_dispatch.lead_user_id", str(cls.lead.id)
        )
        cls.repair = cls.env.ref("care_dispatch.cat_repair")
        cls.good.category_ids |= cls.repair
        cls.visit = cls.env.ref("care_dispatch.cat_visit")

    def refuse_rows(self, table, ids):
        """A real database refusal for these rows only (a CHECK constraint
        added in the test's transaction): the cron meets a bad record."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "ALTER TABLE %s ADD CONSTRAINT care_test_bad_row "
                "CHECK (id IS NULL OR id NOT IN %s) NOT VALID",
                SQL.identifier(table),
                tuple(ids),
            )
        )

    def reports(self):
        """The failure reports posted to the lead."""
        return self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", self.lead.partner_id.id),
                ("body", "ilike", "could not handle"),
            ]
        )

    def test_urgent_orders_never_dispatched_are_escalated(self):
        Order = self.env["fsm.order"]
        t0 = fields.Datetime.now().replace(microsecond=0)
        with freeze_time(t0):
            waiting = self.make_order(category=self.repair)
            normal = self.make_order()
            dispatched = self.make_order(category=self.repair)
            dispatched.action_care_dispatch(self.good.id)
            dispatched.action_care_accept()
        mine = waiting | normal | dispatched
        self.assertEqual(waiting.care_urgency, "urgent")
        with freeze_time(t0 + timedelta(minutes=20)):
            self.assertFalse(Order._cron_escalate_unaccepted() & mine)
        # the cron did not run for two days: the order is caught all the same
        with freeze_time(t0 + timedelta(days=2)):
            self.assertEqual(Order._cron_escalate_unaccepted() & mine, waiting)
            self.assertFalse(Order._cron_escalate_unaccepted() & mine, "once")
        todo = waiting.activity_ids.filtered(
            lambda a: "Not dispatched" in (a.summary or "")
        )
        self.assertEqual(todo.user_id, self.lead)
        self.assertFalse(normal.care_escalated)

    def test_one_order_that_cannot_escalate_does_not_stop_the_others(self):
        Order = self.env["fsm.order"]
        t0 = fields.Datetime.now().replace(microsecond=0)
        with freeze_time(t0):
            bad = self.make_order(category=self.repair)
            good = self.make_order(category=self.repair)
        self.refuse_rows("fsm_order", bad.ids)
        with (
            freeze_time(t0 + timedelta(hours=1)),
            mute_logger(
                "odoo.addons.care_dispatch.models.fsm_order_visit", "odoo.sql_db"
            ),
        ):
            escalated = Order._cron_escalate_unaccepted()
        self.assertIn(good, escalated)
        self.assertNotIn(bad, escalated)
        self.assertTrue(good.care_escalated)
        self.assertFalse(bad.care_escalated)
        self.assertIn(bad.name, self.reports()[:1].body)

    def visit_elders(self):
        alone = self.env.ref("elder_crm.subsidy_category_alone")
        today = fields.Date.today()
        return self.env["care.elder"].create(
            [
                {
                    "name": name,
                    "birth_date": today.replace(year=today.year - 85)
                    - timedelta(days=30),
                    "street": "十里堡东里5号",
                    "city": "朝阳区",
                    "grid_id": self.grid.id,
                    "subsidy_category_ids": [(6, 0, alone.ids)],
                    "state": "active",
                }
                for name in ("探访甲", "探访乙", "探访丙")
            ]
        )

    def planned(self, elders):
        orders = self.env["care.elder"]._cron_plan_duty_visits()
        return orders.filtered(lambda o: o.care_elder_id in elders).care_elder_id

    def test_one_bad_elder_does_not_stop_the_visiting_duty(self):
        first, second, third = elders = self.visit_elders()
        self.assertEqual(set(elders.mapped("care_visit_tier")), {"high"})
        # the second elder's orders cannot be saved
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "ALTER TABLE fsm_order ADD CONSTRAINT care_test_bad_elder "
                "CHECK (care_elder_id IS NULL OR care_elder_id != %s) NOT VALID",
                second.id,
            )
        )
        with mute_logger(
            "odoo.addons.care_dispatch.models.care_visit_duty", "odoo.sql_db"
        ):
            self.assertEqual(self.planned(elders), first | third)
        report = self.reports()[:1]
        self.assertIn(second.display_name, report.body)
        self.assertNotIn(first.display_name, report.body)

    def test_visiting_duty_catches_up_and_ignores_cancelled_visits(self):
        elders = self.visit_elders()
        t0 = fields.Datetime.now().replace(microsecond=0)
        with freeze_time(t0):
            self.assertEqual(self.planned(elders), elders)
        # the cron stopped for three weeks: the next run plans them all
        with freeze_time(t0 + timedelta(days=21)):
            self.assertEqual(self.planned(elders), elders)
            self.assertFalse(self.planned(elders), "nothing twice")
        # a cancelled visit is not a visit: planned again at the next run
        cancelled = self.env["fsm.order"].search(
            [
                ("care_elder_id", "=", elders[0].id),
                ("care_category_id", "=", self.visit.id),
            ],
            order="id desc",
            limit=1,
        )
        cancelled.action_cancel()
        with freeze_time(t0 + timedelta(days=21, hours=1)):
            self.assertEqual(self.planned(elders), elders[0])

    def test_one_bad_provider_does_not_stop_the_scorecards(self):
        Provider = self.env["care.provider"]
        self.refuse_rows("care_provider", self.poor.ids)
        with mute_logger(
            "odoo.addons.care_dispatch.models.care_scorecard", "odoo.sql_db"
        ):
            Provider._cron_update_scorecards()
        today = fields.Date.context_today(Provider)
        self.assertEqual(self.good.score_date, today)
        self.assertEqual(self.cheap.score_date, today)
        self.assertFalse(self.poor.score_date)
        self.assertIn(self.poor.name, self.reports()[:1].body)
