from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models, tools
from odoo.tools import SQL

# the lead's referrer column must exist before the report's view is made
from . import crm_lead  # noqa: F401
from .care_plan import FINANCE, check_group

REWARDS = [
    ("none", "No reward"),
    ("free_month", "A free month"),
    ("credit", "Service credit"),
]


class UtmCampaign(models.Model):
    _inherit = "utm.campaign"

    care_referral_reward = fields.Selection(
        REWARDS,
        "Referral reward",
        default="none",
        help="What the referring family gets, once, when the family it "
        "referred signs a plan (老带新).",
    )
    care_referral_credit = fields.Float(
        "Credit amount",
        help="For a service credit: the amount taken off the referrer's next "
        "plan invoice (at most one month's fee).",
    )

    def _care_check_reward_rights(self, vals):
        if {"care_referral_reward", "care_referral_credit"} & set(vals):
            check_group(
                self.env,
                FINANCE,
                self.env._("Only finance sets what a referral earns."),
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("care_referral_reward", "none") != "none" or vals.get(
                "care_referral_credit"
            ):
                self._care_check_reward_rights(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._care_check_reward_rights(vals)
        return super().write(vals)


class CarePlanReferral(models.Model):
    """A referred family that signed: the reward given to the referrer,
    once per lead and per signed plan."""

    _name = "care.plan.referral"
    _description = "Referral reward"
    _inherit = ["care.guard.mixin"]
    _order = "create_date desc, id desc"
    _care_protected_fields = (
        "lead_id",
        "subscription_id",
        "referrer_elder_id",
        "campaign_id",
        "reward",
        "amount",
        "state",
        "contract_line_id",
    )

    lead_id = fields.Many2one("crm.lead", required=True, readonly=True, index=True)
    subscription_id = fields.Many2one(
        "care.plan.subscription", "Signed plan", required=True, readonly=True
    )
    referred_elder_id = fields.Many2one(
        related="subscription_id.elder_id", string="Referred elder", store=True
    )
    referrer_elder_id = fields.Many2one(
        "care.elder", "Referrer", required=True, readonly=True, index=True
    )
    campaign_id = fields.Many2one("utm.campaign", readonly=True)
    reward = fields.Selection(REWARDS, required=True, readonly=True)
    amount = fields.Float(readonly=True)
    state = fields.Selection(
        [("rewarded", "Rewarded"), ("no_reward", "No reward")],
        required=True,
        readonly=True,
    )
    note = fields.Char(readonly=True)
    contract_line_id = fields.Many2one(
        "contract.line", readonly=True, groups="elder_crm.group_care_finance"
    )
    company_id = fields.Many2one(related="subscription_id.company_id", store=True)

    _sql_constraints = [
        ("lead_once", "unique(lead_id)", "A lead rewards its referrer once."),
        (
            "subscription_once",
            "unique(subscription_id)",
            "A signed plan rewards its referrer once.",
        ),
    ]

    @api.model
    def _care_reward(self, lead, subscription):
        """Reward the lead's referrer for ``subscription`` (once)."""
        lead = lead.sudo()
        referrer = lead.care_referrer_elder_id
        if not referrer or referrer == subscription.elder_id:
            return self.browse()
        if self.sudo().search_count(
            ["|", ("lead_id", "=", lead.id), ("subscription_id", "=", subscription.id)]
        ):
            return self.browse()
        campaign = lead.campaign_id
        reward = campaign.care_referral_reward or "none"
        Subscription = self.env["care.plan.subscription"].sudo()
        today = fields.Date.context_today(self)
        running = Subscription._care_running_on(referrer, today).get(referrer)
        vals = {
            "lead_id": lead.id,
            "subscription_id": subscription.id,
            "referrer_elder_id": referrer.id,
            "campaign_id": campaign.id,
            "reward": reward,
            "state": "no_reward",
        }
        if reward == "none":
            vals["note"] = self.env._("The campaign gives no reward.")
        elif not running or running.state != "active":
            vals["note"] = self.env._("The referrer has no running plan to credit.")
        else:
            fee = running.plan_id.monthly_fee
            amount = (
                fee
                if reward == "free_month"
                else min(campaign.care_referral_credit, fee)
            )
            line_name = (
                self.env._(
                    "Referral reward, a free month (%(referred)s) #START# – #END#",
                    referred=subscription.elder_id.name,
                )
                if reward == "free_month"
                else self.env._(
                    "Referral reward, service credit (%(referred)s)",
                    referred=subscription.elder_id.name,
                )
            )
            line = self._care_credit_line(running, amount, line_name, today)
            vals.update(
                state="rewarded",
                amount=amount,
                contract_line_id=line.id,
            )
        return self.sudo().create(vals)

    @api.model
    def _care_credit_line(self, subscription, amount, name, today):
        """A one-month line taking ``amount`` off the next invoice of the
        subscription's contract."""
        contract = subscription.sudo().contract_id
        product = subscription.plan_id.product_id
        start = max(contract.recurring_next_date or today, today)
        contract.write(
            {
                "contract_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "name": name,
                            "quantity": 1.0,
                            "uom_id": product.uom_id.id,
                            "automatic_price": False,
                            "price_unit": -amount,
                            "recurring_rule_type": "monthly",
                            "recurring_interval": 1,
                            "recurring_invoicing_type": "pre-paid",
                            "date_start": start,
                            "date_end": start + relativedelta(months=1, days=-1),
                        }
                    )
                ]
            }
        )
        return contract.contract_line_ids.sorted("id")[-1]


class CarePlanReferralReport(models.Model):
    """Referrals and conversions by referrer and campaign (seed 001's
    referral share): leads that name a referrer, and how many signed."""

    _name = "care.plan.referral.report"
    _description = "Referrals by referrer and campaign"
    _auto = False
    _order = "signed_count desc, lead_count desc"

    referrer_elder_id = fields.Many2one("care.elder", "Referrer", readonly=True)
    campaign_id = fields.Many2one("utm.campaign", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    lead_count = fields.Integer("Referred leads", readonly=True)
    signed_count = fields.Integer("Signed", readonly=True)
    reward_amount = fields.Float("Rewards", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW %s AS (
                SELECT MIN(l.id) AS id,
                       l.care_referrer_elder_id AS referrer_elder_id,
                       l.campaign_id,
                       l.company_id,
                       COUNT(*) AS lead_count,
                       COUNT(l.care_subscription_id) AS signed_count,
                       COALESCE(SUM(r.amount), 0) AS reward_amount
                  FROM crm_lead l
             LEFT JOIN care_plan_referral r ON r.lead_id = l.id
                 WHERE l.care_referrer_elder_id IS NOT NULL
              GROUP BY l.care_referrer_elder_id, l.campaign_id, l.company_id
            )
            """,
                SQL.identifier(self._table),
            )
        )
