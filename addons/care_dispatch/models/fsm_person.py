from odoo import fields, models


class FsmPerson(models.Model):
    _inherit = "fsm.person"

    care_provider_id = fields.Many2one(
        "care.provider", "Provider", index="btree_not_null", ondelete="restrict"
    )
    care_is_volunteer = fields.Boolean("Volunteer")
