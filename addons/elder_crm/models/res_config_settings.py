from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    care_reassessment_months = fields.Integer(
        string="Reassessment Period (months)",
        config_parameter="elder_crm.reassessment_months",
        default=6,
    )
    care_reassessment_reminder_days = fields.Integer(
        string="Remind Before Lapse (days)",
        config_parameter="elder_crm.reassessment_reminder_days",
        default=14,
    )
    care_c4_cumulative_raises = fields.Boolean(
        string="C.4 Raises Add Up",
        config_parameter="elder_crm.c4_cumulative_raises",
        help="When set, a diagnosed dementia and two or more care-risk events each raise "
        "the GB/T 42195 level by one (never past completely lost). By default they "
        "raise it by one together.",
    )
