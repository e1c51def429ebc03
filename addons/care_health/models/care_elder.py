from odoo import fields, models

from odoo.addons.elder_crm.models.care_elder import MEDICAL_GROUPS, SAFETY_GROUPS

HEALTH_GROUPS = "care_health.group_health_member"


class CareElder(models.Model):
    _inherit = "care.elder"

    health_contract_ids = fields.One2many(
        "care.health.contract",
        "elder_id",
        string="Family-Doctor Contracts",
        groups=HEALTH_GROUPS,
    )
    health_registry_ids = fields.One2many(
        "care.health.registry",
        "elder_id",
        string="Chronic Disease Registries",
        groups=HEALTH_GROUPS,
    )
    # the team reads the medical part of the archive of its own elders (the
    # record rules restrict a member to them); it does not write the archive
    condition_ids = fields.Many2many(groups=f"{MEDICAL_GROUPS},{HEALTH_GROUPS}")
    allergies = fields.Text(groups=f"{SAFETY_GROUPS},{HEALTH_GROUPS}")
    medications = fields.Text(groups=f"{MEDICAL_GROUPS},{HEALTH_GROUPS}")
    treatment_plan = fields.Text(groups=f"{MEDICAL_GROUPS},{HEALTH_GROUPS}")
