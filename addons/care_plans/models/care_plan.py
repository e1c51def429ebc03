from odoo import api, fields, models
from odoo.exceptions import AccessError

FINANCE = "elder_crm.group_care_finance"
RECEPTION = "elder_crm.group_care_reception"
MANAGER = "elder_crm.group_care_manager"

PLAN_TIERS = [("free", "Free"), ("basic", "Basic"), ("vip", "VIP")]
# the elder's service tier (elder_crm) that follows the plan signed
ELDER_TIER = {"free": "free", "basic": "paid", "vip": "vip"}


def check_group(env, group, message):
    """Refuse unless the real user (not a context key) is in ``group``."""
    if not env.su and not env.user.has_group(group):
        raise AccessError(message)


class CarePlan(models.Model):
    """A monthly service plan sold to elders: a service product with a fee,
    the services it includes each month (a quota per service category), the
    call centre and a device, and the price of services beyond the quota."""

    _name = "care.plan"
    _description = "Service Plan"
    _inherit = ["mail.thread", "care.guard.mixin"]
    _care_protected_fields = ("product_id",)
    _order = "sequence, monthly_fee, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    tier = fields.Selection(PLAN_TIERS, required=True, default="basic", tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    monthly_fee = fields.Monetary(required=True, tracking=True)
    product_id = fields.Many2one(
        "product.product",
        readonly=True,
        copy=False,
        ondelete="restrict",
        help="The service product invoiced each month (created with the plan).",
    )
    line_ids = fields.One2many("care.plan.line", "plan_id", "Included services")
    includes_call_centre = fields.Boolean("Call centre", default=True)
    includes_device = fields.Boolean("Device")
    carry_over = fields.Boolean(
        "Unused quota carries over",
        help="What is left of a month's quota is added to the next month's "
        "(one month only).",
    )
    description = fields.Html(translate=True)
    package_ids = fields.One2many("care.package", "care_plan_id", "Care packages")

    _sql_constraints = [
        ("fee_positive", "CHECK(monthly_fee >= 0)", "A monthly fee cannot be negative.")
    ]

    @api.model_create_multi
    def create(self, vals_list):
        plans = super().create(vals_list)
        Product = self.env["product.product"].sudo()
        for plan in plans:
            plan.sudo().product_id = Product.create(plan._care_product_vals())
        return plans

    def write(self, vals):
        result = super().write(vals)
        if {"name", "monthly_fee", "active"} & set(vals):
            for plan in self.filtered("product_id"):
                plan.product_id.sudo().write(
                    {
                        "name": plan.name,
                        "list_price": plan.monthly_fee,
                        "active": plan.active,
                    }
                )
        return result

    def _care_product_vals(self):
        self.ensure_one()
        return {
            "name": self.name,
            "type": "service",
            "list_price": self.monthly_fee,
            "sale_ok": True,
            "purchase_ok": False,
            "company_id": False,
            "categ_id": self.env.ref("care_plans.product_category_plans").id,
            "taxes_id": [(5, 0, 0)],
        }

    def _care_quota_of(self, category):
        """The monthly quota of a service category in this plan (0: not
        included)."""
        self.ensure_one()
        line = self.line_ids.filtered(lambda line: line.category_id == category)
        return line[:1].quota


class CarePlanLine(models.Model):
    """A service included in a plan: how many a month, and the price of one
    beyond the quota (the catalogue's when 0)."""

    _name = "care.plan.line"
    _description = "Service included in a plan"
    _order = "plan_id, sequence, id"

    plan_id = fields.Many2one("care.plan", required=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    category_id = fields.Many2one(
        "care.service.category", "Service", required=True, ondelete="restrict"
    )
    quota = fields.Integer("Per month", required=True, default=1)
    price_beyond = fields.Monetary(
        "Price beyond the quota",
        currency_field="currency_id",
        help="What one service beyond the quota costs; 0: the catalogue price.",
    )
    currency_id = fields.Many2one(related="plan_id.currency_id")

    _sql_constraints = [
        ("quota_positive", "CHECK(quota >= 0)", "A quota cannot be negative."),
        (
            "price_beyond_positive",
            "CHECK(price_beyond >= 0)",
            "A price beyond the quota cannot be negative.",
        ),
        (
            "category_unique",
            "unique(plan_id, category_id)",
            "A service appears once in a plan.",
        ),
    ]

    def _care_price_beyond(self):
        self.ensure_one()
        return self.price_beyond or self.category_id.price
