from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import PlanCase


@tagged("post_install", "-at_install")
class TestReferral(PlanCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.campaign = cls.env["utm.campaign"].create(
            {"name": "老带新", "care_referral_reward": "free_month"}
        )
        cls.neighbour = cls.env["care.elder"].create(
            {"name": "赵大爷", "grid_id": cls.grid.id}
        )

    def referred_lead(self, elder=None, campaign=None):
        return self.env["crm.lead"].create(
            {
                "name": "邻居推荐",
                "user_id": self.receptionist.id,
                "care_elder_id": (elder or self.neighbour).id,
                "care_referrer_elder_id": self.elder.id,
                "campaign_id": (campaign or self.campaign).id,
                "care_plan_id": self.plan.id,
            }
        )

    def sign_lead(self, lead):
        action = lead.with_user(self.receptionist).action_care_sign_plan()
        wizard = (
            self.env["care.plan.sign"]
            .with_user(self.receptionist)
            .with_context(**action["context"])
            .create({})
        )
        wizard.action_sign()
        return lead.care_subscription_id

    @freeze_time("2026-03-02 02:00:00")
    def test_free_month_once_on_the_referrers_next_invoice(self):
        referrer = self.sign()
        self.invoice(date(2026, 3, 2))  # March, full fee
        lead = self.referred_lead()
        signed = self.sign_lead(lead)
        [reward] = self.env["care.plan.referral"].search([("lead_id", "=", lead.id)])
        self.assertEqual(
            (reward.referrer_elder_id, reward.subscription_id, reward.state),
            (self.elder, signed, "rewarded"),
        )
        self.assertEqual(reward.amount, 200.0)
        # once: the same lead again rewards nothing more
        self.assertFalse(self.env["care.plan.referral"]._care_reward(lead, signed))
        signed.with_user(self.finance).action_care_end("重签")
        self.sign_lead(lead)
        self.assertEqual(
            self.env["care.plan.referral"].search_count([("lead_id", "=", lead.id)]), 1
        )
        with freeze_time("2026-04-02"):
            april = self.invoice(date(2026, 4, 2)).filtered(
                lambda m: m.partner_id == self.elder.partner_id
            )
        self.assertEqual(april.amount_untaxed, 0.0)
        self.assertTrue(
            any(
                "Referral reward" in name
                for name in april.invoice_line_ids.mapped("name")
            )
        )
        with freeze_time("2026-05-02"):
            may = self.invoice(date(2026, 5, 2)).filtered(
                lambda m: m.partner_id == self.elder.partner_id
            )
        self.assertEqual(may.amount_untaxed, 200.0)
        self.assertTrue(referrer)

    def test_no_running_plan_no_reward(self):
        self.sign().with_user(self.finance).action_care_end("停了")
        lead = self.referred_lead()
        self.sign_lead(lead)
        reward = self.env["care.plan.referral"].search([("lead_id", "=", lead.id)])
        self.assertEqual((reward.state, reward.amount), ("no_reward", 0.0))

    def test_credit_capped_at_a_months_fee(self):
        self.campaign.write(
            {"care_referral_reward": "credit", "care_referral_credit": 500}
        )
        self.sign()
        lead = self.referred_lead()
        self.sign_lead(lead)
        reward = self.env["care.plan.referral"].search([("lead_id", "=", lead.id)])
        self.assertEqual(reward.amount, 200.0)
        self.assertEqual(reward.contract_line_id.price_unit, -200.0)

    def test_referrer_must_have_signed_and_not_be_the_elder(self):
        with self.assertRaisesRegex(ValidationError, "never signed a plan"):
            self.referred_lead()
        self.sign()
        with self.assertRaisesRegex(ValidationError, "cannot refer themselves"):
            self.referred_lead(elder=self.elder)

    def test_report_by_referrer_and_campaign(self):
        self.sign()
        other = self.env["care.elder"].create(
            {"name": "钱奶奶", "grid_id": self.grid.id}
        )
        spring = self.env["utm.campaign"].create({"name": "春节推荐"})
        self.sign_lead(self.referred_lead())
        self.referred_lead(elder=other)
        self.referred_lead(elder=other, campaign=spring)
        self.env.flush_all()
        rows = self.env["care.plan.referral.report"].search(
            [("referrer_elder_id", "=", self.elder.id)]
        )
        figures = {
            row.campaign_id: (row.lead_count, row.signed_count, row.reward_amount)
            for row in rows
        }
        self.assertEqual(figures, {self.campaign: (2, 1, 200.0), spring: (1, 0, 0.0)})

    def test_only_finance_sets_what_a_referral_earns(self):
        for user in (self.receptionist, self.agent):
            with self.assertRaisesRegex(AccessError, "Only finance sets"):
                self.campaign.with_user(user).write(
                    {"care_referral_reward": "credit", "care_referral_credit": 999}
                )
        self.assertEqual(self.campaign.care_referral_reward, "free_month")
        self.campaign.with_user(self.finance).care_referral_credit = 50
        self.assertEqual(self.campaign.care_referral_credit, 50)
