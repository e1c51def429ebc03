from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from odoo.addons.elder_crm.models.care_elder import GBT_LEVELS

ROLLOVERS = [
    ("expire_month_end", "Expires at month end"),
    ("carry_within_year", "Carried within the year"),
    ("carry_capped", "Carried up to a cap"),
]


def month_start(day):
    """The first day of ``day``'s month (a date)."""
    return fields.Date.to_date(day).replace(day=1)


class CareVoucherProgramme(models.Model):
    """A subsidy programme of a funding body (e.g. a district's civil-affairs
    bureau): who is eligible, how much a month, for which services."""

    _name = "care.voucher.programme"
    _description = "Voucher Programme"
    _inherit = ["mail.thread", "care.guard.mixin"]
    # the month closing owns it: reopening a closed month would let it be
    # redeemed again after its balances expired
    _care_protected_fields = ("closed_until",)
    _order = "sequence, date_start desc, id"
    # found by its name or the bureau's code (e.g. in the entitlement import)
    _rec_names_search = ["name", "code"]

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(help="The bureau's code for the programme, on claims.")
    sequence = fields.Integer(
        default=10,
        help="When an order could be paid by several programmes, "
        "the first in this order pays.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    funding_partner_id = fields.Many2one(
        "res.partner",
        "Funding body",
        required=True,
        tracking=True,
        help="Who pays the vouchers, e.g. a district civil-affairs bureau.",
    )
    date_start = fields.Date("Valid from", required=True, tracking=True)
    date_end = fields.Date("Valid until", tracking=True)
    channel = fields.Selection(
        [
            ("home", "Home care"),
            ("community", "Community"),
            ("residential", "Residential"),
        ],
        default="home",
        required=True,
    )
    min_gbt_level = fields.Selection(
        GBT_LEVELS,
        "Minimum ability level",
        help="An elder assessed at this level or worse (GB/T 42195) is eligible.",
    )
    level_amount = fields.Monetary(
        "Monthly amount by level",
        currency_field="currency_id",
        help="Monthly amount of an elder eligible by ability level.",
    )
    amount_ids = fields.One2many(
        "care.voucher.programme.amount",
        "programme_id",
        "Eligible categories",
        help="An elder in any of these subsidy categories is eligible, for the "
        "category's monthly amount.",
    )
    stacking = fields.Selection(
        [("highest", "The highest amount"), ("sum", "The sum of the amounts")],
        "Several categories",
        default="highest",
        required=True,
        help="The monthly amount of an elder who is eligible several ways.",
    )
    covered_share = fields.Float(
        "Covered share (%)",
        default=100.0,
        help="Share of the service price the voucher pays; the rest is the "
        "elder's co-payment.",
    )
    monthly_cap = fields.Monetary(
        "Monthly cap",
        currency_field="currency_id",
        help="At most this much redeemed per elder and month (0: no cap).",
    )
    service_category_ids = fields.Many2many(
        "care.service.category", string="Covered services", required=True
    )
    rollover = fields.Selection(
        ROLLOVERS,
        "Unused balance",
        default="expire_month_end",
        required=True,
        help="Expires at month end: the national 2026 rule. Carried within the "
        "year: expires at the end of December. Carried up to a cap: the greater "
        "of the fixed amount and the percentage of the monthly amount is kept.",
    )
    carry_cap_amount = fields.Monetary("Carry at most", currency_field="currency_id")
    carry_cap_percent = fields.Float("or % of the monthly amount")
    claim_days = fields.Integer(
        "Claim window (days)",
        default=10,
        help="Days after the month during which services may still be recorded; "
        "the month closes (and expires its balances) after them.",
    )
    entitlement_count = fields.Integer(compute="_compute_entitlement_count")

    _sql_constraints = [
        (
            "covered_share_range",
            "CHECK(covered_share > 0 AND covered_share <= 100)",
            "The covered share is a percentage above 0 and at most 100.",
        ),
        (
            "amounts_positive",
            "CHECK(COALESCE(level_amount, 0) >= 0 AND COALESCE(monthly_cap, 0) >= 0 "
            "AND COALESCE(carry_cap_amount, 0) >= 0 AND COALESCE(carry_cap_percent, 0) >= 0)",
            "Amounts and percentages of a programme cannot be negative.",
        ),
    ]

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for programme in self:
            if programme.date_end and programme.date_end < programme.date_start:
                raise ValidationError(
                    self.env._("%s ends before it starts.", programme.name)
                )

    @api.constrains("amount_ids", "min_gbt_level", "level_amount")
    def _check_eligibility(self):
        for programme in self:
            by_level = programme.min_gbt_level and programme.level_amount > 0
            if not (programme.amount_ids or by_level):
                raise ValidationError(
                    self.env._(
                        "Say who is eligible for %s: subsidy categories with their "
                        "amounts, or a minimum ability level with its amount.",
                        programme.name,
                    )
                )

    def _compute_entitlement_count(self):
        counts = dict(
            self.env["care.voucher.entitlement"]._read_group(
                [("programme_id", "in", self.ids)], ["programme_id"], ["__count"]
            )
        )
        for programme in self:
            programme.entitlement_count = counts.get(programme, 0)

    # ------------------------------------------------------------------
    # Eligibility and amounts
    # ------------------------------------------------------------------
    def _amount_for(self, elder):
        """The monthly amount ``elder`` is entitled to today (0: not eligible)."""
        return self._amount_for_basis(elder.subsidy_category_ids, elder.gbt_level)

    def _amount_for_basis(self, categories, gbt_level):
        """The monthly amount of subsidy ``categories`` and ability level
        ``gbt_level`` (0: not eligible)."""
        self.ensure_one()
        amounts = [
            line.amount
            for line in self.amount_ids
            if line.subsidy_category_id in categories
        ]
        if (
            self.min_gbt_level
            and gbt_level
            and int(gbt_level) >= int(self.min_gbt_level)
            and self.level_amount > 0
        ):
            amounts.append(self.level_amount)
        if not amounts:
            return 0.0
        return sum(amounts) if self.stacking == "sum" else max(amounts)

    def _is_eligible(self, elder):
        """Eligible is entitled to something: what issuance checks too."""
        return self._amount_for(elder) > 0

    def _valid_in(self, period):
        self.ensure_one()
        last = period + relativedelta(months=1, days=-1)
        return self.date_start <= last and (
            not self.date_end or self.date_end >= period
        )


class CareVoucherProgrammeAmount(models.Model):
    _name = "care.voucher.programme.amount"
    _description = "Voucher Amount per Subsidy Category"
    # its company follows the programme's (a stored result: not writable)
    _inherit = ["care.guard.mixin"]

    programme_id = fields.Many2one(
        "care.voucher.programme", required=True, ondelete="cascade", index=True
    )
    subsidy_category_id = fields.Many2one(
        "care.subsidy.category", "Subsidy category", required=True
    )
    currency_id = fields.Many2one(related="programme_id.currency_id")
    amount = fields.Monetary(
        "Monthly amount", required=True, currency_field="currency_id"
    )
    company_id = fields.Many2one(related="programme_id.company_id", store=True)

    _sql_constraints = [
        ("amount_positive", "CHECK(amount > 0)", "A monthly amount is above 0."),
        (
            "one_per_category",
            "UNIQUE(programme_id, subsidy_category_id)",
            "A subsidy category has one monthly amount in a programme.",
        ),
    ]


class CareVoucherProgrammeRun(models.Model):
    """Issuance and month closing, set-based: one statement per programme
    and month, made idempotent by the ledger's unique indexes."""

    _inherit = "care.voucher.programme"

    closed_until = fields.Date(
        "Closed up to",
        readonly=True,
        copy=False,
        help="The last month closed: its unused balances expired per the "
        "roll-over rule; no more redemptions for it.",
    )

    def _amounts_sql(self, period, period_end):
        """The monthly amount of each open entitlement of the programme in the
        month ``period``..``period_end``, from the basis finance confirmed
        (not the elder's record of today)."""
        self.ensure_one()
        return SQL(
            """
            SELECT e.id AS entitlement_id, e.elder_id, e.company_id,
                   el.state AS elder_state,
                   COALESCE(CASE WHEN p.stacking = 'sum' THEN SUM(x.amount)
                                 ELSE MAX(x.amount) END, 0) AS amount
              FROM care_voucher_entitlement e
              JOIN care_voucher_programme p ON p.id = e.programme_id
              JOIN care_elder el ON el.id = e.elder_id
         LEFT JOIN LATERAL (
                    SELECT pa.amount
                      FROM care_voucher_programme_amount pa
                      JOIN care_voucher_entitlement_basis_category_rel r
                        ON r.category_id = pa.subsidy_category_id
                     WHERE pa.programme_id = p.id AND r.entitlement_id = e.id
                 UNION ALL
                    SELECT p.level_amount
                     WHERE p.min_gbt_level IS NOT NULL
                       AND e.basis_gbt_level IS NOT NULL
                       AND e.basis_gbt_level >= p.min_gbt_level
                       AND p.level_amount > 0
                   ) x ON TRUE
             WHERE e.programme_id = %(programme)s
               AND e.state = 'active'
               AND e.date_start <= %(period_end)s
               AND (e.date_end IS NULL OR e.date_end >= %(period)s)
          GROUP BY e.id, e.elder_id, e.company_id, el.state, p.stacking
            """,
            programme=self.id,
            period=period,
            period_end=period_end,
        )

    def _issue_month(self, period):
        """Post the month's issue line for every active entitlement, once.

        Returns the number of lines posted (0 on a re-run)."""
        period = month_start(period)
        period_end = period + relativedelta(months=1, days=-1)
        Entitlement = self.env["care.voucher.entitlement"].sudo()
        posted = 0
        cr = self.env.cr
        for programme in self:
            if not programme._valid_in(period):
                continue
            Entitlement.search(
                [("programme_id", "=", programme.id), ("state", "=", "approved")]
            )._activate_due(period_end)
            self.env.flush_all()
            cr.execute(
                SQL(
                    "SELECT entitlement_id FROM (%s) a"
                    " WHERE a.amount <= 0 OR a.elder_state IN ('deceased', 'left')",
                    programme._amounts_sql(period, period_end),
                )
            )
            ineligible = [row[0] for row in cr.fetchall()]
            if ineligible:
                Entitlement.browse(ineligible)._end_ineligible()
                self.env.flush_all()
            cr.execute(
                SQL(
                    """
                    INSERT INTO care_voucher_line
                           (entitlement_id, elder_id, programme_id, company_id, kind,
                            period, date, amount, name,
                            create_uid, create_date, write_uid, write_date)
                    SELECT a.entitlement_id, a.elder_id, %(programme)s, a.company_id,
                           'issue', %(period)s, now() AT TIME ZONE 'UTC', a.amount,
                           %(name)s, %(uid)s, now() AT TIME ZONE 'UTC',
                           %(uid)s, now() AT TIME ZONE 'UTC'
                      FROM (%(amounts)s) a
                     WHERE a.amount > 0 AND a.elder_state NOT IN ('deceased', 'left')
                    ON CONFLICT (entitlement_id, period) WHERE kind = 'issue'
                    DO NOTHING
                    """,
                    programme=programme.id,
                    period=period,
                    name=self.env._("Monthly issue"),
                    uid=self.env.uid,
                    amounts=programme._amounts_sql(period, period_end),
                )
            )
            posted += cr.rowcount
        self.env["care.voucher.line"].invalidate_model()
        # changes of the elders waiting for finance (e.g. a level that
        # changed through an assessment): each gets its to-do
        Entitlement.search(
            [("programme_id", "in", self.ids), ("basis_to_review", "=", True)]
        )._flag_basis_review()
        return posted

    def _close_month(self, period):
        """Expire what the roll-over rule does not carry past ``period``."""
        period = month_start(period)
        expired = 0
        cr = self.env.cr
        for programme in self:
            if programme.closed_until and programme.closed_until >= period:
                continue
            rule = programme.rollover
            if rule == "carry_within_year" and period.month != 12:
                keep = None  # nothing expires before the year ends
            elif rule == "carry_capped":
                keep = SQL(
                    "GREATEST(%s, COALESCE(b.issued, 0) * %s / 100.0)",
                    programme.carry_cap_amount or 0.0,
                    programme.carry_cap_percent or 0.0,
                )
            else:
                keep = SQL("0")
            if keep is not None:
                self.env.flush_all()
                programme._lock_entitlements(period)
                cr.execute(
                    SQL(
                        """
                        WITH b AS (
                            SELECT l.entitlement_id, SUM(l.amount) AS balance,
                                   SUM(l.amount) FILTER (
                                       WHERE l.kind = 'issue' AND l.period = %(period)s
                                   ) AS issued
                              FROM care_voucher_line l
                             WHERE l.programme_id = %(programme)s
                               AND l.period <= %(period)s
                          GROUP BY l.entitlement_id
                        )
                        INSERT INTO care_voucher_line
                               (entitlement_id, elder_id, programme_id, company_id,
                                kind, period, date, amount, name,
                                create_uid, create_date, write_uid, write_date)
                        SELECT e.id, e.elder_id, e.programme_id, e.company_id,
                               'expire', %(period)s, now() AT TIME ZONE 'UTC',
                               -(b.balance - %(keep)s), %(name)s,
                               %(uid)s, now() AT TIME ZONE 'UTC',
                               %(uid)s, now() AT TIME ZONE 'UTC'
                          FROM b JOIN care_voucher_entitlement e
                            ON e.id = b.entitlement_id
                         WHERE b.balance - %(keep)s > 0
                        ON CONFLICT (entitlement_id, period) WHERE kind = 'expire'
                        DO NOTHING
                        """,
                        programme=programme.id,
                        period=period,
                        keep=keep,
                        uid=self.env.uid,
                        name=self.env._("Unused at month end"),
                    )
                )
                expired += cr.rowcount
            programme.sudo().closed_until = period
        self.env["care.voucher.line"].invalidate_model()
        return expired

    def _lock_entitlements(self, period):
        """Lock every entitlement of the programme with lines up to ``period``
        before reading their balances, as each posting does (see the
        ledger's ``_lock_accounts``): a redemption racing the close either
        commits first (then this update fails with a serialization failure
        and the close is retried on fresh balances) or waits and retries
        after the close (and finds the month closed)."""
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                """
                UPDATE care_voucher_entitlement e
                   SET ledger_version = e.ledger_version + 1
                 WHERE e.programme_id = %(programme)s
                   AND EXISTS (SELECT 1 FROM care_voucher_line l
                                WHERE l.entitlement_id = e.id
                                  AND l.period <= %(period)s)
                """,
                programme=self.id,
                period=period,
            )
        )
        self.env["care.voucher.entitlement"].invalidate_model(["ledger_version"])

    @api.model
    def _cron_issue(self):
        """On the first of the month (any later day catches up)."""
        today = fields.Date.context_today(self)
        return self.search([("date_start", "<=", today)])._issue_month(today)

    @api.model
    def _cron_close_months(self):
        """Close every month whose claim window is over."""
        today = fields.Date.context_today(self)
        closed = 0
        for programme in self.search([("date_start", "<", today)]):
            period = (
                programme.closed_until + relativedelta(months=1)
                if programme.closed_until
                else month_start(programme.date_start)
            )
            while (
                period + relativedelta(months=1, days=programme.claim_days - 1) < today
            ):
                closed += programme._close_month(period)
                period += relativedelta(months=1)
        return closed
