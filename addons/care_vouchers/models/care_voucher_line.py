from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

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
    elder_id = fields.Many2one("care.elder", required=True, index=True)
    programme_id = fields.Many2one("care.voucher.programme", index="btree_not_null")
    company_id = fields.Many2one("res.company", required=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    kind = fields.Selection(KINDS, required=True, index=True)
    period = fields.Date("Month", required=True, index=True)
    date = fields.Datetime("Posted", required=True, default=fields.Datetime.now)
    amount = fields.Monetary(required=True, currency_field="currency_id")
    order_id = fields.Many2one("fsm.order", "Service order", index="btree_not_null")
    provider_id = fields.Many2one("care.provider", index="btree_not_null")
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
        # a context key can be sent by any client: only the superuser
        # environment of the posting code (``_post``) creates lines
        if not (self.env.su and self.env.context.get("care_voucher_posting")):
            raise UserError(
                self.env._(
                    "Ledger lines are posted by issuing, redeeming, expiring or "
                    "correcting vouchers, not typed in."
                )
            )
        for vals in vals_list:
            vals["period"] = month_start(vals["period"])
        return super().create(vals_list)

    # the ledger is immutable: every write is refused, sudo included, so
    # there is nothing to hand on to super() (and no field is exempt)
    def write(self, vals):  # pylint: disable=method-required-super
        # never changed: a correction is a reversing or an adjusting line
        raise UserError(
            self.env._(
                "A posted voucher line cannot be changed: post a reversing line."
            )
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._(
                "A posted voucher line cannot be deleted: post a reversing line."
            )
        )

    # ------------------------------------------------------------------
    # Posting
    # ------------------------------------------------------------------
    # the account a line belongs to: an entitlement or a service card
    ACCOUNT_FIELDS = {
        "care.voucher.entitlement": "entitlement_id",
        "care.voucher.card": "card_id",
    }

    @api.model
    def _post(self, account, kind, amount, period, **extra):
        """Post one line on ``account``, an entitlement or a card (locked by
        the caller)."""
        vals = {
            self.ACCOUNT_FIELDS[account._name]: account.id,
            "elder_id": account.elder_id.id,
            "company_id": account.company_id.id,
            "kind": kind,
            "amount": amount,
            "period": period,
            **extra,
        }
        if account._name == "care.voucher.entitlement":
            vals["programme_id"] = account.programme_id.id
        return self.sudo().with_context(care_voucher_posting=True).create(vals)

    @api.model
    def _lock_accounts(self, accounts):
        """Serialise postings on ``accounts``: a concurrent transaction posting
        on one of them fails (and is retried) instead of reading a balance
        that is about to change."""
        if accounts.ids:
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET ledger_version = ledger_version + 1 WHERE id IN %s",
                    SQL.identifier(accounts._table),
                    tuple(accounts.ids),
                )
            )
            accounts.invalidate_recordset(["ledger_version"])

    @api.model
    def _balances_of(self, accounts, as_of=None):
        """{account id: balance on ``as_of``} (today by default)."""
        if not accounts.ids:
            return {}
        as_of = fields.Date.to_date(as_of) if as_of else fields.Date.context_today(self)
        field = self.ACCOUNT_FIELDS[accounts._name]
        self.flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT %(field)s, SUM(amount) FROM care_voucher_line"
                " WHERE %(field)s IN %(ids)s AND period <= %(month)s"
                " GROUP BY %(field)s",
                field=SQL.identifier(field),
                ids=tuple(accounts.ids),
                month=month_start(as_of),
            )
        )
        balances = dict(self.env.cr.fetchall())
        return {account.id: balances.get(account.id, 0.0) for account in accounts}

    def _reverse(self, reason=None):
        """Reverse these redemptions (one reversing line each, never twice).

        Not callable over RPC: the owning code paths (an order cancelled,
        reopened, disputed or deducted) check the caller's right first. Only
        a redemption is reversed, and not once its order is claimed from the
        funding body: an issue, an expiry or an adjustment is corrected with an
        adjustment by finance (with its reason), a claimed service with a
        credit note."""
        if self.filtered(lambda line: line.kind != "redeem"):
            raise ValidationError(
                self.env._(
                    "Only a redemption is reversed: correct an issue, an expiry or "
                    "an adjustment with an adjustment."
                )
            )
        claimed = self.order_id.filtered(
            lambda o: o.care_settlement_state in ("claimed", "settled")
        )
        if claimed and self.filtered(lambda line: line.entitlement_id):
            raise UserError(
                self.env._(
                    "%(order)s is already claimed from the funding body: issue a "
                    "credit note first.",
                    order=claimed[0].name,
                )
            )
        if self.search_count([("reversed_line_id", "in", self.ids)], limit=1):
            raise ValidationError(self.env._("This line has already been reversed."))
        reversals = self.browse()
        for line in self:
            account = line.entitlement_id or line.card_id
            self._lock_accounts(account)
            reversals |= self._post(
                account,
                "reverse",
                -line.amount,
                fields.Date.context_today(self),
                reversed_line_id=line.id,
                order_id=line.order_id.id,
                provider_id=line.provider_id.id,
                name=reason or self.env._("Reversal"),
            )
        return reversals
