from odoo import fields, models, tools
from odoo.tools import SQL


class CareVoucherReport(models.Model):
    """Reconciliation of the voucher ledger: every movement kind (issued,
    redeemed, expired, reversed, adjusted), outstanding, co-payments and
    deductions by programme, subsidy category, community, provider and month
    (one row per ledger line). On every row and every total:
    issued − redeemed − expired + reversed + adjusted = outstanding."""

    _name = "care.voucher.report"
    _description = "Voucher Reconciliation"
    _auto = False
    _order = "period desc"
    _rec_name = "period"
    _depends = {
        "care.voucher.line": [
            "period",
            "programme_id",
            "card_id",
            "elder_id",
            "provider_id",
            "company_id",
            "kind",
            "amount",
            "order_id",
            "entitlement_id",
        ],
        "care.voucher.programme": ["funding_partner_id"],
        "care.voucher.programme.amount": [
            "programme_id",
            "subsidy_category_id",
            "amount",
        ],
        "care.elder": ["community_id", "street_office_id", "subsidy_category_ids"],
        "fsm.order": ["care_provider_id", "care_copay_amount", "care_settlement_state"],
    }

    period = fields.Date("Month", readonly=True)
    programme_id = fields.Many2one("care.voucher.programme", readonly=True)
    funding_partner_id = fields.Many2one("res.partner", "Funding body", readonly=True)
    card_id = fields.Many2one("care.voucher.card", "Service card", readonly=True)
    subsidy_category_id = fields.Many2one(
        "care.subsidy.category",
        "Subsidy category",
        readonly=True,
        help="The elder's category that gives the programme's highest amount.",
    )
    elder_id = fields.Many2one("care.elder", readonly=True)
    community_id = fields.Many2one("care.community", readonly=True)
    street_office_id = fields.Many2one("care.community", readonly=True)
    provider_id = fields.Many2one("care.provider", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    issued = fields.Monetary(readonly=True, currency_field="currency_id")
    redeemed = fields.Monetary(
        readonly=True,
        currency_field="currency_id",
        help="Redeemed on services (before reversals: see Reversed).",
    )
    expired = fields.Monetary(readonly=True, currency_field="currency_id")
    reversed = fields.Monetary(
        readonly=True,
        currency_field="currency_id",
        help="Redemptions given back (a cancelled, disputed or deducted service).",
    )
    adjusted = fields.Monetary(
        readonly=True,
        currency_field="currency_id",
        help="Finance's balance adjustments: positive adds, negative takes.",
    )
    outstanding = fields.Monetary(
        readonly=True,
        currency_field="currency_id",
        help="What is left: issued − redeemed − expired + reversed + adjusted.",
    )
    copay = fields.Monetary("Co-payments", readonly=True, currency_field="currency_id")
    deducted = fields.Monetary(
        readonly=True,
        currency_field="currency_id",
        help="Given back because the service failed the evidence rules.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW %s AS (
                SELECT l.id,
                       l.period,
                       l.programme_id,
                       p.funding_partner_id,
                       l.card_id,
                       cat.subsidy_category_id,
                       l.elder_id,
                       el.community_id,
                       el.street_office_id,
                       COALESCE(l.provider_id, o.care_provider_id) AS provider_id,
                       l.company_id,
                       CASE WHEN l.kind = 'issue' THEN l.amount ELSE 0 END AS issued,
                       CASE WHEN l.kind = 'redeem' THEN -l.amount ELSE 0 END AS redeemed,
                       CASE WHEN l.kind = 'expire' THEN -l.amount ELSE 0 END AS expired,
                       CASE WHEN l.kind = 'reverse' THEN l.amount ELSE 0 END AS reversed,
                       CASE WHEN l.kind = 'adjust' THEN l.amount ELSE 0 END AS adjusted,
                       l.amount AS outstanding,
                       CASE WHEN l.kind = 'redeem' AND l.entitlement_id IS NOT NULL
                            THEN COALESCE(o.care_copay_amount, 0) ELSE 0 END AS copay,
                       CASE WHEN l.kind = 'reverse' AND o.care_settlement_state = 'deducted'
                            THEN l.amount ELSE 0 END AS deducted
                  FROM care_voucher_line l
                  JOIN care_elder el ON el.id = l.elder_id
             LEFT JOIN care_voucher_programme p ON p.id = l.programme_id
             LEFT JOIN fsm_order o ON o.id = l.order_id
             LEFT JOIN LATERAL (
                       SELECT pa.subsidy_category_id
                         FROM care_voucher_programme_amount pa
                         JOIN care_elder_care_subsidy_category_rel ec
                           ON ec.care_subsidy_category_id = pa.subsidy_category_id
                        WHERE pa.programme_id = l.programme_id
                          AND ec.care_elder_id = l.elder_id
                     ORDER BY pa.amount DESC
                        LIMIT 1
                   ) cat ON TRUE
            )
            """,
                SQL.identifier(self._table),
            )
        )
