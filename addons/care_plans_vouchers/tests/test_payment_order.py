from odoo.tests import tagged

from odoo.addons.care_vouchers.tests.common import VoucherCase


@tagged("post_install", "-at_install")
class TestPaymentOrder(VoucherCase):
    """Known data: the plan includes one housekeeping visit a month; the
    voucher pays half of a 70 visit, at most 40 a month; the rest is
    co-paid."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls.env["care.plan"].create(
            {
                "name": "基础套餐",
                "monthly_fee": 200,
                "line_ids": [(0, 0, {"category_id": cls.housekeeping.id, "quota": 1})],
            }
        )

    def test_plan_then_voucher_then_copay(self):
        entitlement = self.entitle()
        self.programme._issue_month(self.this_month)
        self.env["care.plan.subscription"]._care_sign(self.elder, self.plan)
        first, second, third = (self.done_order() for _i in range(3))
        # 1. the plan: no voucher, nothing to co-pay
        self.assertEqual(first.care_plan_usage_id.kind, "included")
        self.assertEqual(first.care_voucher_state, "none")
        self.assertEqual(first.care_voucher_amount, 0.0)
        self.assertEqual(first.care_copay_amount, 0.0)
        # 2. beyond the quota: the voucher pays half, the elder the rest
        self.assertEqual(second.care_plan_usage_id.kind, "beyond")
        self.assertEqual(second.care_plan_usage_id.billed_by, "copay")
        self.assertEqual(second.care_plan_usage_id.amount, 0.0)
        self.assertEqual(second.care_voucher_state, "redeemed")
        self.assertEqual(second.care_voucher_amount, 35.0)
        self.assertEqual(second.care_copay_amount, 35.0)
        # 3. the monthly cap (40) leaves 5 for the voucher
        self.assertEqual(third.care_voucher_amount, 5.0)
        self.assertEqual(third.care_copay_amount, 65.0)
        self.assertEqual(self.balance(entitlement), 60.0)
        # cancelling the included visit gives the quota back, no voucher moves
        first.action_cancel()
        self.assertFalse(first.care_plan_usage_id)
        self.assertEqual(self.balance(entitlement), 60.0)

    def test_beyond_quota_without_voucher_on_the_contract(self):
        subscription = self.env["care.plan.subscription"]._care_sign(
            self.elder, self.plan
        )
        first, second = (self.done_order() for _i in range(2))
        self.assertEqual(first.care_plan_usage_id.kind, "included")
        usage = second.care_plan_usage_id
        self.assertEqual((usage.kind, usage.billed_by), ("beyond", "contract"))
        self.assertEqual(usage.amount, self.housekeeping.price)
        # billed once: on the contract, not co-paid as well
        self.assertEqual(second.care_copay_amount, 0.0)
        self.assertEqual(usage.subscription_id, subscription)
