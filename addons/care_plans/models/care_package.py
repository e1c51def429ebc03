from odoo import fields, models


class CarePackage(models.Model):
    _inherit = "care.package"

    care_plan_id = fields.Many2one(
        "care.plan",
        "Plan sold",
        help="The monthly plan signed when a family chooses this package.",
    )
