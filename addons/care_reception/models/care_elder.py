from odoo import fields, models


class CareElder(models.Model):
    _inherit = "care.elder"

    care_satisfaction_score = fields.Float(
        "Family satisfaction (%)",
        readonly=True,
        aggregator="avg",
        help="Score of the family's satisfaction survey a week after signing.",
    )
