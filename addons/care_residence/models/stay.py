import calendar
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.elder_crm.models.care_elder import GBT_LEVELS

from .residence import FINANCE, MANAGER, RECEPTION, check_group

STAY_TYPES = [
    ("long", "Long-term"),
    ("trial", "Trial Stay"),
    ("respite", "Respite Stay"),
]
STAY_STATES = [
    ("reserved", "Reserved"),
    ("admitted", "Admitted"),
    ("discharged", "Discharged"),
    ("cancelled", "Cancelled"),
]
DISCHARGE_REASONS = [
    ("death", "Death"),
    ("hospital", "Hospital"),
    ("home", "Moved Home"),
    ("other_home", "Other Care Home"),
    ("end_of_stay", "End of Trial or Respite"),
]


# the product of each monthly fee line
FEE_PRODUCTS = {"bed": "product_bed", "care": "product_care", "meals": "product_meals"}


def month_bounds(day):
    """First day of ``day``'s month and first day of the next one."""
    first = day.replace(day=1)
    days = calendar.monthrange(first.year, first.month)[1]
    return first, first + timedelta(days=days)


def overlap_days(start, end, period_start, period_end):
    """Days of [start, end) in [period_start, period_end); end False: open."""
    lo = max(start, period_start)
    hi = min(end or period_end, period_end)
    return max((hi - lo).days, 0)


class CareResidenceStay(models.Model):
    _name = "care.residence.stay"
    _description = "Residence Stay"
    _inherit = ["mail.thread", "care.guard.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True
    # states, prices and the money moves: only their code paths write them
    _care_protected_fields = (
        "state",
        "date_admitted",
        "date_discharged",
        "discharge_reason",
        "care_level_id",
        "bed_price",
        "care_price",
        "meal_price",
        "deposit_amount",
        "deposit_move_id",
        "refund_move_id",
        "fee_ids",
        "line_ids",
    )

    name = fields.Char(compute="_compute_name", store=True)
    elder_id = fields.Many2one(
        "care.elder",
        "Resident",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda s: s.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    stay_type = fields.Selection(
        STAY_TYPES, "Type", required=True, default="long", tracking=True
    )
    state = fields.Selection(
        STAY_STATES, default="reserved", required=True, index=True, tracking=True
    )
    bed_id = fields.Many2one(
        "care.residence.bed",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
        help="The current bed; a transfer moves the resident to another one.",
    )
    room_id = fields.Many2one(related="bed_id.room_id", store=True)
    floor_id = fields.Many2one(related="bed_id.floor_id", store=True)
    building_id = fields.Many2one(related="bed_id.building_id", store=True)
    dementia_unit = fields.Boolean(related="bed_id.dementia_unit", store=True)
    gender = fields.Selection(related="elder_id.gender", string="Sex")
    date_start = fields.Date(
        "From",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        help="Planned admission date; once admitted, the admission date.",
    )
    date_end = fields.Date(
        "To",
        tracking=True,
        help="Planned end of a trial or respite stay; the discharge date after "
        "discharge (the first day away).",
    )
    date_admitted = fields.Date("Admitted On", readonly=True, copy=False)
    date_discharged = fields.Date("Discharged On", readonly=True, copy=False)
    discharge_reason = fields.Selection(DISCHARGE_REASONS, readonly=True, copy=False)
    discharge_note = fields.Text()
    payer_id = fields.Many2one(
        "res.partner",
        help="Who receives the fee invoices: a family member; by default the resident.",
    )
    waiting_id = fields.Many2one("care.residence.waiting", "Waiting List Entry")
    lead_id = fields.Many2one(related="waiting_id.lead_id", store=True)
    source_id = fields.Many2one(
        related="lead_id.source_id", store=True, string="Referral Source"
    )
    waiting_days = fields.Integer(
        "Days on the Waiting List",
        compute="_compute_waiting_days",
        store=True,
        aggregator="avg",
        help="From the request to the admission.",
    )
    # the price at admission (a transfer keeps the care and meal fees; the bed
    # fee follows the room of each bed line)
    care_level_id = fields.Many2one(
        "care.residence.care.level", readonly=True, copy=False
    )
    gbt_level = fields.Selection(
        related="care_level_id.gbt_level", store=True, string="Ability Level"
    )
    bed_price = fields.Monetary("Monthly Bed Fee", readonly=True, copy=False)
    care_price = fields.Monetary("Monthly Care Fee", readonly=True, copy=False)
    meal_price = fields.Monetary("Monthly Meals", readonly=True, copy=False)
    deposit_amount = fields.Monetary("Deposit", readonly=True, copy=False)
    deposit_move_id = fields.Many2one(
        "account.move", "Deposit Invoice", readonly=True, copy=False
    )
    refund_move_id = fields.Many2one(
        "account.move", "Deposit Refund", readonly=True, copy=False
    )
    line_ids = fields.One2many(
        "care.residence.stay.line", "stay_id", "Bed History", readonly=True
    )
    leave_ids = fields.One2many("care.residence.leave", "stay_id", "Hospital Leaves")
    fee_ids = fields.One2many(
        "care.residence.fee", "stay_id", "Monthly Fees", readonly=True
    )
    length_days = fields.Integer(
        "Length of Stay (days)",
        compute="_compute_length_days",
        store=True,
        aggregator="avg",
    )
    admission_count = fields.Integer(
        compute="_compute_counts", store=True, aggregator="sum"
    )

    _sql_constraints = [
        (
            "dates_order",
            "CHECK (date_end IS NULL OR date_end >= date_start)",
            "A stay cannot end before it starts.",
        ),
        (
            "elder_no_overlap",
            "EXCLUDE USING gist (elder_id WITH =, "
            "daterange(date_start, date_end, '[)') WITH &&) "
            "WHERE (state != 'cancelled')",
            "This resident already has a stay or a reservation in that period.",
        ),
    ]

    @api.depends("elder_id.name", "date_start")
    def _compute_name(self):
        for stay in self:
            stay.name = f"{stay.elder_id.name or ''} {stay.date_start or ''}".strip()

    @api.depends("date_admitted", "date_discharged")
    def _compute_length_days(self):
        for stay in self:
            if stay.date_admitted and stay.date_discharged:
                stay.length_days = (stay.date_discharged - stay.date_admitted).days
            else:
                stay.length_days = 0

    @api.depends("date_admitted", "waiting_id.date_request")
    def _compute_waiting_days(self):
        for stay in self:
            request = stay.waiting_id.date_request
            stay.waiting_days = (
                (stay.date_admitted - request).days
                if request and stay.date_admitted
                else 0
            )

    @api.depends("date_admitted")
    def _compute_counts(self):
        for stay in self:
            stay.admission_count = 1 if stay.date_admitted else 0

    # ------------------------------------------------------------------
    # checks
    # ------------------------------------------------------------------
    @api.model
    def _check_period(self, stay_type, date_from, date_to):
        if stay_type in ("trial", "respite") and not date_to:
            raise ValidationError(
                self.env._("A trial or respite stay needs an end date.")
            )
        if date_to and date_to < date_from:
            raise ValidationError(self.env._("A stay cannot end before it starts."))

    @api.constrains("stay_type", "date_end", "date_start")
    def _check_dates(self):
        for stay in self:
            stay._check_period(stay.stay_type, stay.date_start, stay.date_end)

    def _check_elder_free(self, elder, date_from, date_to):
        """Python twin of the EXCLUDE constraint, for a clear message."""
        if not elder or not date_from:
            return
        domain = [
            ("elder_id", "=", elder.id),
            ("state", "!=", "cancelled"),
            ("id", "not in", self.ids),
            "|",
            ("date_end", "=", False),
            ("date_end", ">", date_from),
        ]
        if date_to:
            domain.append(("date_start", "<", date_to))
        other = self.sudo().search(domain, limit=1)
        if other:
            raise ValidationError(
                self.env._(
                    "%(elder)s already has a stay from %(date)s: one resident, "
                    "one open stay.",
                    elder=elder.name,
                    date=other.date_start,
                )
            )

    def _check_bed_fits(self, elder, bed, date_from, date_to):
        """The bed is in service, free and of the resident's sex (shared
        rooms) for [date_from, date_to)."""
        if not bed or not elder or not date_from:
            return
        if bed._out_of_service_between(date_from, date_to):
            raise ValidationError(
                self.env._(
                    "Bed %(bed)s is out of service in that period.",
                    bed=bed.display_name,
                )
            )
        Line = self.env["care.residence.stay.line"].sudo()
        Line._check_bed_free(bed, date_from, date_to, exclude=self.line_ids)
        room = bed.room_id
        if room.room_type == "single":
            return
        gender = elder.gender
        if room.sex_restriction and gender != room.sex_restriction:
            raise ValidationError(
                self.env._(
                    "Room %(room)s is restricted (%(sex)s).",
                    room=room.display_name,
                    sex=dict(
                        room._fields["sex_restriction"]._description_selection(self.env)
                    )[room.sex_restriction],
                )
            )
        others = Line.search(
            [
                *Line._overlap_domain(date_from, date_to),
                ("bed_id.room_id", "=", room.id),
                ("stay_id", "not in", self.ids),
                ("stay_id.state", "in", ("reserved", "admitted")),
            ]
        )
        for other in others:
            if other.stay_id.elder_id.gender != gender or not gender:
                raise ValidationError(
                    self.env._(
                        "Room %(room)s is shared with a resident of the other "
                        "sex in that period (or the sex of %(elder)s is not "
                        "recorded).",
                        room=room.display_name,
                        elder=elder.name,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD: a reservation holds its bed from the planned date
    # ------------------------------------------------------------------
    def _check_new_period(self, elder, bed, stay_type, date_from, date_to):
        """All checks of a stay's period, before anything is written (the
        database constraints would otherwise answer first, less clearly)."""
        self._check_period(stay_type, date_from, date_to)
        self._check_elder_free(elder, date_from, date_to)
        self._check_bed_fits(elder, bed, date_from, date_to)

    @api.model_create_multi
    def create(self, vals_list):
        check_group(self.env, RECEPTION)
        today = fields.Date.context_today(self)
        for vals in vals_list:
            self._check_new_period(
                self.env["care.elder"].browse(vals.get("elder_id")),
                self.env["care.residence.bed"].browse(vals.get("bed_id")),
                vals.get("stay_type") or "long",
                fields.Date.to_date(vals.get("date_start")) or today,
                fields.Date.to_date(vals.get("date_end")) or False,
            )
        stays = super().create(vals_list)
        self.env["care.residence.stay.line"].sudo().create(
            [
                {
                    "stay_id": stay.id,
                    "bed_id": stay.bed_id.id,
                    "date_from": stay.date_start,
                    "date_to": stay.date_end,
                }
                for stay in stays
            ]
        )
        return stays

    def write(self, vals):
        period = {"date_start", "date_end", "stay_type"} & set(vals)
        if not self.env.su:
            if "bed_id" in vals:
                raise UserError(
                    self.env._("Use Transfer to move a resident to another bed.")
                )
            if {"elder_id", "company_id", "waiting_id"} & set(vals):
                raise UserError(
                    self.env._("A stay's resident and company cannot change.")
                )
            if "payer_id" in vals and any(stay.state != "reserved" for stay in self):
                # who receives the invoices: finance's, once the stay began
                check_group(self.env, FINANCE)
            if period:
                check_group(self.env, RECEPTION)
                if any(stay.state != "reserved" for stay in self):
                    raise UserError(
                        self.env._(
                            "Only a reservation's dates can be changed; use "
                            "Transfer, Hospital Leave or Discharge."
                        )
                    )
                for stay in self:
                    start = fields.Date.to_date(vals.get("date_start", stay.date_start))
                    end = fields.Date.to_date(vals.get("date_end", stay.date_end))
                    stay._check_new_period(
                        stay.elder_id,
                        stay.bed_id,
                        vals.get("stay_type", stay.stay_type),
                        start,
                        end or False,
                    )
        result = super().write(vals)
        if not self.env.su and period:
            for stay in self:
                stay.line_ids.sudo().write(
                    {"date_from": stay.date_start, "date_to": stay.date_end}
                )
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        if any(stay.state != "cancelled" for stay in self) and not self.env.su:
            raise UserError(self.env._("Cancel a reservation instead of deleting it."))

    # ------------------------------------------------------------------
    # transitions
    # ------------------------------------------------------------------
    def action_cancel(self):
        """Reception cancels a reservation: the bed is free again."""
        check_group(self.env, RECEPTION)
        self.check_access("write")
        for stay in self:
            if stay.state != "reserved":
                raise UserError(self.env._("Only a reservation can be cancelled."))
        self.line_ids.sudo().unlink()
        self.sudo().write({"state": "cancelled"})
        self.waiting_id.sudo().filtered(lambda w: w.state == "reserved").write(
            {"state": "waiting"}
        )
        return True

    def _care_level_for(self, elder):
        level = elder.sudo().gbt_level
        if not level:
            raise UserError(
                self.env._(
                    "%(elder)s has no confirmed GB/T 42195 assessment: the care "
                    "level and its fee come from it.",
                    elder=elder.name,
                )
            )
        care_level = (
            self.env["care.residence.care.level"]
            .sudo()
            .search(
                [("gbt_level", "=", level), ("company_id", "=", self.company_id.id)],
                limit=1,
            )
        )
        if not care_level:
            raise UserError(
                self.env._(
                    "No care fee is configured for ability level %(level)s.",
                    level=dict(GBT_LEVELS)[level],
                )
            )
        return care_level

    def action_admit(self, date=None):
        """The care manager admits a reservation: the bed is occupied, the
        fees are fixed from the price tables and the deposit is invoiced."""
        check_group(self.env, MANAGER)
        self.check_access("write")
        date = fields.Date.to_date(date) or fields.Date.context_today(self)
        for stay in self:
            if stay.state != "reserved":
                raise UserError(
                    self.env._(
                        "%(stay)s is not a reservation: it cannot be admitted.",
                        stay=stay.name,
                    )
                )
            if stay.date_end and date >= stay.date_end:
                raise UserError(
                    self.env._("The admission date must be before the stay's end.")
                )
            care_level = stay._care_level_for(stay.elder_id)
            stay._check_elder_free(stay.elder_id, date, stay.date_end)
            stay._check_bed_fits(stay.elder_id, stay.bed_id, date, stay.date_end)
            building = stay.building_id
            stay.sudo().write(
                {
                    "state": "admitted",
                    "date_start": date,
                    "date_admitted": date,
                    "care_level_id": care_level.id,
                    "bed_price": stay.room_id.monthly_price,
                    "care_price": care_level.monthly_price,
                    "meal_price": building.meal_price,
                    "deposit_amount": building.deposit_amount,
                }
            )
            stay.line_ids.sudo().write({"date_from": date})
            stay._invoice_deposit()
            stay.waiting_id.sudo().write({"state": "admitted"})
            elder = stay.elder_id.sudo()
            if elder.state == "enquiry":
                elder.action_activate()
            stay.message_post(
                body=self.env._(
                    "Admitted to bed %(bed)s.", bed=stay.bed_id.display_name
                )
            )
        return True

    def _payer(self):
        return self.payer_id or self.elder_id.partner_id

    def _product(self, xmlid):
        return self.env.ref(f"care_residence.{xmlid}")

    def _invoice_deposit(self):
        self.ensure_one()
        if not self.deposit_amount or self.deposit_move_id:
            return
        deposit_account = self.company_id._care_deposit_account()
        move = (
            self.env["account.move"]
            .sudo()
            .with_company(self.company_id)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self._payer().id,
                    "company_id": self.company_id.id,
                    "invoice_date": self.date_admitted,
                    "invoice_origin": self.name,
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {
                                "product_id": self._product("product_deposit").id,
                                # owed back at discharge: a liability, not income
                                "account_id": deposit_account.id,
                                "name": self.env._(
                                    "Deposit (押金): %(elder)s",
                                    elder=self.elder_id.name,
                                ),
                                "quantity": 1,
                                "price_unit": self.deposit_amount,
                                "tax_ids": [(6, 0, [])],
                            },
                        )
                    ],
                }
            )
        )
        move.action_post()
        self.sudo().deposit_move_id = move

    def _refund_deposit(self):
        self.ensure_one()
        deposit = self.deposit_move_id.sudo()
        if not deposit or self.refund_move_id:
            return
        refund = deposit._reverse_moves(
            [
                {
                    "invoice_date": self.date_discharged,
                    "ref": self.env._(
                        "Deposit refund: %(elder)s", elder=self.elder_id.name
                    ),
                }
            ]
        )
        refund.action_post()
        self.sudo().refund_move_id = refund

    def _open_line(self):
        self.ensure_one()
        return self.line_ids.sorted("date_from")[-1:]

    def _transfer(self, bed, date):
        """Move the resident to ``bed`` from ``date``: the current bed line
        ends, a new one begins (the history is kept)."""
        check_group(self.env, MANAGER)
        self.check_access("write")
        self.ensure_one()
        date = fields.Date.to_date(date)
        if self.state not in ("reserved", "admitted"):
            raise UserError(self.env._("Only a current stay can be transferred."))
        if bed == self.bed_id:
            raise UserError(self.env._("The resident is already in this bed."))
        current = self._open_line()
        if self.state == "reserved":
            # a reservation moves whole to the other bed
            date = current.date_from
        if date < current.date_from or (current.date_to and date >= current.date_to):
            raise UserError(
                self.env._(
                    "The transfer date must fall within the stay (from %(date)s).",
                    date=current.date_from,
                )
            )
        end = current.date_to
        self._check_bed_fits(self.elder_id, bed, date, end)
        Line = self.env["care.residence.stay.line"].sudo()
        if date == current.date_from:
            current.sudo().write({"bed_id": bed.id})
        else:
            current.sudo().write({"date_to": date})
            Line.create(
                {
                    "stay_id": self.id,
                    "bed_id": bed.id,
                    "date_from": date,
                    "date_to": end,
                }
            )
        old = self.bed_id
        self.sudo().bed_id = bed
        self.message_post(
            body=self.env._(
                "Transferred from bed %(old)s to bed %(new)s on %(date)s.",
                old=old.display_name,
                new=bed.display_name,
                date=date,
            )
        )

    def _discharge(self, date, reason, note=False):
        """The care manager discharges: the bed is free from ``date`` (the
        first day away) and the deposit is refunded by a credit note."""
        check_group(self.env, MANAGER)
        self.check_access("write")
        self.ensure_one()
        date = fields.Date.to_date(date)
        if self.state != "admitted":
            raise UserError(self.env._("Only an admitted resident can be discharged."))
        if not reason:
            raise UserError(self.env._("A discharge needs a reason."))
        if date < self.date_admitted:
            raise ValidationError(
                self.env._(
                    "A discharge cannot be before the admission (%(date)s).",
                    date=self.date_admitted,
                )
            )
        line = self._open_line()
        if date < line.date_from:
            raise ValidationError(
                self.env._(
                    "A discharge cannot be before the last transfer (%(date)s).",
                    date=line.date_from,
                )
            )
        if self.leave_ids.filtered(lambda lv: lv.date_to > date):
            raise ValidationError(
                self.env._("A hospital leave of this stay runs past the discharge.")
            )
        line.sudo().write({"date_to": date})
        self.sudo().write(
            {
                "state": "discharged",
                "date_end": date,
                "date_discharged": date,
                "discharge_reason": reason,
                "discharge_note": note,
            }
        )
        self._refund_deposit()
        elder = self.elder_id.sudo()
        if reason == "death" and elder.state not in ("deceased",):
            elder.write({"state": "deceased", "date_deceased": date})

    # ------------------------------------------------------------------
    # monthly fees
    # ------------------------------------------------------------------
    def _fee_line_vals(self, kind, days, month_days, price, bed_name=""):
        """One fee line of a month: ``kind`` (bed, care, meals) at its monthly
        ``price`` pro rata of ``days`` in ``month_days``. The residence's run
        and a stay's contract (care_residence_plans) bill the same lines."""
        labels = {
            "bed": lambda: self.env._(
                "Bed %(bed)s, %(days)s/%(month_days)s days",
                bed=bed_name,
                days=days,
                month_days=month_days,
            ),
            "care": lambda: self.env._(
                "Care (%(level)s), %(days)s/%(month_days)s days",
                level=self.care_level_id.name,
                days=days,
                month_days=month_days,
            ),
            "meals": lambda: self.env._(
                "Meals, %(days)s/%(month_days)s days",
                days=days,
                month_days=month_days,
            ),
        }
        return {
            "product_id": self._product(FEE_PRODUCTS[kind]).id,
            "name": labels[kind](),
            "quantity": 1,
            "price_unit": self.currency_id.round(price * days / month_days),
            "tax_ids": [(6, 0, [])],
        }

    def _leave_days(self, start, end):
        """Days of hospital leave in [start, end)."""
        return sum(
            overlap_days(lv.date_from, lv.date_to, start, end) for lv in self.leave_ids
        )

    def _fee_lines(self, month_start):
        """The invoice lines of the stay's month: one bed line per bed line of
        the stay (pro rata of the days in that bed), care and meals pro rata of
        the days present (meals not during hospital leave)."""
        self.ensure_one()
        start, end = month_bounds(month_start)
        month_days = (end - start).days
        lines = []
        present = 0
        for line in self.line_ids.sorted("date_from"):
            days = overlap_days(line.date_from, line.date_to, start, end)
            if not days:
                continue
            present += days
            lines.append(
                self._fee_line_vals(
                    "bed",
                    days,
                    month_days,
                    line.bed_id.room_id.monthly_price,
                    line.bed_id.display_name,
                )
            )
        if not present:
            return []
        lines.append(self._fee_line_vals("care", present, month_days, self.care_price))
        meal_days = max(present - self._leave_days(start, end), 0)
        if meal_days and self.meal_price:
            lines.append(
                self._fee_line_vals("meals", meal_days, month_days, self.meal_price)
            )
        return lines

    @api.model
    def _invoice_month(self, month_start, stays=None):
        """One customer invoice per stay and month (not twice)."""
        start, end = month_bounds(fields.Date.to_date(month_start))
        domain = [
            ("state", "in", ("admitted", "discharged")),
            ("date_start", "<", end),
            "|",
            ("date_end", "=", False),
            ("date_end", ">", start),
        ]
        if stays is not None:
            domain.append(("id", "in", stays.ids))
        candidates = self.sudo().search(domain)
        done = (
            self.env["care.residence.fee"]
            .sudo()
            .search([("stay_id", "in", candidates.ids), ("month", "=", start)])
        )
        fees = self.env["care.residence.fee"].sudo()
        for stay in candidates - done.stay_id:
            lines = stay._fee_lines(start)
            if not lines:
                continue
            payer, *others = stay._fee_invoices(start, lines)
            parts = [payer, *(part for part in others if part[1])]
            moves = (
                self.env["account.move"]
                .sudo()
                .with_company(stay.company_id)
                .create(
                    [
                        {
                            "move_type": "out_invoice",
                            "partner_id": partner.id,
                            "company_id": stay.company_id.id,
                            "invoice_date": end - timedelta(days=1),
                            "invoice_origin": stay.name,
                            "invoice_line_ids": [(0, 0, vals) for vals in part],
                        }
                        for partner, part in parts
                    ]
                )
            )
            moves.action_post()
            fees |= fees.create(
                {
                    "stay_id": stay.id,
                    "month": start,
                    "move_id": moves[0].id,
                    "share_move_ids": [(6, 0, moves[1:].ids)],
                }
            )
        return fees

    def _fee_invoices(self, month_start, lines):
        """The month's invoices of the stay as [(partner, invoice lines)]: the
        payer's first (always made, for a zero total when others pay it all).
        Here all to the payer; care_residence_vouchers splits off the
        programmes' shares."""
        self.ensure_one()
        return [(self._payer(), lines)]

    def _care_invoice_month(self, month_start=None):
        """Finance invoices a month for these stays (default: last month);
        returns the new fee records."""
        check_group(self.env, FINANCE)
        self.check_access("read")
        month_start = fields.Date.to_date(month_start) or (
            fields.Date.context_today(self).replace(day=1) - timedelta(days=1)
        )
        return self._invoice_month(month_start, stays=self)

    def action_invoice_month(self, month_start=None):
        """Finance invoices a month for these stays: the new invoices."""
        fees = self._care_invoice_month(month_start)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Invoices"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", fees.move_id.ids)],
        }

    @api.model
    def _cron_monthly_fees(self):
        """On the first days of a month, invoice the month before."""
        last_month = fields.Date.context_today(self).replace(day=1) - timedelta(days=1)
        self._invoice_month(last_month)

    # ------------------------------------------------------------------
    # forecast
    # ------------------------------------------------------------------
    @api.model
    def _forecast(self, company, today, horizons=(30, 60, 90)):
        """Beds expected taken and free in each horizon: the occupied beds,
        less planned discharges (end dates), plus reservations starting, and
        the waiting list's entries expected by then."""
        Bed = self.env["care.residence.bed"].sudo()
        beds = Bed.search_count([("company_id", "=", company.id)])
        Stay = self.sudo()
        admitted = Stay.search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "admitted"),
                ("date_start", "<=", today),
            ]
        )
        out = Bed.search(
            [("company_id", "=", company.id), ("out_of_service", "=", True)]
        )
        result = []
        for days in horizons:
            horizon = today + timedelta(days=days)
            leaving = len(
                admitted.filtered(lambda s, h=horizon: s.date_end and s.date_end <= h)
            )
            arriving = Stay.search_count(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "reserved"),
                    ("date_start", "<=", horizon),
                    "|",
                    ("date_end", "=", False),
                    ("date_end", ">", horizon),
                ]
            )
            waiting = (
                self.env["care.residence.waiting"]
                .sudo()
                .search_count(
                    [
                        ("company_id", "=", company.id),
                        ("state", "=", "waiting"),
                        ("expected_date", "<=", horizon),
                    ]
                )
            )
            closed = len(
                out.filtered(
                    lambda b, h=horizon: (
                        b.state != "occupied"
                        and b._out_of_service_between(h, h + timedelta(days=1))
                    )
                )
            )
            taken = len(admitted) - leaving + arriving
            free = beds - closed - taken
            result.append(
                {
                    "days": days,
                    "beds": beds,
                    "out_of_service": closed,
                    "occupied_now": len(admitted),
                    "leaving": leaving,
                    "arriving": arriving,
                    "taken": taken,
                    "free": free,
                    "waiting": waiting,
                    "free_after_list": free - waiting,
                    "rate": round(100.0 * taken / beds, 1) if beds else 0.0,
                }
            )
        return result


class CareResidenceStayLine(models.Model):
    """A stay's time in one bed: [date_from, date_to) (date_to open while
    the stay goes on). One bed, one occupant: an EXCLUDE constraint."""

    _name = "care.residence.stay.line"
    _description = "Bed History Line"
    _order = "date_from, id"

    stay_id = fields.Many2one(
        "care.residence.stay", required=True, ondelete="cascade", index=True
    )
    bed_id = fields.Many2one(
        "care.residence.bed", required=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one(related="stay_id.company_id", store=True)
    elder_id = fields.Many2one(related="stay_id.elder_id", store=True)
    stay_state = fields.Selection(related="stay_id.state", store=True)
    date_from = fields.Date(required=True)
    date_to = fields.Date(help="First day out of this bed (empty: still there).")

    _sql_constraints = [
        (
            "dates_order",
            "CHECK (date_to IS NULL OR date_to >= date_from)",
            "A bed line cannot end before it starts.",
        ),
        (
            "bed_no_overlap",
            "EXCLUDE USING gist (bed_id WITH =, "
            "daterange(date_from, date_to, '[)') WITH &&)",
            "This bed is already taken or reserved in that period: one bed, one "
            "occupant.",
        ),
    ]

    @api.model
    def _overlap_domain(self, date_from, date_to):
        domain = ["|", ("date_to", "=", False), ("date_to", ">", date_from)]
        if date_to:
            domain = [("date_from", "<", date_to), *domain]
        return domain

    @api.model
    def _check_bed_free(self, bed, date_from, date_to, exclude=None):
        # lock the bed's row: two receptionists reserving one bed at once
        # queue here (the EXCLUDE constraint is the last word either way)
        self.env.cr.execute(
            SQL("SELECT id FROM care_residence_bed WHERE id = %s FOR UPDATE", bed.id)
        )
        other = self.search(
            [
                ("bed_id", "=", bed.id),
                ("id", "not in", (exclude or self).ids),
                *self._overlap_domain(date_from, date_to),
            ],
            limit=1,
        )
        if other:
            raise ValidationError(
                self.env._(
                    "Bed %(bed)s is already taken or reserved from %(date)s: one "
                    "bed, one occupant.",
                    bed=bed.display_name,
                    date=other.date_from,
                )
            )


class CareResidenceLeave(models.Model):
    """Hospital leave: the bed is held (still occupied), meals are not
    charged for its days."""

    _name = "care.residence.leave"
    _description = "Hospital Leave"
    _order = "date_from desc"

    stay_id = fields.Many2one(
        "care.residence.stay", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="stay_id.company_id", store=True)
    date_from = fields.Date("Leave From", required=True)
    date_to = fields.Date("Back On", required=True, help="First day back.")
    reason = fields.Char()

    @api.constrains("date_from", "date_to", "stay_id")
    def _check_dates(self):
        for leave in self:
            stay = leave.stay_id
            if leave.date_to <= leave.date_from:
                raise ValidationError(
                    self.env._("A hospital leave ends after it starts.")
                )
            if (
                stay.state != "admitted"
                or leave.date_from < stay.date_admitted
                or (stay.date_end and leave.date_to > stay.date_end)
            ):
                raise ValidationError(
                    self.env._("A hospital leave falls within an admitted stay.")
                )
            if stay.leave_ids.filtered(
                lambda lv, lf=leave: (
                    lv != lf and lv.date_from < lf.date_to and lv.date_to > lf.date_from
                )
            ):
                raise ValidationError(
                    self.env._("Hospital leaves of one stay cannot overlap.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        check_group(self.env, MANAGER)
        return super().create(vals_list)

    def write(self, vals):
        check_group(self.env, MANAGER)
        return super().write(vals)


class CareResidenceFee(models.Model):
    """A stay's invoiced month: the guard against invoicing it twice."""

    _name = "care.residence.fee"
    _description = "Monthly Residence Fee"
    _order = "month desc"

    stay_id = fields.Many2one(
        "care.residence.stay", required=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one(related="stay_id.company_id", store=True)
    month = fields.Date(required=True)
    move_id = fields.Many2one("account.move", "Invoice", required=True)
    share_move_ids = fields.Many2many(
        "account.move",
        "care_residence_fee_share_move_rel",
        "fee_id",
        "move_id",
        "Share Invoices",
        help="The month's invoices to others who pay a share of it, e.g. a "
        "voucher programme's funding body.",
    )
    currency_id = fields.Many2one(related="move_id.currency_id")
    amount = fields.Monetary(related="move_id.amount_total", string="Amount")

    _sql_constraints = [
        (
            "stay_month_uniq",
            "UNIQUE (stay_id, month)",
            "This stay's month is already invoiced.",
        ),
    ]
