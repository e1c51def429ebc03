from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import PlanCase


@tagged("post_install", "-at_install")
class TestQuota(PlanCase):
    @freeze_time("2026-03-02 02:00:00")
    def test_quota_first_then_billed_on_next_invoice(self):
        subscription = self.sign()
        self.invoice(date(2026, 3, 2))  # March's fee
        order = self.make_order(request_early="2026-03-02 03:00:00")
        self.assertEqual(order.care_plan_quota_left, 2)
        self.assertEqual(self.elder.care_plan_quota_text, "Housekeeping: 2 of 2 left")
        first, second, third = (self.done_order() for _i in range(3))
        self.assertEqual(first.care_plan_usage_id.kind, "included")
        self.assertEqual(second.care_plan_usage_id.kind, "included")
        self.assertEqual(third.care_plan_usage_id.kind, "beyond")
        self.assertEqual(third.care_plan_usage_id.amount, 60.0)
        order.invalidate_recordset()
        self.assertEqual(order.care_plan_quota_left, 0)
        quota = subscription.quota_ids
        self.assertEqual((quota.allowance, quota.used), (2, 2))
        # the beyond-quota service is on April's invoice, once
        with freeze_time("2026-04-02"):
            april = self.invoice(date(2026, 4, 2))
        self.assertEqual(april.amount_untaxed, 260.0)
        beyond = april.invoice_line_ids.filtered("care_plan_usage_id")
        self.assertEqual(beyond.care_plan_usage_id, third.care_plan_usage_id)
        self.assertIn(third.name, beyond.name)
        self.assertTrue(third.care_plan_usage_id.billed)
        with freeze_time("2026-05-02"):
            self.assertEqual(self.invoice(date(2026, 5, 2)).amount_untaxed, 200.0)

    @freeze_time("2026-03-02 02:00:00")
    def test_cancelled_order_gives_quota_back(self):
        subscription = self.sign()
        order = self.done_order()
        self.assertEqual(subscription.quota_ids.used, 1)
        order.action_cancel()
        self.assertEqual(subscription.quota_ids.used, 0)
        self.assertFalse(order.care_plan_usage_id)

    @freeze_time("2026-03-02 02:00:00")
    def test_no_carry_over_unless_the_plan_says(self):
        subscription = self.sign()
        self.done_order()
        with freeze_time("2026-04-02 02:00:00"):
            self.done_order()
            self.assertEqual(
                subscription.quota_ids.filtered(
                    lambda q: q.period == date(2026, 4, 1)
                ).allowance,
                2,
            )

    @freeze_time("2026-03-02 02:00:00")
    def test_carry_over_one_month(self):
        self.plan.carry_over = True
        subscription = self.sign()
        self.done_order()  # one of two used in March
        with freeze_time("2026-04-02 02:00:00"):
            self.done_order()
            april = subscription.quota_ids.filtered(
                lambda q: q.period == date(2026, 4, 1)
            )
            self.assertEqual((april.allowance, april.used), (3, 1))

    def test_order_outside_plan_not_counted(self):
        self.sign()
        order = self.make_order(category=self.rehab)
        self.assertEqual(order.care_plan_quota_left, -1)
        self.assertFalse(order.care_plan_quota_info)

    def test_no_client_writes_quota_or_usage(self):
        subscription = self.sign()
        self.done_order()
        quota = subscription.quota_ids
        usage = subscription.usage_ids
        for user in (self.receptionist, self.agent, self.finance):
            with self.assertRaises(AccessError):
                quota.with_user(user).write({"used": 0})
            with self.assertRaises(AccessError):
                usage.with_user(user).write({"kind": "beyond", "amount": 0})
            with self.assertRaises(AccessError):
                subscription.with_user(user).write({"state": "ended"})
        self.assertEqual(quota.used, 1)
        self.assertEqual(usage.kind, "included")
        self.assertEqual(subscription.state, "active")

    def test_quota_read_by_staff_only(self):
        self.sign()
        rows = self.elder.with_user(self.agent).care_plan_quota()
        self.assertEqual(rows[str(self.elder.id)][0]["left"], 2)
        nobody = self.env["res.users"].create(
            {"name": "访客", "login": "pl_nobody", "groups_id": [(6, 0, [])]}
        )
        with self.assertRaises(AccessError):
            self.elder.with_user(nobody).care_plan_quota()
