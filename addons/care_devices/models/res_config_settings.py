from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    care_ack_escalation_seconds = fields.Integer(
        "Escalate unacknowledged alarms after (s)",
        config_parameter="care_devices.ack_escalation_seconds",
        default=60,
    )
    care_merge_window_minutes = fields.Integer(
        "Join repeated alarms within (min)",
        config_parameter="care_devices.merge_window_minutes",
        default=10,
    )
    care_cancel_window_seconds = fields.Integer(
        "Wearer may cancel an alarm within (s)",
        config_parameter="care_devices.cancel_window_seconds",
        default=30,
    )
    care_low_battery_threshold = fields.Integer(
        "Low battery below (%)",
        config_parameter="care_devices.low_battery_threshold",
        default=20,
    )
