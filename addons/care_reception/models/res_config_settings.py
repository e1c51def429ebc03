from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .survey import THROTTLE_PER_ADDRESS, THROTTLE_PER_NUMBER


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
    care_previsit_max_per_address_hour = fields.Integer(
        "Per address, per hour",
        config_parameter=THROTTLE_PER_ADDRESS[0],
        default=THROTTLE_PER_ADDRESS[1],
    )
    care_previsit_max_per_number_day = fields.Integer(
        "Per phone number, per day",
        config_parameter=THROTTLE_PER_NUMBER[0],
        default=THROTTLE_PER_NUMBER[1],
    )

    @api.constrains(
        "care_cadence_high_hours",
        "care_cadence_hesitant_days",
        "care_cadence_not_now_days",
        "care_previsit_max_per_address_hour",
        "care_previsit_max_per_number_day",
    )
    def _check_care_numbers(self):
        for settings in self:
            cadences = (
                settings.care_cadence_high_hours,
                settings.care_cadence_hesitant_days,
                settings.care_cadence_not_now_days,
            )
            if any(value <= 0 for value in cadences):
                raise ValidationError(
                    self.env._("A follow-up cadence must be at least 1 hour or day.")
                )
            limits = (
                settings.care_previsit_max_per_address_hour,
                settings.care_previsit_max_per_number_day,
            )
            if any(value < 0 for value in limits):
                raise ValidationError(
                    self.env._(
                        "A questionnaire limit cannot be negative (0 means no limit)."
                    )
                )
