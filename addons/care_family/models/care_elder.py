from odoo import fields, models


class CareElder(models.Model):
    _inherit = "care.elder"

    care_agreement_ids = fields.Many2many(
        "ir.attachment",
        "care_elder_agreement_attachment_rel",
        "elder_id",
        "attachment_id",
        string="Signed agreements",
        groups="elder_crm.group_care_manager",
        help="The signed agreements (service agreement, consents) the family "
        "may download on the portal (PDF or image). Only these: never the "
        "elder's other documents.",
    )

    def _sees_full_id_numbers(self):
        # the family's copy of a document is rendered as the system with this
        # key: the number stays masked (a key that can only hide, so a client
        # sending it gains nothing)
        if self.env.context.get("care_mask_id_numbers"):
            return False
        return super()._sees_full_id_numbers()

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
