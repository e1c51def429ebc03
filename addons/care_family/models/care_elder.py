from odoo import fields, models


class CareElder(models.Model):
    _inherit = "care.elder"

    care_family_access_ids = fields.One2many(
        "care.family.access",
        "elder_id",
        "Family portal access",
        groups="elder_crm.group_care_manager",
    )


class CareElderContact(models.Model):
    _inherit = "care.elder.contact"

    care_family_access_ids = fields.One2many(
        "care.family.access",
        "contact_id",
        "Family portal access",
        groups="elder_crm.group_care_manager",
    )
