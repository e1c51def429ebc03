from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import PlanCase


@tagged("post_install", "-at_install")
class TestSigning(PlanCase):
    @freeze_time("2026-03-15 09:00:00")
    def test_sign_contract_and_monthly_invoices(self):
        """Signing makes an OCA contract for the payer, monthly in advance;
        the cron invoices a free month, two discounted ones, then full."""
        free = self.env["care.plan.promotion"].create(
            {"name": "首月免费", "kind": "free_months", "free_months": 1}
        )
        discount = self.env["care.plan.promotion"].create(
            {
                "name": "八折两个月",
                "kind": "discount",
                "discount_percent": 20,
                "discount_months": 2,
            }
        )
        subscription = self.sign(
            payer_id=self.daughter.id, promotion_ids=[free.id, discount.id]
        )
        contract = subscription.contract_id
        self.assertEqual(subscription.state, "active")
        self.assertEqual(subscription.date_start, date(2026, 3, 15))
        self.assertEqual(contract.partner_id, self.daughter)
        self.assertEqual(contract.contract_type, "sale")
        self.assertEqual(contract.care_promotion_ids, free | discount)
        self.assertEqual(
            contract.contract_line_ids.mapped("discount"), [100.0, 20.0, 0.0]
        )
        self.assertEqual(
            set(contract.contract_line_ids.mapped("recurring_invoicing_type")),
            {"pre-paid"},
        )
        self.assertEqual(self.elder.service_tier, "paid")
        amounts = []
        for day in ("2026-03-15", "2026-04-15", "2026-05-15", "2026-06-15"):
            with freeze_time(day):
                moves = self.invoice(date.fromisoformat(day))
            self.assertEqual(len(moves), 1, day)
            self.assertEqual(moves.partner_id, self.daughter)
            amounts.append(moves.amount_untaxed)
        self.assertEqual(amounts, [0.0, 160.0, 160.0, 200.0])
        # nothing twice: the same day again invoices nothing
        with freeze_time("2026-06-20"):
            self.assertFalse(self.invoice(date(2026, 6, 20)))
        names = (
            self.env["account.move"]
            .search(
                [("invoice_line_ids.contract_line_id.contract_id", "=", contract.id)]
            )
            .invoice_line_ids.mapped("name")
        )
        self.assertTrue(any("首月免费" in name for name in names), names)
        self.assertTrue(any("八折两个月" in name for name in names), names)

    def test_payer_must_be_family_or_company(self):
        stranger = self.env["res.partner"].create({"name": "路人甲"})
        contracts = self.Contract.search_count([])
        with self.assertRaisesRegex(ValidationError, "路人甲 cannot pay"):
            self.sign(payer_id=stranger.id)
        self.assertFalse(self.elder.care_subscription_ids)
        self.assertEqual(self.Contract.search_count([]), contracts)
        company = self.env["res.partner"].create(
            {"name": "子女单位", "is_company": True}
        )
        self.assertEqual(self.sign(payer_id=company.id).payer_id, company)

    def test_one_running_plan_per_elder(self):
        self.sign()
        with self.assertRaisesRegex(ValidationError, "already has 基础套餐"):
            self.sign()
        self.assertEqual(len(self.elder.care_subscription_ids), 1)

    def test_end_then_sign_again(self):
        subscription = self.sign()
        with self.assertRaises(AccessError):
            subscription.with_user(self.receptionist).action_care_end("搬家")
        self.assertEqual(subscription.state, "active")
        with self.assertRaisesRegex(ValidationError, "Say why"):
            subscription.with_user(self.finance).action_care_end(" ")
        subscription.with_user(self.finance).action_care_end("搬家")
        self.assertEqual(subscription.state, "ended")
        self.assertEqual(subscription.end_reason, "搬家")
        self.assertTrue(
            all(subscription.contract_id.contract_line_ids.mapped("date_end"))
        )
        self.assertEqual(self.sign().state, "active")

    def test_reception_signs_from_today_not_before(self):
        subscription = self.sign(date_start="2020-01-01")
        self.assertEqual(subscription.date_start, self.today)

    def test_deceased_elder_refused(self):
        self.elder.sudo().state = "deceased"
        with self.assertRaisesRegex(ValidationError, "not served any more"):
            self.sign()
        self.assertFalse(self.elder.care_subscription_ids)

    def test_sign_from_lead_package_step(self):
        package = self.env["care.package"].create(
            {"name": "居家标准", "monthly_price": 200, "care_plan_id": self.plan.id}
        )
        lead = self.env["crm.lead"].create(
            {
                "name": "王秀兰家属咨询",
                "care_elder_id": self.elder.id,
                "care_package_id": package.id,
                "user_id": self.receptionist.id,
            }
        )
        self.assertEqual(lead.care_plan_id, self.plan)
        lead = lead.with_user(self.receptionist)
        action = lead.action_care_sign_plan()
        wizard = (
            self.env["care.plan.sign"]
            .with_user(self.receptionist)
            .with_context(**action["context"])
            .create({"payer_id": self.daughter.id})
        )
        wizard.action_sign()
        self.assertEqual(lead.care_subscription_id.plan_id, self.plan)
        self.assertEqual(lead.care_subscription_id.lead_id, lead)
        self.assertEqual(lead.care_subscription_id.payer_id, self.daughter)
        with self.assertRaisesRegex(UserError, "set by signing"):
            lead.write({"care_subscription_id": False})
        self.assertTrue(lead.care_subscription_id)
