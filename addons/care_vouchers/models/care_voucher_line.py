from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .care_voucher_programme import month_start

KINDS = [
    ("issue", "Issue"),
    ("redeem", "Redeem"),
    ("expire", "Expire"),
    ("reverse", "Reverse"),
    ("adjust", "Adjust"),
]


class CareVoucherLine(models.Model):
    """The voucher ledger: the only source of balances. Lines are posted by
    the programme's operations and never edited or deleted; a correction is a
    reversing line."""

    _name = "care.voucher.line"
    _description = "Voucher Ledger Line"
    _order = "date desc, id desc"

    entitlement_id = fields.Many2one(
        "care.voucher.entitlement", index="btree_not_null", ondelete="restrict"
    )
    card_id = fields.Many2one(
        "care.voucher.card", "Service card", index="btree_not_null", ondelete="restrict"
    )
    elder_id = fields.Many2one("care.elder", "Elder", required=True, index=True)
    programme_id = fields.Many2one(
        "care.voucher.programme", "Programme", index="btree_not_null"
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    kind = fields.Selection(KINDS, required=True, index=True)
    period = fields.Date("Month", required=True, index=True)
    date = fields.Datetime("Posted", required=True, default=fields.Datetime.now)
    amount = fields.Monetary(required=True, currency_field="currency_id")
    order_id = fields.Many2one("fsm.order", "Service order", index="btree_not_null")
    provider_id = fields.Many2one("care.provider", "Provider", index="btree_not_null")
    reversed_line_id = fields.Many2one(
        "care.voucher.line", "Reverses", index="btree_not_null", ondelete="restrict"
    )
    name = fields.Char("Note")

    _sql_constraints = [
        (
            "amount_sign",
            "CHECK((kind = 'issue' AND amount > 0) "
            "OR (kind IN ('redeem', 'expire') AND amount < 0) "
            "OR (kind IN ('reverse', 'adjust') AND amount != 0))",
            "Issued amounts are positive, redeemed and expired amounts negative, "
            "and no line is zero.",
        ),
        (
            "one_account",
            "CHECK((entitlement_id IS NULL) != (card_id IS NULL) "
            "AND (entitlement_id IS NULL OR programme_id IS NOT NULL))",
            "A ledger line belongs to one entitlement (with its programme) or one card.",
        ),
        (
            "one_reversal",
            "UNIQUE(reversed_line_id)",
            "This line has already been reversed.",
        ),
    ]

    def init(self):
        cr = self.env.cr
        # issuing or expiring a month twice is impossible, whatever runs twice
        cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS care_voucher_line_issue_uniq
                ON care_voucher_line (entitlement_id, period) WHERE kind = 'issue';
            CREATE UNIQUE INDEX IF NOT EXISTS care_voucher_line_expire_uniq
                ON care_voucher_line (entitlement_id, period) WHERE kind = 'expire';
            CREATE UNIQUE INDEX IF NOT EXISTS care_voucher_line_card_issue_uniq
                ON care_voucher_line (card_id) WHERE kind = 'issue';
            CREATE INDEX IF NOT EXISTS care_voucher_line_card_idx
                ON care_voucher_line (card_id, period) INCLUDE (amount)
             WHERE card_id IS NOT NULL;
            CREATE INDEX IF NOT EXISTS care_voucher_line_balance_idx
                ON care_voucher_line (entitlement_id, period) INCLUDE (amount, kind);
            """
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.context.get("care_voucher_posting"):
            raise UserError(
                _(
                    "Ledger lines are posted by issuing, redeeming, expiring or "
                    "correcting vouchers, not typed in."
                )
            )
        for vals in vals_list:
            vals["period"] = month_start(vals["period"])
        return super().create(vals_list)

    def write(self, vals):
        raise UserError(
            _("A posted voucher line cannot be changed: post a reversing line.")
        )

    def unlink(self):
        raise UserError(
            _("A posted voucher line cannot be deleted: post a reversing line.")
        )

    # ------------------------------------------------------------------
    # Posting
    # ------------------------------------------------------------------
    @api.model
    def _post(self, entitlement, kind, amount, period, **extra):
        """Post one line on ``entitlement`` (locked by the caller)."""
        return (
            self.sudo()
            .with_context(care_voucher_posting=True)
            .create(
                {
                    "entitlement_id": entitlement.id,
                    "elder_id": entitlement.elder_id.id,
                    "programme_id": entitlement.programme_id.id,
                    "company_id": entitlement.company_id.id,
                    "kind": kind,
                    "amount": amount,
                    "period": period,
                    **extra,
                }
            )
        )

    @api.model
    def _post_card(self, card, kind, amount, period, **extra):
        """Post one line on a service card (locked by the caller)."""
        return (
            self.sudo()
            .with_context(care_voucher_posting=True)
            .create(
                {
                    "card_id": card.id,
                    "elder_id": card.elder_id.id,
                    "company_id": card.company_id.id,
                    "kind": kind,
                    "amount": amount,
                    "period": period,
                    **extra,
                }
            )
        )

    def action_reverse(self, reason=None):
        """Reverse these lines (one reversing line each, never twice)."""
        reversals = self.browse()
        for line in self:
            if line.kind == "reverse":
                raise ValidationError(_("A reversal is not reversed again."))
            if line.search_count([("reversed_line_id", "=", line.id)]):
                raise ValidationError(_("This line has already been reversed."))
            account = line.entitlement_id or line.card_id
            account._lock()
            if line.amount > 0:
                balance = account._balances().get(account.id, 0.0)
                if balance < line.amount:
                    raise ValidationError(
                        _(
                            "Reversing %(amount)s would leave %(elder)s's balance "
                            "negative (%(balance)s).",
                            amount=line.amount,
                            elder=line.elder_id.name,
                            balance=balance,
                        )
                    )
            post = self._post_card if line.card_id else self._post
            reversals |= post(
                account,
                "reverse",
                -line.amount,
                fields.Date.context_today(self),
                reversed_line_id=line.id,
                order_id=line.order_id.id,
                provider_id=line.provider_id.id,
                name=reason or _("Reversal"),
            )
        return reversals
