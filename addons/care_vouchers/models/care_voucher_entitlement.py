from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare

from odoo.addons.elder_crm.models.care_elder import GBT_LEVELS

from .care_voucher_programme import month_start

ENDED_ELDER_STATES = ("deceased", "left")
FINANCE = "elder_crm.group_care_finance"
REVIEW_ACTIVITY = "care_vouchers.mail_activity_basis_review"


class _ImportRowByRow(Exception):
    """A batch of an import to load row by row (not a user error)."""


def check_finance(env, message):
    """Refuse unless the real user (not a context key) is in finance."""
    if not env.su and not env.user.has_group(FINANCE):
        raise AccessError(message)


class CareVoucherEntitlement(models.Model):
    """An elder's right to a programme's vouchers, from application to end.

    What the elder is paid each month comes from the *basis* finance
    confirmed (subsidy categories and ability level, at approval and at each
    review), not from the elder's record as it is today: reception may edit
    categories, and a change that would move money only takes effect once
    finance confirms it (``action_confirm_basis``), traced in the chatter."""

    _name = "care.voucher.entitlement"
    _description = "Voucher Entitlement"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "care.guard.mixin",
        "care.import.mixin",
    ]
    _order = "id desc"
    _rec_names_search = ["elder_id", "programme_id"]
    # the import matches an entitlement by elder, programme and start date
    # (see _care_import_key_of); imported ones are applications finance approves
    _care_import_key = "elder_id"
    _CARE_IMPORT_KEY_FIELDS = ("elder_id", "programme_id", "date_start")
    # set by the workflow's actions only (finance, checked there)
    _care_protected_fields = (
        "state",
        "approved_by_id",
        "approved_on",
        "ledger_version",
        "basis_category_ids",
        "basis_gbt_level",
        "basis_confirmed_by_id",
        "basis_confirmed_on",
    )

    elder_id = fields.Many2one("care.elder", required=True, index=True, tracking=True)
    programme_id = fields.Many2one(
        "care.voucher.programme", required=True, index=True, tracking=True
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
        readonly=True,
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
    basis_category_ids = fields.Many2many(
        "care.subsidy.category",
        "care_voucher_entitlement_basis_category_rel",
        "entitlement_id",
        "category_id",
        "Confirmed categories",
        readonly=True,
        copy=False,
        help="The elder's subsidy categories finance confirmed: issuance pays "
        "from these.",
    )
    basis_gbt_level = fields.Selection(
        GBT_LEVELS, "Confirmed ability level", readonly=True, copy=False
    )
    basis_confirmed_by_id = fields.Many2one(
        "res.users", "Basis confirmed by", readonly=True, copy=False
    )
    basis_confirmed_on = fields.Datetime(
        "Basis confirmed on", readonly=True, copy=False
    )
    basis_to_review = fields.Boolean(
        "Basis changed, to review",
        compute="_compute_basis_to_review",
        store=True,
        index=True,
        help="The elder's categories or ability level changed and would change "
        "the monthly amount: finance confirms it before it is paid.",
    )
    monthly_amount = fields.Monetary(
        compute="_compute_monthly_amount",
        currency_field="currency_id",
        help="What the confirmed categories and level give: what is issued each month.",
    )
    pending_amount = fields.Monetary(
        "Amount after review",
        compute="_compute_monthly_amount",
        currency_field="currency_id",
        help="What the elder's categories and level give today, once finance "
        "confirms them.",
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

    _BASIS_DEPENDS = (
        "state",
        "basis_category_ids",
        "basis_gbt_level",
        "elder_id.subsidy_category_ids",
        "elder_id.gbt_level",
        "programme_id.amount_ids.amount",
        "programme_id.amount_ids.subsidy_category_id",
        "programme_id.min_gbt_level",
        "programme_id.level_amount",
        "programme_id.stacking",
    )

    @api.depends(*_BASIS_DEPENDS)
    def _compute_monthly_amount(self):
        for entitlement in self:
            programme, elder = entitlement.programme_id, entitlement.elder_id
            entitlement.monthly_amount = (
                programme._amount_for_basis(
                    entitlement.basis_category_ids, entitlement.basis_gbt_level
                )
                if programme
                else 0.0
            )
            entitlement.pending_amount = (
                programme._amount_for(elder) if programme and elder else 0.0
            )

    @api.depends(*_BASIS_DEPENDS)
    def _compute_basis_to_review(self):
        for entitlement in self:
            entitlement.basis_to_review = entitlement.state in (
                "approved",
                "active",
                "suspended",
            ) and bool(
                float_compare(
                    entitlement.monthly_amount,
                    entitlement.pending_amount,
                    precision_digits=2,
                )
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

    @api.readonly
    def balance_at(self, as_of=None):
        """The balances on ``as_of`` (a date; today by default), from the
        ledger. Callable over XML-RPC by whoever may read the entitlements:
        ``[{"id", "elder_id", "programme_id", "balance"}]``."""
        self.check_access("read")  # the ledger is read in SQL below
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

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        # the CHECK constraint's message reaches an import untranslated
        for entitlement in self:
            if entitlement.date_end and entitlement.date_end < entitlement.date_start:
                raise ValidationError(
                    self.env._("An entitlement cannot end before it starts.")
                )

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
                    self.env._(
                        "An entitlement starts as an application: approve it afterwards."
                    )
                )
            vals.pop("state", None)  # the default; the workflow sets the others
            if (
                vals.get("date_end")
                and vals.get("date_start")
                and fields.Date.to_date(vals["date_end"])
                < fields.Date.to_date(vals["date_start"])
            ):
                # before the INSERT, whose CHECK message an import shows untranslated
                raise ValidationError(
                    self.env._("An entitlement cannot end before it starts.")
                )
            key = (vals.get("elder_id"), vals.get("programme_id"))
            if not all(key):
                continue  # refused as a missing required value
            if key in seen or self.sudo().search_count(
                [
                    ("elder_id", "=", key[0]),
                    ("programme_id", "=", key[1]),
                    ("state", "!=", "ended"),
                ]
            ):
                raise ValidationError(
                    self.env._(
                        "%(elder)s already has an entitlement in %(programme)s.",
                        elder=self.env["care.elder"].browse(key[0]).sudo().name,
                        programme=self.env["care.voucher.programme"]
                        .browse(key[1])
                        .sudo()
                        .name,
                    )
                )
            seen.add(key)
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and {"elder_id", "programme_id"} & set(vals):
            moved = self.filtered(
                lambda e: (
                    e.state != "applied"
                    and (
                        ("elder_id" in vals and e.elder_id.id != vals["elder_id"])
                        or (
                            "programme_id" in vals
                            and e.programme_id.id != vals["programme_id"]
                        )
                    )
                )
            )
            if moved:
                raise UserError(
                    self.env._(
                        "An approved entitlement keeps its elder and programme: "
                        "end it and record a new application."
                    )
                )
        return super().write(vals)

    # ------------------------------------------------------------------
    # Import (Import button, care.import.mixin)
    # ------------------------------------------------------------------
    @api.model
    def get_import_templates(self):
        return [
            {
                "label": self.env._("Import Template for Voucher Entitlements"),
                "template": "/care_vouchers/static/xls/"
                "care_voucher_entitlement_import.xlsx",
            }
        ]

    @api.model
    def load(self, fields, data):
        # the elder column: an archive number, or an ID number for care
        # managers (see care.elder._care_import_elders_by_ref)
        return super(
            CareVoucherEntitlement, self.with_context(care_import_elder_ref=True)
        ).load(fields, data)

    @api.model
    def _care_import_check_access(self, fields):
        """Entitlements move money: finance imports them (as applications,
        which finance then approves one by one)."""
        check_finance(
            self.env, self.env._("Only finance can import voucher entitlements.")
        )

    @api.model
    def _care_import_key_of(self, values):
        key = tuple(values.get(fname) for fname in self._CARE_IMPORT_KEY_FIELDS)
        if not all(key):
            return None
        return (key[0], key[1], str(key[2]))

    @api.model
    def _care_import_find(self, keys):
        entitlements = self.sudo().search_fetch(
            [
                ("elder_id", "in", list({key[0] for key in keys})),
                ("programme_id", "in", list({key[1] for key in keys})),
                ("date_start", "in", list({key[2] for key in keys})),
            ],
            list(self._CARE_IMPORT_KEY_FIELDS),
        )
        return {
            (e.elder_id.id, e.programme_id.id, str(e.date_start)): e.id
            for e in entitlements
        }

    @api.model
    def _load_records(self, data_list, update=False, ignore_duplicates=False):
        if self.env.context.get("care_import_keyed") and len(data_list) > 1:
            keys = [self._care_import_key_of(data["values"]) for data in data_list]
            keys = [key for key in keys if key]
            if len(keys) != len(set(keys)):
                # the same entitlement on two rows (the precheck reports it at
                # its row): let load() go row by row, without reporting this
                # batch's failure at the batch's first row
                raise _ImportRowByRow()
        return super()._load_records(data_list, update, ignore_duplicates)

    @api.model
    def _care_import_precheck(self, fields, data):
        """An elder given by ID number by a user who may not search them, and
        the same elder, programme and start date on two rows."""
        messages = self.env["care.elder"]._care_import_ref_errors(fields, data)
        if not all(f in fields for f in self._CARE_IMPORT_KEY_FIELDS):
            return messages
        columns = [fields.index(f) for f in self._CARE_IMPORT_KEY_FIELDS]
        seen = set()
        for index, row in enumerate(data):
            key = tuple(
                (row[c] or "").strip().upper() if isinstance(row[c], str) else row[c]
                for c in columns
            )
            if not all(key):
                continue
            if key in seen:
                messages.append(
                    {
                        "type": "error",
                        "rows": {"from": index, "to": index},
                        "record": index,
                        "field": "elder_id",
                        "message": self.env._(
                            "%(elder)s, %(programme)s from %(date)s is on more than "
                            "one row of the file: each entitlement may appear only "
                            "once.",
                            elder=row[columns[0]],
                            programme=row[columns[1]],
                            date=row[columns[2]],
                        ),
                    }
                )
            seen.add(key)
        return messages

    # ------------------------------------------------------------------
    # Workflow (finance; the state is written by these actions only)
    # ------------------------------------------------------------------
    def _check_finance(self):
        check_finance(
            self.env, self.env._("Only finance manages voucher entitlements.")
        )
        self.check_access("write")  # and the record rules (company)

    def action_approve(self):
        self._check_finance()
        for entitlement in self:
            if entitlement.state != "applied":
                raise UserError(self.env._("Only an application can be approved."))
            if not entitlement.approval_ref:
                raise UserError(
                    self.env._(
                        "Enter the number of the approving document for %s first.",
                        entitlement.elder_id.name,
                    )
                )
            if not entitlement.programme_id._is_eligible(entitlement.elder_id):
                raise UserError(
                    self.env._(
                        "%(elder)s is not eligible for %(programme)s: neither a "
                        "subsidy category nor the ability level qualifies.",
                        elder=entitlement.elder_id.name,
                        programme=entitlement.programme_id.name,
                    )
                )
        now = fields.Datetime.now()
        for entitlement in self.sudo():
            # approving confirms the elder's categories and level of today
            entitlement.write(
                {
                    "state": "approved",
                    "approved_by_id": self.env.user.id,
                    "approved_on": now,
                    **entitlement._basis_vals(now),
                }
            )
        self.sudo()._activate_due(fields.Date.context_today(self))
        return True

    def _basis_vals(self, now):
        """The elder's categories and level of today, confirmed by the user."""
        self.ensure_one()
        return {
            "basis_category_ids": [(6, 0, self.elder_id.subsidy_category_ids.ids)],
            "basis_gbt_level": self.elder_id.gbt_level or False,
            "basis_confirmed_by_id": self.env.user.id,
            "basis_confirmed_on": now,
        }

    def _activate_due(self, day):
        due = self.filtered(lambda e: e.state == "approved" and e.date_start <= day)
        due.sudo().write({"state": "active"})
        return due

    def action_suspend(self):
        self._check_finance()
        self.sudo().filtered(lambda e: e.state == "active").write(
            {"state": "suspended"}
        )
        return True

    def action_resume(self):
        self._check_finance()
        self.sudo().filtered(lambda e: e.state == "suspended").write(
            {"state": "active"}
        )
        return True

    def action_end(self, reason=None):
        self._check_finance()
        self.sudo()._end(reason)
        return True

    def _end(self, reason=None):
        today = fields.Date.context_today(self)
        for entitlement in self.filtered(lambda e: e.state != "ended"):
            entitlement.sudo().write(
                {
                    "state": "ended",
                    "date_end": entitlement.date_end
                    if entitlement.date_end and entitlement.date_end < today
                    else max(today, entitlement.date_start),
                    "end_reason": reason
                    or entitlement.end_reason
                    or self.env._("Ended by hand"),
                }
            )
        self.sudo().activity_unlink([REVIEW_ACTIVITY])

    def _end_ineligible(self):
        """End the open entitlements whose elder died or left, or whose
        confirmed basis no longer qualifies. (A change of the elder's
        categories or level waits for finance: ``_flag_basis_review``.)"""
        states = dict(
            self.env["care.elder"]._fields["state"]._description_selection(self.env)
        )
        for entitlement in self.filtered(lambda e: e.state != "ended"):
            elder = entitlement.elder_id
            if elder.state in ENDED_ELDER_STATES:
                entitlement._end(
                    self.env._("The elder's status is now %s.", states[elder.state])
                )
            elif entitlement.state != "applied" and not entitlement.monthly_amount:
                entitlement._end(
                    self.env._(
                        "The confirmed categories or ability level no longer qualify."
                    )
                )

    # ------------------------------------------------------------------
    # Changes of the elder that move money: reviewed by finance
    # ------------------------------------------------------------------
    def _flag_basis_review(self):
        """Give finance a to-do on each entitlement whose basis changed (the
        ``basis_to_review`` filter shows them too)."""
        flagged = self.sudo().filtered("basis_to_review")
        if not flagged:
            return
        activity_type = self.env.ref(REVIEW_ACTIVITY, raise_if_not_found=False)
        if not activity_type:
            return
        finance = (
            self.env.ref(FINANCE)
            .sudo()
            .users.filtered(lambda u: u.active and not u.share)
            .sorted("id")
        )
        for entitlement in flagged:
            if entitlement.activity_ids.filtered(
                lambda a, t=activity_type: a.activity_type_id == t
            ):
                continue
            responsible = (
                entitlement.basis_confirmed_by_id | entitlement.approved_by_id
            ).filtered(lambda u: u.active and u in finance)[:1] or finance[:1]
            entitlement.activity_schedule(
                REVIEW_ACTIVITY,
                summary=self.env._(
                    "%(elder)s: the monthly amount would change from %(old)s to "
                    "%(new)s",
                    elder=entitlement.elder_id.name,
                    old=entitlement.monthly_amount,
                    new=entitlement.pending_amount,
                ),
                user_id=responsible.id or self.env.uid,
            )

    def action_confirm_basis(self):
        """Finance confirms the elder's categories and level of today as the
        basis of what is paid from the next issuance; who, when and the old
        and new amounts go to the chatter. A basis that no longer qualifies
        ends the entitlement."""
        self._check_finance()
        now = fields.Datetime.now()
        levels = dict(GBT_LEVELS)
        for entitlement in self.sudo().filtered(
            lambda e: e.state in ("approved", "active", "suspended")
        ):
            old_amount = entitlement.monthly_amount
            old_categories = entitlement.basis_category_ids
            old_level = entitlement.basis_gbt_level
            entitlement.write(entitlement._basis_vals(now))
            entitlement.invalidate_recordset(["monthly_amount", "pending_amount"])
            elder = entitlement.elder_id
            entitlement._message_log(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Basis confirmed by %(user)s: monthly amount %(old)s → %(new)s "
                    "(categories: %(old_categories)s → %(new_categories)s; ability "
                    "level: %(old_level)s → %(new_level)s).",
                    user=self.env.user.name,
                    old=old_amount,
                    new=entitlement.monthly_amount,
                    old_categories=", ".join(old_categories.mapped("name")) or "-",
                    new_categories=", ".join(elder.subsidy_category_ids.mapped("name"))
                    or "-",
                    old_level=levels.get(old_level, "-"),
                    new_level=levels.get(elder.gbt_level, "-"),
                )
            )
            if not entitlement.monthly_amount:
                entitlement._end(
                    self.env._(
                        "The elder's categories or ability level no longer qualify "
                        "(confirmed by %s).",
                        self.env.user.name,
                    )
                )
        self.sudo().activity_unlink([REVIEW_ACTIVITY])
        return True

    # ------------------------------------------------------------------
    # Ledger
    # ------------------------------------------------------------------
    def _lock(self):
        """Serialise postings on these entitlements (see the ledger)."""
        self.env["care.voucher.line"]._lock_accounts(self)
