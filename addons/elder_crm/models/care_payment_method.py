from odoo import fields, models


class CarePaymentMethod(models.Model):
    """Medical payment methods (医疗费用支付方式, GB/T 42195 Annex A)."""

    _name = "care.payment.method"
    _description = "Medical Payment Method"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "code_unique",
            "unique(code)",
            "A payment method with this code already exists.",
        ),
    ]
