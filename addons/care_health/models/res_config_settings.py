from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    care_health_intervention_hours = fields.Integer(
        string="Intervention Deadline (hours)",
        config_parameter="care_health.intervention_hours",
        default=48,
    )
