from odoo import fields, models

from .care_provider import QUALIFICATION_KINDS

URGENCIES = [
    ("normal", "Normal"),
    ("urgent", "Urgent"),
    ("emergency", "Emergency"),
]


class CareServiceCategory(models.Model):
    """An item of the service catalogue (生活照料, 助餐, 助浴 …)."""

    _name = "care.service.category"
    _description = "Service Category"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(help="Code of the government service catalogue, if any.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", help="Empty: every service centre.")
    duration = fields.Float("Default duration (hours)", default=1.0)
    price = fields.Monetary("Standard price", currency_field="currency_id")
    currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.company.currency_id
    )
    urgency = fields.Selection(URGENCIES, "Default urgency", default="normal")
    needs_checkin = fields.Boolean(
        "Check-in and check-out", default=True, help="Required at completion."
    )
    needs_photo = fields.Boolean("Photos", help="Required at completion.")
    needs_signature = fields.Boolean(
        "Elder's or family's signature", help="Required at completion."
    )
    qualification_kind = fields.Selection(
        QUALIFICATION_KINDS,
        "Qualification needed",
        help="Besides a business licence, the provider needs a valid "
        "qualification of this kind covering the service.",
    )
    description = fields.Text(translate=True)

    _sql_constraints = [
        ("duration_positive", "CHECK(duration > 0)", "The duration must be positive."),
        ("price_positive", "CHECK(price >= 0)", "The price cannot be negative."),
    ]
