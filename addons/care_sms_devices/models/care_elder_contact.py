from odoo import fields, models


class CareElderContact(models.Model):
    _inherit = "care.elder.contact"

    care_sms_alarm = fields.Boolean(
        "Alarm texts",
        help="This emergency contact agreed to receive a text when an SOS or "
        "fall alarm of the elder opens, and its outcome.",
    )
