from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .care_plan import ELDER_TIER, FINANCE, check_group

SUBSCRIPTION_FIELDS = (
    "name",
    "elder_id",
    "plan_id",
    "payer_id",
    "contract_id",
    "lead_id",
    "date_start",
    "date_end",
    "state",
    "end_reason",
    "end_reason_code",
    "promotion_ids",
    "company_id",
)


END_REASONS = [
    ("price", "Price"),
    ("service", "Not satisfied with the service"),
    ("moved", "Moved away"),
    ("residence", "Moved into a residence or hospital"),
    ("deceased", "Deceased"),
    ("unpaid", "Unpaid invoices"),
    ("other", "Other"),
]


def month_start(day):
    return day.replace(day=1)


class CarePlanSubscription(models.Model):
    """A plan signed for an elder: who pays, the OCA contract that invoices
    it, the promotions applied. One running plan per elder."""

    _name = "care.plan.subscription"
    _description = "Signed Plan"
    _inherit = ["mail.thread", "mail.activity.mixin", "care.guard.mixin"]
    _order = "date_start desc, id desc"
    _care_protected_fields = SUBSCRIPTION_FIELDS

    name = fields.Char(required=True, readonly=True)
    elder_id = fields.Many2one(
        "care.elder", required=True, readonly=True, index=True, ondelete="restrict"
    )
    plan_id = fields.Many2one(
        "care.plan", required=True, readonly=True, ondelete="restrict"
    )
    tier = fields.Selection(related="plan_id.tier")
    payer_id = fields.Many2one("res.partner", required=True, readonly=True)
    contract_id = fields.Many2one(
        "contract.contract",
        readonly=True,
        groups=FINANCE,
        ondelete="restrict",
    )
    lead_id = fields.Many2one("crm.lead", readonly=True, index="btree_not_null")
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    date_start = fields.Date(required=True, readonly=True)
    date_end = fields.Date(readonly=True)
    state = fields.Selection(
        [("active", "Running"), ("ended", "Ended")],
        default="active",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    end_reason = fields.Char(readonly=True)
    end_reason_code = fields.Selection(
        END_REASONS, "Why it ended", readonly=True, index=True
    )
    promotion_ids = fields.Many2many(
        "care.plan.promotion",
        "care_plan_subscription_promotion_rel",
        "subscription_id",
        "promotion_id",
        string="Promotions",
        readonly=True,
    )
    quota_ids = fields.One2many("care.plan.quota", "subscription_id", "Quotas")
    usage_ids = fields.One2many("care.plan.usage", "subscription_id", "Services")

    def init(self):
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS care_plan_subscription_one_running
                ON care_plan_subscription (elder_id) WHERE state = 'active'
            """
        )

    # ------------------------------------------------------------------
    # Signing
    # ------------------------------------------------------------------
    @api.model
    def _care_allowed_payers(self, elder):
        """The elder, their family and contacts (as co-payments allow)."""
        return elder.partner_id | elder.sudo().contact_ids.partner_id

    @api.model
    def _care_sign(
        self, elder, plan, payer=None, promotions=None, code=None, day=None, lead=None
    ):
        """Sign ``plan`` for ``elder``: the contract, the subscription. The
        caller's right was checked by the public action that calls this."""
        elder = elder.sudo()
        plan = plan.sudo()
        promotions = (promotions or self.env["care.plan.promotion"]).sudo()
        payer = (payer or elder.partner_id).sudo()
        day = fields.Date.to_date(day) if day else fields.Date.context_today(self)
        if len(elder) != 1 or len(plan) != 1:
            raise ValidationError(self.env._("Sign one plan for one elder."))
        if not plan.active:
            raise ValidationError(
                self.env._("%(plan)s is no longer sold.", plan=plan.name)
            )
        if elder.state in ("deceased", "left", "suspended"):
            raise ValidationError(
                self.env._(
                    "%(elder)s is not served any more (%(state)s): no plan can be "
                    "signed.",
                    elder=elder.name,
                    state=dict(elder._fields["state"]._description_selection(self.env))[
                        elder.state
                    ],
                )
            )
        if plan.company_id != elder.company_id:
            raise ValidationError(
                self.env._(
                    "%(plan)s is sold by %(company)s, not by %(elder)s's centre.",
                    plan=plan.name,
                    company=plan.company_id.name,
                    elder=elder.name,
                )
            )
        if payer not in self._care_allowed_payers(elder) and not payer.is_company:
            raise ValidationError(
                self.env._(
                    "%(payer)s cannot pay for %(elder)s's plan: the payer is the "
                    "elder, one of their family or contacts, or a company.",
                    payer=payer.display_name,
                    elder=elder.name,
                )
            )
        running = self.sudo().search(
            [("elder_id", "=", elder.id), ("state", "=", "active")], limit=1
        )
        if running:
            raise ValidationError(
                self.env._(
                    "%(elder)s already has %(plan)s since %(date)s: end it first.",
                    elder=elder.name,
                    plan=running.plan_id.name,
                    date=running.date_start,
                )
            )
        for promotion in promotions:
            reason = promotion._care_refusal(elder, plan, day, code)
            if reason:
                raise ValidationError(reason)
        promotions._care_check_combination()
        contract = (
            self.env["contract.contract"]
            .sudo()
            .with_company(elder.company_id)
            .create(self._care_contract_vals(elder, plan, payer, promotions, day))
        )
        subscription = self.sudo().create(
            {
                "name": f"{plan.name} · {elder.name}",
                "elder_id": elder.id,
                "plan_id": plan.id,
                "payer_id": payer.id,
                "contract_id": contract.id,
                "lead_id": lead.id if lead else False,
                "company_id": elder.company_id.id,
                "date_start": day,
                "promotion_ids": [Command.set(promotions.ids)],
            }
        )
        elder.service_tier = ELDER_TIER[plan.tier]
        if lead:
            lead.sudo().care_subscription_id = subscription
            self.env["care.plan.referral"]._care_reward(lead, subscription)
        if promotions:
            text = self.env._(
                "%(plan)s signed by %(user)s, paid by %(payer)s, with %(names)s.",
                plan=plan.name,
                user=self.env.user.name,
                payer=payer.display_name,
                names=", ".join(promotions.mapped("name")),
            )
        else:
            text = self.env._(
                "%(plan)s signed by %(user)s, paid by %(payer)s.",
                plan=plan.name,
                user=self.env.user.name,
                payer=payer.display_name,
            )
        body = Markup("<p>%s</p>") % text
        elder.message_post(body=body)
        contract.message_post(body=body)
        return subscription

    @api.model
    def _care_contract_vals(self, elder, plan, payer, promotions, day):
        free = promotions.filtered(lambda p: p.kind == "free_months")[:1]
        discount = promotions.filtered(lambda p: p.kind == "discount")[:1]
        segments = []
        start = day
        if free:
            end = start + relativedelta(months=free.free_months)
            segments.append(
                (
                    start,
                    end - relativedelta(days=1),
                    100.0,
                    self.env._(
                        "%(plan)s, %(promotion)s: free month #START# – #END#",
                        plan=plan.name,
                        promotion=free.name,
                    ),
                )
            )
            start = end
        if discount:
            end = start + relativedelta(months=discount.discount_months)
            segments.append(
                (
                    start,
                    end - relativedelta(days=1),
                    discount.discount_percent,
                    self.env._(
                        "%(plan)s, %(promotion)s: %(percent)s %% off #START# – #END#",
                        plan=plan.name,
                        promotion=discount.name,
                        percent=discount.discount_percent,
                    ),
                )
            )
            start = end
        segments.append(
            (
                start,
                False,
                0.0,
                self.env._("%(plan)s #START# – #END#", plan=plan.name),
            )
        )
        journal = (
            self.env["account.journal"]
            .sudo()
            .search(
                [
                    ("type", "=", "sale"),
                    *self.env["account.journal"]._check_company_domain(
                        elder.company_id
                    ),
                ],
                limit=1,
            )
        )
        lines = [
            Command.create(
                {
                    "product_id": plan.product_id.id,
                    "name": name,
                    "quantity": 1.0,
                    "uom_id": plan.product_id.uom_id.id,
                    "automatic_price": False,
                    "price_unit": plan.monthly_fee,
                    "discount": percent,
                    "recurring_rule_type": "monthly",
                    "recurring_interval": 1,
                    "recurring_invoicing_type": "pre-paid",
                    "date_start": date_start,
                    "date_end": date_end,
                }
            )
            for date_start, date_end, percent, name in segments
        ]
        notes = []
        for promotion in promotions:
            if promotion.kind == "free_months":
                notes.append(
                    self.env._(
                        "%(promotion)s: %(n)s free month(s)",
                        promotion=promotion.name,
                        n=promotion.free_months,
                    )
                )
            else:
                notes.append(
                    self.env._(
                        "%(promotion)s: %(percent)s %% off for %(n)s month(s)",
                        promotion=promotion.name,
                        percent=promotion.discount_percent,
                        n=promotion.discount_months,
                    )
                )
        return {
            "name": f"{plan.name} · {elder.name}",
            "partner_id": payer.id,
            "invoice_partner_id": payer.id,
            "contract_type": "sale",
            "line_recurrence": True,
            "company_id": elder.company_id.id,
            "journal_id": journal.id,
            "date_start": day,
            "recurring_rule_type": "monthly",
            "recurring_invoicing_type": "pre-paid",
            "note": "\n".join(notes) or False,
            "contract_line_ids": lines,
        }

    # ------------------------------------------------------------------
    # Ending
    # ------------------------------------------------------------------
    def action_care_end(self, reason=None, date_end=None, reason_code="other"):
        """Finance ends running plans (the contract stops after what is
        already invoiced). Callable over XML-RPC."""
        check_group(self.env, FINANCE, self.env._("Only finance ends a plan."))
        self.check_access("read")
        if not isinstance(reason, str) or not reason.strip():
            raise ValidationError(self.env._("Say why the plan ends."))
        if reason_code not in dict(END_REASONS):
            raise ValidationError(
                self.env._(
                    "Unknown reason %(code)s: one of %(codes)s.",
                    code=reason_code,
                    codes=", ".join(dict(END_REASONS)),
                )
            )
        day = (
            fields.Date.to_date(date_end)
            if date_end
            else fields.Date.context_today(self)
        )
        for subscription in self.sudo().filtered(lambda s: s.state == "active"):
            for line in subscription.contract_id.contract_line_ids:
                end = max(day, line.last_date_invoiced or day)
                if line.date_start > end:
                    line.write({"date_end": line.date_start, "is_canceled": True})
                elif not line.date_end or line.date_end > end:
                    line.date_end = end
            subscription.write(
                {
                    "state": "ended",
                    "date_end": day,
                    "end_reason": reason.strip(),
                    "end_reason_code": reason_code,
                }
            )
            subscription.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Plan ended by %(user)s on %(day)s: %(reason)s",
                    user=self.env.user.name,
                    day=day,
                    reason=reason.strip(),
                )
            )
        return True

    # ------------------------------------------------------------------
    # Quotas
    # ------------------------------------------------------------------
    @api.model
    def _care_running_on(self, elders, day):
        """{elder: the subscription running on ``day``}, in one search."""
        subscriptions = self.sudo().search(
            [
                ("elder_id", "in", elders.ids),
                ("date_start", "<=", day),
                "|",
                ("date_end", "=", False),
                ("date_end", ">=", day),
            ],
            order="date_start desc, id desc",
        )
        found = {}
        for subscription in subscriptions:
            found.setdefault(subscription.elder_id, subscription)
        return found

    def _care_allowance(self, line, period):
        """This month's quota, with last month's unused part when the plan
        carries it over (one month only)."""
        self.ensure_one()
        allowance = line.quota
        if not self.plan_id.carry_over:
            return allowance
        previous = period - relativedelta(months=1)
        if self.date_start > previous + relativedelta(months=1, days=-1):
            return allowance
        self.env.cr.execute(
            SQL(
                "SELECT used FROM care_plan_quota WHERE subscription_id = %s"
                " AND category_id = %s AND period = %s",
                self.id,
                line.category_id.id,
                previous,
            )
        )
        row = self.env.cr.fetchone()
        used = row[0] if row else 0
        return allowance + max(line.quota - used, 0)

    def _care_lock_quota(self, line, period):
        """The quota row of this month, created if missing, locked FOR UPDATE:
        a concurrent completion on the same quota waits, then fails with a
        serialization error and is retried (as Odoo's RPC layer does)."""
        self.ensure_one()
        cr = self.env.cr
        self.env["care.plan.quota"].flush_model()
        cr.execute(
            SQL(
                """
                INSERT INTO care_plan_quota
                    (subscription_id, elder_id, category_id, period, allowance,
                     used, create_uid, write_uid, create_date, write_date)
                VALUES (%s, %s, %s, %s, %s, 0, %s, %s,
                        now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')
                ON CONFLICT (subscription_id, category_id, period) DO NOTHING
                """,
                self.id,
                self.elder_id.id,
                line.category_id.id,
                period,
                self._care_allowance(line, period),
                self.env.uid,
                self.env.uid,
            )
        )
        cr.execute(
            SQL(
                "SELECT id, allowance, used FROM care_plan_quota"
                " WHERE subscription_id = %s AND category_id = %s AND period = %s"
                " FOR UPDATE",
                self.id,
                line.category_id.id,
                period,
            )
        )
        row = cr.fetchone()
        self.env["care.plan.quota"].invalidate_model()
        self.invalidate_recordset(["quota_ids"])
        return row

    @api.model
    def _care_quota_left(self, elders, day=None):
        """{elder id: [{category, quota, used, left, period}]} for the month
        of ``day``, in three queries whatever the number of elders."""
        day = day or fields.Date.context_today(self)
        period = month_start(day)
        running = self._care_running_on(elders, day)
        result = {elder.id: [] for elder in elders}
        if not running:
            return result
        subscriptions = self.browse([s.id for s in running.values()])
        self.env["care.plan.quota"].flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT subscription_id, category_id, allowance, used"
                " FROM care_plan_quota WHERE subscription_id IN %s AND period = %s",
                tuple(subscriptions.ids),
                period,
            )
        )
        rows = {(s, c): (a, u) for s, c, a, u in self.env.cr.fetchall()}
        for elder, subscription in running.items():
            for line in subscription.plan_id.line_ids:
                allowance, used = rows.get(
                    (subscription.id, line.category_id.id),
                    (subscription._care_allowance(line, period), 0),
                )
                result[elder.id].append(
                    {
                        "category_id": line.category_id.id,
                        "category": line.category_id.name,
                        "quota": allowance,
                        "used": used,
                        "left": max(allowance - used, 0),
                        "period": fields.Date.to_string(period),
                    }
                )
        return result


class CarePlanQuota(models.Model):
    """What an elder's plan includes of a service in a month, and how much
    of it was used: written only by completions, under a row lock."""

    _name = "care.plan.quota"
    _description = "Monthly Plan Quota"
    _inherit = ["care.guard.mixin"]
    _order = "period desc, category_id"
    _care_protected_fields = (
        "subscription_id",
        "elder_id",
        "category_id",
        "period",
        "allowance",
        "used",
    )

    subscription_id = fields.Many2one(
        "care.plan.subscription", required=True, readonly=True, ondelete="cascade"
    )
    elder_id = fields.Many2one("care.elder", required=True, readonly=True, index=True)
    category_id = fields.Many2one(
        "care.service.category", "Service", required=True, readonly=True
    )
    period = fields.Date("Month", required=True, readonly=True)
    allowance = fields.Integer("Included", readonly=True)
    used = fields.Integer(readonly=True)
    left = fields.Integer(compute="_compute_left")

    _sql_constraints = [
        (
            "one_per_month",
            "unique(subscription_id, category_id, period)",
            "One quota per plan, service and month.",
        ),
        (
            "never_negative",
            "CHECK(used >= 0 AND used <= allowance)",
            "A quota can never be overdrawn nor go below zero.",
        ),
    ]

    @api.depends("allowance", "used")
    def _compute_left(self):
        for quota in self:
            quota.left = quota.allowance - quota.used


class CarePlanUsage(models.Model):
    """A completed service counted against a plan: included in the quota
    (nothing billed) or beyond it (billed on the next contract invoice)."""

    _name = "care.plan.usage"
    _description = "Service counted against a plan"
    _inherit = ["care.guard.mixin"]
    _order = "period desc, id desc"
    _care_protected_fields = (
        "order_id",
        "subscription_id",
        "category_id",
        "period",
        "kind",
        "amount",
        "billed_by",
        "billed",
    )

    order_id = fields.Many2one(
        "fsm.order", "Service order", required=True, readonly=True, index=True
    )
    subscription_id = fields.Many2one(
        "care.plan.subscription",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    elder_id = fields.Many2one(related="subscription_id.elder_id", store=True)
    category_id = fields.Many2one("care.service.category", "Service", readonly=True)
    period = fields.Date("Month", readonly=True)
    kind = fields.Selection(
        [("included", "Included in the plan"), ("beyond", "Beyond the quota")],
        required=True,
        readonly=True,
    )
    amount = fields.Monetary(readonly=True, currency_field="currency_id")
    currency_id = fields.Many2one(related="subscription_id.company_id.currency_id")
    billed_by = fields.Selection(
        [("contract", "Next contract invoice"), ("copay", "Co-payment")],
        readonly=True,
    )
    billed = fields.Boolean(readonly=True, index=True)

    _sql_constraints = [
        ("order_unique", "unique(order_id)", "A service counts once against a plan.")
    ]

    @api.model
    def _care_consume(self, orders):
        """Count completed orders against their elder's plan: the quota first
        (row-locked), beyond it at the plan's price."""
        cancelled = self.env.ref("fieldservice.fsm_stage_cancelled")
        orders = orders.sudo().filtered(
            lambda o: (
                o.care_elder_id
                and o.care_category_id
                and o.is_closed
                and o.stage_id != cancelled
            )
        )
        if not orders:
            return self.browse()
        counted = set(self.sudo().search([("order_id", "in", orders.ids)]).order_id.ids)
        Subscription = self.env["care.plan.subscription"].sudo()
        usages = self.browse()
        for order in orders.sorted("id"):
            if order.id in counted:
                continue
            day = fields.Date.context_today(
                order, order.date_end or fields.Datetime.now()
            )
            subscription = Subscription._care_running_on(order.care_elder_id, day).get(
                order.care_elder_id
            )
            if not subscription:
                continue
            line = subscription.plan_id.line_ids.filtered(
                lambda line, order=order: line.category_id == order.care_category_id
            )[:1]
            if not line:
                continue
            period = month_start(day)
            quota_id, allowance, used = subscription._care_lock_quota(line, period)
            if used < allowance:
                self.env.cr.execute(
                    SQL(
                        "UPDATE care_plan_quota SET used = used + 1,"
                        " write_date = now() AT TIME ZONE 'UTC' WHERE id = %s",
                        quota_id,
                    )
                )
                vals = {"kind": "included", "amount": 0.0}
            else:
                vals = {
                    "kind": "beyond",
                    "amount": order._care_plan_beyond_amount(line),
                    "billed_by": order._care_plan_billed_by(),
                }
            self.env["care.plan.quota"].invalidate_model()
            usage = self.sudo().create(
                {
                    "order_id": order.id,
                    "subscription_id": subscription.id,
                    "category_id": line.category_id.id,
                    "period": period,
                    **vals,
                }
            )
            usages |= usage
            order._message_log(
                body=Markup("<p>%s</p>")
                % (
                    self.env._(
                        "Included in %(plan)s (%(left)s left this month).",
                        plan=subscription.plan_id.name,
                        left=allowance - used - 1,
                    )
                    if vals["kind"] == "included"
                    else self.env._(
                        "Beyond the quota of %(plan)s: %(amount)s.",
                        plan=subscription.plan_id.name,
                        amount=vals["amount"],
                    )
                )
            )
        return usages

    @api.model
    def _care_release(self, orders, reason):
        """A completed order cancelled or reopened gives its quota back (a
        beyond-quota service already invoiced stays: credit it)."""
        usages = self.sudo().search([("order_id", "in", orders.ids)])
        for usage in usages:
            if usage.billed:
                raise UserError(
                    self.env._(
                        "%(order)s was already billed beyond the quota on a contract "
                        "invoice: issue a credit note first.",
                        order=usage.order_id.name,
                    )
                )
            if usage.kind == "included":
                line = usage.subscription_id.plan_id.line_ids.filtered(
                    lambda line, usage=usage: line.category_id == usage.category_id
                )[:1]
                quota_id, _allowance, used = usage.subscription_id._care_lock_quota(
                    line, usage.period
                )
                if used > 0:
                    self.env.cr.execute(
                        SQL(
                            "UPDATE care_plan_quota SET used = used - 1 WHERE id = %s",
                            quota_id,
                        )
                    )
            usage.order_id._message_log(
                body=Markup("<p>%s</p>")
                % self.env._("Plan quota given back: %(reason)s", reason=reason)
            )
        self.env["care.plan.quota"].invalidate_model()
        usages.unlink()
        return True

    def _care_invoice_line_vals(self):
        self.ensure_one()
        return {
            "name": self.env._(
                "%(order)s %(service)s (%(month)s), beyond the quota of %(plan)s",
                order=self.order_id.name,
                service=self.category_id.name,
                month=self.period.strftime("%Y-%m"),
                plan=self.subscription_id.plan_id.name,
            ),
            "quantity": 1.0,
            "price_unit": self.amount,
            "product_id": self.env.ref("care_plans.product_beyond_quota").id,
            "care_plan_usage_id": self.id,
        }


class CarePlanSubscriptionDemo(models.Model):
    _inherit = "care.plan.subscription"

    @api.model
    def _care_demo(self):
        """Demo: two signed plans, one with the model-household months, a
        teacher's discount, and their contract invoices of the past months."""
        ref = self.env.ref
        if self.search_count([], limit=1):
            return True  # signed already (the demo runs once)
        today = fields.Date.context_today(self)
        start = month_start(today) - relativedelta(months=5)
        teacher = ref("elder_crm.elder_02_demo")
        teacher.sudo().category_id = [
            Command.link(ref("care_plans.tag_retired_teacher_demo").id)
        ]
        signed = self._care_sign(
            ref("elder_crm.elder_01_demo"),
            ref("care_plans.plan_basic_demo"),
            promotions=ref("care_plans.promotion_model_household_demo"),
            day=start,
        ) | self._care_sign(
            teacher,
            ref("care_plans.plan_vip_demo"),
            promotions=ref("care_plans.promotion_teachers_demo"),
            day=start,
        )
        # 老带新: two families referred by the signed ones, one signed
        campaign = self.env["utm.campaign"].create(
            {"name": "老带新", "care_referral_reward": "free_month"}
        )
        Lead = self.env["crm.lead"].with_context(mail_create_nolog=True)
        leads = Lead.create(
            [
                {
                    "name": "老带新：邻居推荐",
                    "type": "opportunity",
                    "care_elder_id": ref("elder_crm.elder_03_demo").id,
                    "care_referrer_elder_id": signed[0].elder_id.id,
                    "campaign_id": campaign.id,
                    "care_plan_id": ref("care_plans.plan_basic_demo").id,
                },
                {
                    "name": "老带新：老同事推荐",
                    "type": "opportunity",
                    "care_elder_id": ref("elder_crm.elder_04_demo").id,
                    "care_referrer_elder_id": signed[1].elder_id.id,
                    "campaign_id": campaign.id,
                    "care_plan_id": ref("care_plans.plan_basic_demo").id,
                },
            ]
        )
        contracts = signed.sudo().contract_id
        day = start
        while day <= today:
            if day == month_start(today) - relativedelta(months=1):
                self._care_sign(
                    leads[0].care_elder_id,
                    leads[0].care_plan_id,
                    day=day,
                    lead=leads[0],
                )
            contracts._cron_recurring_create(day)
            day += relativedelta(months=1)
        moves = self.env["account.move"].search(
            [
                ("state", "=", "draft"),
                (
                    "invoice_line_ids.contract_line_id.contract_id.care_subscription_ids",
                    "!=",
                    False,
                ),
                ("invoice_date", "<", month_start(today)),
            ]
        )
        moves.action_post()
        last_month = month_start(today) - relativedelta(months=1)
        self.env["care.plan.draw"].create(
            {
                "name": "重阳节抽奖",
                "date_from": start,
                "date_to": last_month + relativedelta(months=1, days=-1),
                "seed": "福彩3D 2026-10-29 527",
                "winner_count": 1,
            }
        ).action_care_draw()
        return True
