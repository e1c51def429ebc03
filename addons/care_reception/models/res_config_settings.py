from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    care_cadence_high_hours = fields.Integer(
        "High intent: next follow-up within (h)",
        config_parameter="care_reception.cadence_high_hours",
        default=24,
    )
    care_cadence_hesitant_days = fields.Integer(
        "Hesitant: follow up every (days)",
        config_parameter="care_reception.cadence_hesitant_days",
        default=7,
    )
    care_cadence_not_now_days = fields.Integer(
        "Not now: follow up every (days)",
        config_parameter="care_reception.cadence_not_now_days",
        default=90,
    )
