from odoo import fields, models


class CrmTag(models.Model):
    _inherit = "crm.tag"

    care_sensitive = fields.Boolean(
        "Health tag",
        help="Says something about an elder's health (e.g. dementia care): "
        "only staff allowed to read health notes see it on leads and in "
        "lists; for everybody else the lead simply does not carry it.",
    )
