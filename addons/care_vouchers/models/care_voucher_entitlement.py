from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .care_voucher_programme import month_start

ENDED_ELDER_STATES = ("deceased", "left")


class CareVoucherEntitlement(models.Model):
    """An elder's right to a programme's vouchers, from application to end."""

    _name = "care.voucher.entitlement"
    _description = "Voucher Entitlement"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _rec_names_search = ["elder_id", "programme_id"]

    elder_id = fields.Many2one(
        "care.elder", "Elder", required=True, index=True, tracking=True
    )
    programme_id = fields.Many2one(
        "care.voucher.programme", "Programme", required=True, index=True, tracking=True
    )
    company_id = fields.Many2one(
        related="programme_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="programme_id.currency_id")
    state = fields.Selection(
        [
            ("applied", "Applied"),
            ("approved", "Approved"),
            ("active", "Active"),
            ("suspended", "Suspended"),
            ("ended", "Ended"),
        ],
        default="applied",
        required=True,
        index=True,
        tracking=True,
    )
    date_start = fields.Date(
        "From", required=True, default=fields.Date.context_today, tracking=True
    )
    date_end = fields.Date("Until", tracking=True)
    approval_ref = fields.Char(
        "Approval document",
        tracking=True,
        help="Number of the bureau's approval (批复文号).",
    )
    approval_attachment_id = fields.Many2one("ir.attachment", "Approval scan")
    approved_by_id = fields.Many2one("res.users", "Approved by", readonly=True)
    approved_on = fields.Datetime("Approved on", readonly=True)
    end_reason = fields.Char("Why it ended", tracking=True)
    ledger_version = fields.Integer(
        readonly=True,
        copy=False,
        default=0,
        help="Raised by every posting: two postings on the same entitlement "
        "at the same time cannot both go through.",
    )
    line_ids = fields.One2many("care.voucher.line", "entitlement_id", "Ledger")
    monthly_amount = fields.Monetary(
        compute="_compute_monthly_amount",
        currency_field="currency_id",
        help="What the elder's categories and level give today.",
    )
    balance = fields.Monetary(compute="_compute_figures", currency_field="currency_id")
    month_issued = fields.Monetary(
        "Issued this month", compute="_compute_figures", currency_field="currency_id"
    )
    month_redeemed = fields.Monetary(
        "Redeemed this month", compute="_compute_figures", currency_field="currency_id"
    )
    month_booked = fields.Monetary(
        "Booked",
        compute="_compute_figures",
        currency_field="currency_id",
        help="The voucher's share of covered services ordered and not yet done.",
    )

    @api.depends("programme_id", "elder_id.subsidy_category_ids", "elder_id.gbt_level")
    def _compute_monthly_amount(self):
        for entitlement in self:
            entitlement.monthly_amount = (
                entitlement.programme_id._amount_for(entitlement.elder_id)
                if entitlement.programme_id and entitlement.elder_id
                else 0.0
            )

    def _compute_figures(self):
        period = month_start(fields.Date.context_today(self))
        figures = self._figures(period)
        booked = self._booked(period)
        for entitlement in self:
            balance, issued, redeemed = figures.get(entitlement.id, (0.0, 0.0, 0.0))
            entitlement.balance = balance
            entitlement.month_issued = issued
            entitlement.month_redeemed = redeemed
            entitlement.month_booked = booked.get(entitlement.id, 0.0)

    def _figures(self, period):
        """{id: (balance, issued in period, redeemed net in period)} from the ledger."""
        if not self.ids:
            return {}
        self.env["care.voucher.line"].flush_model()
        self.env.cr.execute(
            """
            SELECT entitlement_id,
                   SUM(amount),
                   SUM(amount) FILTER (WHERE kind = 'issue' AND period = %(period)s),
                   -SUM(amount) FILTER (WHERE kind IN ('redeem', 'reverse')
                                         AND period = %(period)s)
              FROM care_voucher_line
             WHERE entitlement_id IN %(ids)s
          GROUP BY entitlement_id
            """,
            {"ids": tuple(self.ids), "period": period},
        )
        return {
            row[0]: tuple(value or 0.0 for value in row[1:])
            for row in self.env.cr.fetchall()
        }

    def _booked(self, period):
        orders = (
            self.env["fsm.order"]
            .sudo()
            ._read_group(
                [
                    ("care_voucher_entitlement_id", "in", self.ids),
                    ("care_voucher_state", "=", "booked"),
                ],
                ["care_voucher_entitlement_id"],
                ["care_price:sum"],
            )
        )
        return {
            entitlement.id: total * entitlement.programme_id.covered_share / 100.0
            for entitlement, total in orders
        }

    def balance_at(self, as_of=None):
        """The balances on ``as_of`` (a date; today by default), from the
        ledger. Callable over XML-RPC: ``[{"id", "elder_id", "programme_id",
        "balance"}]``."""
        balances = self._balances(as_of)
        return [
            {
                "id": entitlement.id,
                "elder_id": entitlement.elder_id.id,
                "programme_id": entitlement.programme_id.id,
                "balance": balances[entitlement.id],
            }
            for entitlement in self
        ]

    def _balances(self, as_of=None):
        """{entitlement id: balance on ``as_of``} from the ledger."""
        return self.env["care.voucher.line"]._balances_of(self, as_of)

    _sql_constraints = [
        (
            "dates",
            "CHECK(date_end IS NULL OR date_end >= date_start)",
            "An entitlement cannot end before it starts.",
        ),
    ]

    def init(self):
        # one open entitlement per elder and programme
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS care_voucher_entitlement_open_uniq
                ON care_voucher_entitlement (elder_id, programme_id)
             WHERE state != 'ended'
            """
        )

    @api.model_create_multi
    def create(self, vals_list):
        self.browse().check_access("create")  # the rights first, then the rules
        seen = set()
        for vals in vals_list:
            if vals.get("state", "applied") != "applied":
                raise UserError(
                    _("An entitlement starts as an application: approve it afterwards.")
                )
            key = (vals.get("elder_id"), vals.get("programme_id"))
            if key in seen or self.sudo().search_count(
                [
                    ("elder_id", "=", key[0]),
                    ("programme_id", "=", key[1]),
                    ("state", "!=", "ended"),
                ]
            ):
                raise ValidationError(
                    _(
                        "%(elder)s already has an entitlement in %(programme)s.",
                        elder=self.env["care.elder"].browse(key[0]).name,
                        programme=self.env["care.voucher.programme"]
                        .browse(key[1])
                        .name,
                    )
                )
            seen.add(key)
        return super().create(vals_list)

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------
    def action_approve(self):
        for entitlement in self:
            if entitlement.state != "applied":
                raise UserError(_("Only an application can be approved."))
            if not entitlement.approval_ref:
                raise UserError(
                    _(
                        "Enter the number of the approving document for %s first.",
                        entitlement.elder_id.name,
                    )
                )
            if not entitlement.programme_id._is_eligible(entitlement.elder_id):
                raise UserError(
                    _(
                        "%(elder)s is not eligible for %(programme)s: neither a "
                        "subsidy category nor the ability level qualifies.",
                        elder=entitlement.elder_id.name,
                        programme=entitlement.programme_id.name,
                    )
                )
        self.write(
            {
                "state": "approved",
                "approved_by_id": self.env.user.id,
                "approved_on": fields.Datetime.now(),
            }
        )
        self._activate_due(fields.Date.context_today(self))
        return True

    def _activate_due(self, day):
        due = self.filtered(lambda e: e.state == "approved" and e.date_start <= day)
        due.write({"state": "active"})
        return due

    def action_suspend(self):
        self.filtered(lambda e: e.state == "active").write({"state": "suspended"})
        return True

    def action_resume(self):
        self.filtered(lambda e: e.state == "suspended").write({"state": "active"})
        return True

    def action_end(self, reason=None):
        today = fields.Date.context_today(self)
        for entitlement in self.filtered(lambda e: e.state != "ended"):
            entitlement.write(
                {
                    "state": "ended",
                    "date_end": entitlement.date_end
                    if entitlement.date_end and entitlement.date_end < today
                    else max(today, entitlement.date_start),
                    "end_reason": reason
                    or entitlement.end_reason
                    or _("Ended by hand"),
                }
            )
        return True

    def _end_ineligible(self):
        """End the open entitlements whose elder no longer qualifies."""
        states = dict(
            self.env["care.elder"]._fields["state"]._description_selection(self.env)
        )
        for entitlement in self.filtered(lambda e: e.state != "ended"):
            elder = entitlement.elder_id
            if elder.state in ENDED_ELDER_STATES:
                entitlement.action_end(
                    _("The elder's status is now %s.", states[elder.state])
                )
            elif not entitlement.programme_id._is_eligible(elder):
                entitlement.action_end(
                    _("The elder's categories or ability level no longer qualify.")
                )

    # ------------------------------------------------------------------
    # Ledger
    # ------------------------------------------------------------------
    def _lock(self):
        """Serialise postings on these entitlements (see the ledger)."""
        self.env["care.voucher.line"]._lock_accounts(self)
