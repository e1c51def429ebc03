from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools import uscc

COORDINATOR = "care_dispatch.group_care_provider_coordinator"

PROVIDER_STATES = [
    ("application", "Application"),
    ("approved", "Approved"),
    ("suspended", "Suspended"),
    ("terminated", "Terminated"),
]
QUALIFICATION_KINDS = [
    ("business_licence", "Business licence"),
    ("service_licence", "Elder-care service licence"),
    ("medical_licence", "Medical / nursing licence"),
    ("food_licence", "Food business licence"),
    ("insurance", "Liability insurance"),
    ("other", "Other certificate"),
]


class CareProvider(models.Model):
    """A franchised service company (加盟服务企业) and its standing."""

    _name = "care.provider"
    _description = "Service Provider"
    _inherits = {"res.partner": "partner_id"}
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "care.guard.mixin",
        "care.import.mixin",
    ]
    _order = "rating desc, id"
    # the import matches providers by their unified social credit code, their
    # qualifications by kind and certificate number (see care.import.mixin)
    _care_import_key = "vat"
    _care_import_line_fields = ("qualification_ids",)
    # the standing (set by the workflow's actions, which check the licence)
    # and the rating (the callbacks' average) are not typed in
    _care_protected_fields = ("state", "approved_on", "rating")

    partner_id = fields.Many2one(
        "res.partner", required=True, ondelete="restrict", index=True
    )
    state = fields.Selection(
        PROVIDER_STATES,
        "Status",
        default="application",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    approved_on = fields.Date(readonly=True, copy=False)
    state_reason = fields.Char("Reason", tracking=True)
    category_ids = fields.Many2many(
        "care.service.category", string="Services", required=True
    )
    territory_ids = fields.Many2many(
        "res.territory", string="Territories covered", required=True
    )
    capacity = fields.Integer(
        default=20, help="Open orders the provider can take at once."
    )
    rating = fields.Float(
        digits=(2, 1),
        readonly=True,
        help="Average callback satisfaction (1–5); new providers count as 3.",
    )
    qualification_ids = fields.One2many(
        "care.provider.qualification", "provider_id", "Qualifications"
    )
    price_ids = fields.One2many("care.provider.price", "provider_id", "Contract prices")
    person_ids = fields.One2many("fsm.person", "care_provider_id", "Workers")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    open_order_count = fields.Integer(
        "Open orders", compute="_compute_open_order_count"
    )

    _sql_constraints = [
        (
            "capacity_positive",
            "CHECK(capacity >= 0)",
            "The capacity cannot be negative.",
        ),
        ("rating_range", "CHECK(rating >= 0 AND rating <= 5)", "A rating is 1 to 5."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        Elder = self.env["care.elder"]
        for vals in vals_list:
            vals.setdefault("is_company", True)
            Elder._format_phone_vals(vals)
            self._normalize_vat_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        vals = self.env["care.elder"]._format_phone_vals(dict(vals))
        self._normalize_vat_vals(vals)
        return super().write(vals)

    @api.model
    def _normalize_vat_vals(self, vals):
        """The unified social credit code, checked and in capitals."""
        if not vals.get("vat"):
            return vals
        code = uscc.normalize(vals["vat"])
        if not code:
            raise ValidationError(
                self.env._(
                    "%(code)s is not a valid unified social credit code: it has 18 "
                    "characters and its last one is a check character. Please check "
                    "the code for a typing error.",
                    code=vals["vat"],
                )
            )
        vals["vat"] = code
        return vals

    # ------------------------------------------------------------------
    # Import (Import button, care.import.mixin)
    # ------------------------------------------------------------------
    @api.model
    def get_import_templates(self):
        return [
            {
                "label": self.env._("Import Template for Providers"),
                "template": "/care_dispatch/static/xls/care_provider_import.xlsx",
            }
        ]

    @api.model
    def _care_import_prepare(self, values):
        self.env["care.elder"]._format_phone_vals(values)
        return self._normalize_vat_vals(values)

    @api.model
    def _care_import_normalize_key(self, value):
        return uscc.normalize(value) if isinstance(value, str) else None

    @api.model
    def _care_import_line_key(self, fname, vals):
        if not vals.get("name"):
            return None
        return (vals.get("kind") or "business_licence", vals["name"].strip())

    def _care_import_existing_line_key(self, fname, line):
        return (line.kind, (line.name or "").strip()) if line.name else None

    def _care_check_coordinator(self):
        if not self.env.su and not self.env.user.has_group(COORDINATOR):
            raise AccessError(
                self.env._(
                    "Only a provider coordinator may change a provider's status."
                )
            )
        self.check_access("write")

    def _compute_open_order_count(self):
        load = self._open_loads()
        for provider in self:
            provider.open_order_count = load.get(provider.id, 0)

    def _open_loads(self):
        """{provider id: open orders}, in one query."""
        if not self.ids:
            return {}
        groups = (
            self.env["fsm.order"]
            .sudo()
            ._read_group(
                [("care_provider_id", "in", self.ids), ("is_closed", "=", False)],
                ["care_provider_id"],
                ["__count"],
            )
        )
        return {provider.id: count for provider, count in groups}

    def _care_update_rating(self):
        """The rating is the average satisfaction of the provider's callbacks."""
        if not self:
            return
        self.env["care.callback"].flush_model(["rating", "provider_id"])
        groups = (
            self.env["care.callback"]
            .sudo()
            ._read_group(
                [("provider_id", "in", self.ids)], ["provider_id"], ["rating:avg"]
            )
        )
        averages = {provider.id: average for provider, average in groups}
        for provider in self.sudo():
            provider.rating = averages.get(provider.id, 0.0)

    # ------------------------------------------------------------------
    # Workflow: application → approved → suspended / terminated
    # ------------------------------------------------------------------
    def action_approve(self):
        self._care_check_coordinator()
        for provider in self:
            if not provider._valid_qualifications(kinds=["business_licence"]):
                raise UserError(
                    self.env._(
                        "%(provider)s cannot be approved without a valid business "
                        "licence: add it on the Qualifications tab.",
                        provider=provider.name,
                    )
                )
        self.sudo().write(
            {
                "state": "approved",
                "approved_on": fields.Date.today(),
                "state_reason": False,
            }
        )
        return True

    def action_suspend(self):
        self._care_check_coordinator()
        for provider in self:
            if not provider.state_reason:
                raise UserError(
                    self.env._(
                        "Give the reason for suspending %s first.", provider.name
                    )
                )
        self.sudo().write({"state": "suspended"})
        return True

    def action_terminate(self):
        self._care_check_coordinator()
        self.sudo().write({"state": "terminated"})
        return True

    def action_reapply(self):
        self._care_check_coordinator()
        self.sudo().write({"state": "application"})
        return True

    # ------------------------------------------------------------------
    # Qualifications
    # ------------------------------------------------------------------
    def _valid_qualifications(self, when=None, kinds=None, category=None):
        self.ensure_one()
        when = when or fields.Date.context_today(self)
        return self.qualification_ids.filtered(
            lambda q: (
                q.date_expiry >= when
                and (not q.date_start or q.date_start <= when)
                and (not kinds or q.kind in kinds)
                and (not category or not q.category_ids or category in q.category_ids)
            )
        )

    def _dispatch_problem(self, category, when=None):
        """Why the provider cannot take an order of ``category`` (or False)."""
        self.ensure_one()
        when = when or fields.Date.context_today(self)
        if self.state != "approved":
            state = dict(self._fields["state"]._description_selection(self.env))
            return self.env._(
                "%(provider)s is not approved (%(state)s).",
                provider=self.name,
                state=state[self.state],
            )
        if category not in self.category_ids:
            return self.env._(
                "%(provider)s does not provide %(service)s.",
                provider=self.name,
                service=category.name,
            )
        if not self._valid_qualifications(when, kinds=["business_licence"]):
            return self.env._(
                "%(provider)s has no valid business licence on %(date)s.",
                provider=self.name,
                date=fields.Date.to_string(when),
            )
        if category.qualification_kind and not self._valid_qualifications(
            when, kinds=[category.qualification_kind], category=category
        ):
            kind = dict(
                self.env["care.provider.qualification"]
                ._fields["kind"]
                ._description_selection(self.env)
            )
            return self.env._(
                "%(provider)s's %(licence)s for %(service)s has lapsed or is missing "
                "on %(date)s.",
                provider=self.name,
                licence=kind[category.qualification_kind],
                service=category.name,
                date=fields.Date.to_string(when),
            )
        return False

    # ------------------------------------------------------------------
    # Proposal
    # ------------------------------------------------------------------
    def _price_for(self, category):
        self.ensure_one()
        line = self.price_ids.filtered(lambda p: p.category_id == category)[:1]
        return line.price if line else category.price

    @api.model
    def _rank_for(self, category, territory, when, company, limit=5):
        """The providers that may take an order, best first.

        Eligible: approved, serving the category, covering the territory (any
        territory when the order has none), with valid qualifications on the
        date. Score (higher is better): rating (new providers count as 3),
        minus the share of capacity already in use, minus the price against
        the category's standard price. Returns dicts for the dispatcher.
        """
        domain = [
            ("state", "=", "approved"),
            ("category_ids", "in", category.ids),
            ("company_id", "=", company.id),
        ]
        if territory:
            domain.append(("territory_ids", "in", territory.ids))
        candidates = self.search(domain)
        loads = candidates._open_loads()
        standard = category.price or 1.0
        ranked = []
        for provider in candidates:
            if provider._dispatch_problem(category, when):
                continue
            load = loads.get(provider.id, 0)
            capacity = provider.capacity or 1
            price = provider._price_for(category)
            rating = provider.rating or 3.0
            score = rating - 2.0 * min(load / capacity, 1.5) - (price / standard - 1.0)
            ranked.append(
                {
                    "provider_id": provider.id,
                    "name": provider.name,
                    "rating": rating,
                    "open_orders": load,
                    "capacity": provider.capacity,
                    "price": price,
                    "full": load >= provider.capacity,
                    "score": round(score, 3),
                }
            )
        ranked.sort(key=lambda r: (r["full"], -r["score"], r["price"]))
        return ranked[:limit]


class CareProviderQualification(models.Model):
    _name = "care.provider.qualification"
    _description = "Provider Qualification"
    _order = "date_expiry"

    @api.model
    def _care_import_prepare(self, values):
        return values

    provider_id = fields.Many2one(
        "care.provider", required=True, ondelete="cascade", index=True
    )
    kind = fields.Selection(
        QUALIFICATION_KINDS, required=True, default="business_licence"
    )
    name = fields.Char("Certificate number")
    category_ids = fields.Many2many(
        "care.service.category",
        string="Services covered",
        help="Empty: the qualification covers all the provider's services.",
    )
    date_start = fields.Date("Valid from")
    date_expiry = fields.Date("Valid until", required=True)
    attachment_id = fields.Many2one("ir.attachment", "Scan")
    company_id = fields.Many2one(related="provider_id.company_id", store=True)
    is_valid = fields.Boolean(compute="_compute_is_valid")

    @api.depends("date_start", "date_expiry")
    def _compute_is_valid(self):
        today = fields.Date.context_today(self)
        for qualification in self:
            qualification.is_valid = qualification.date_expiry >= today and (
                not qualification.date_start or qualification.date_start <= today
            )

    @api.constrains("date_start", "date_expiry")
    def _check_dates(self):
        for qualification in self:
            if (
                qualification.date_start
                and qualification.date_start > qualification.date_expiry
            ):
                raise ValidationError(
                    self.env._("A qualification cannot expire before it starts.")
                )


class CareProviderPrice(models.Model):
    _name = "care.provider.price"
    _description = "Provider Contract Price"

    provider_id = fields.Many2one(
        "care.provider", required=True, ondelete="cascade", index=True
    )
    category_id = fields.Many2one("care.service.category", required=True)
    price = fields.Monetary(required=True, currency_field="currency_id")
    currency_id = fields.Many2one(related="category_id.currency_id")
    company_id = fields.Many2one(related="provider_id.company_id", store=True)

    _sql_constraints = [
        (
            "one_price",
            "UNIQUE(provider_id, category_id)",
            "A provider has one contract price per service.",
        ),
        ("price_positive", "CHECK(price >= 0)", "A price cannot be negative."),
    ]
