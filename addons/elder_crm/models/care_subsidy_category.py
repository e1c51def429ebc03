from odoo import fields, models


class CareSubsidyCategory(models.Model):
    """Eligibility categories (享受类别) such as 特困, 低保, 高龄; editable data."""

    _name = "care.subsidy.category"
    _description = "Subsidy Category"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True, help="Stable code used by programmes and imports."
    )
    sequence = fields.Integer(default=10)
    color = fields.Integer()
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "code_unique",
            "unique(code)",
            "A subsidy category with this code already exists.",
        ),
    ]
