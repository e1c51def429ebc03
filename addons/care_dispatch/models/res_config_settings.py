from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    care_dispatch_lead_user_id = fields.Many2one(
        "res.users",
        "Dispatch lead",
        config_parameter="care_dispatch.lead_user_id",
        domain=[("share", "=", False)],
        help="Gets the emergency calls and the urgent orders not accepted in time.",
    )
    care_escalate_minutes = fields.Integer(
        "Escalate unaccepted urgent orders after (min)",
        config_parameter="care_dispatch.escalate_minutes",
        default=30,
    )
    care_callback_hours = fields.Integer(
        "Call back within (h)",
        config_parameter="care_dispatch.callback_hours",
        default=24,
    )
    care_callback_share = fields.Integer(
        "Share of orders called back (%)",
        config_parameter="care_dispatch.callback_share",
        default=100,
    )
    care_review_min_rating = fields.Float(
        "Review below a rating of",
        config_parameter="care_dispatch.review_min_rating",
        default=3.0,
    )
    care_review_min_on_time = fields.Float(
        "Review below on-time starts of (%)",
        config_parameter="care_dispatch.review_min_on_time",
        default=80.0,
    )
    care_review_min_evv = fields.Float(
        "Review below verified visits of (%)",
        config_parameter="care_dispatch.review_min_evv",
        default=95.0,
    )
    care_evv_radius_m = fields.Integer(
        "Check-in radius around the home (m)",
        config_parameter="care_dispatch.evv_radius_m",
        default=100,
    )
    care_evv_window_minutes = fields.Integer(
        "Check-in window around the planned start (± min)",
        config_parameter="care_dispatch.evv_window_minutes",
        default=15,
    )
    care_review_max_complaints = fields.Float(
        "Review above complaints of (%)",
        config_parameter="care_dispatch.review_max_complaints",
        default=20.0,
    )
    care_visit_days_high = fields.Integer(
        "High risk: visit every (days)",
        config_parameter="care_dispatch.visit_days_high",
        default=7,
    )
    care_visit_days_priority = fields.Integer(
        "Priority: visit every (days)",
        config_parameter="care_dispatch.visit_days_priority",
        default=30,
    )
    care_visit_days_general = fields.Integer(
        "General: visit every (days)",
        config_parameter="care_dispatch.visit_days_general",
        default=90,
    )

    @api.constrains("care_callback_share")
    def _check_care_callback_share(self):
        for settings in self:
            if not 0 <= settings.care_callback_share <= 100:
                raise ValidationError(
                    self.env._("The share of orders called back is 0 to 100 %.")
                )

    @api.constrains("care_evv_radius_m", "care_evv_window_minutes")
    def _check_care_evv(self):
        for settings in self:
            if not 10 <= settings.care_evv_radius_m <= 5000:
                raise ValidationError(
                    self.env._("The check-in radius is 10 to 5,000 metres.")
                )
            if not 1 <= settings.care_evv_window_minutes <= 240:
                raise ValidationError(
                    self.env._("The check-in window is 1 to 240 minutes.")
                )
