from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import PlanCase


@tagged("post_install", "-at_install")
class TestAccess(PlanCase):
    def test_only_reception_signs(self):
        for user in (self.agent, self.finance, self.coordinator):
            with self.assertRaisesRegex(AccessError, "Only reception signs plans"):
                self.sign(user=user)
        self.assertFalse(self.elder.care_subscription_ids)
        self.assertTrue(self.sign(user=self.manager))

    def test_finance_owns_plans_and_contracts(self):
        with self.assertRaises(AccessError):
            self.env["care.plan"].with_user(self.receptionist).create(
                {"name": "私自套餐", "monthly_fee": 1}
            )
        with self.assertRaises(AccessError):
            self.plan.with_user(self.receptionist).monthly_fee = 1
        self.assertEqual(self.plan.monthly_fee, 200)
        plan = (
            self.env["care.plan"]
            .with_user(self.finance)
            .create({"name": "财务套餐", "monthly_fee": 99})
        )
        self.assertEqual(plan.sudo().product_id.list_price, 99)
        subscription = self.sign()
        contract = subscription.contract_id
        with self.assertRaises(AccessError):
            contract.with_user(self.receptionist).read(["name"])
        with self.assertRaises(AccessError):
            contract.with_user(self.agent).read(["name"])
        self.assertEqual(
            contract.with_user(self.finance).read(["partner_id"])[0]["partner_id"][0],
            self.elder.partner_id.id,
        )
        # reception sees what it sold, not the contract
        self.assertEqual(
            subscription.with_user(self.receptionist).read(["plan_id"])[0]["plan_id"][
                0
            ],
            self.plan.id,
        )

    def test_wizard_only_for_reception(self):
        with self.assertRaises(AccessError):
            self.env["care.plan.sign"].with_user(self.agent).create(
                {"elder_id": self.elder.id, "plan_id": self.plan.id}
            )
        self.assertFalse(self.elder.care_subscription_ids)

    def test_system_fields_of_plans_and_promotions(self):
        subscription = self.sign()
        promotion = self.env["care.plan.promotion"].create(
            {"name": "优惠", "kind": "free_months", "free_months": 1}
        )
        other = self.env["product.product"].create({"name": "别的产品"})
        product = self.plan.product_id
        with self.assertRaises(AccessError):
            self.plan.with_user(self.finance).product_id = other
        with self.assertRaises(AccessError):
            promotion.with_user(self.finance).subscription_ids = subscription
        self.assertEqual(self.plan.product_id, product)
        self.assertFalse(promotion.subscription_ids)
