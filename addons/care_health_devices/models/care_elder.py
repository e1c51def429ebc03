from odoo import fields, models

from odoo.addons.care_devices.models.care_elder import DOCTOR
from odoo.addons.care_health.models.care_elder import HEALTH_GROUPS
from odoo.addons.elder_crm.models.care_elder import MEDICAL_GROUPS, SAFETY_GROUPS


class CareElder(models.Model):
    """care_devices (the family doctor) and care_health (the health team) each
    widen who reads the medical part of the archive; a field's ``groups`` is
    replaced, not merged, by an override, so with both installed the one
    loaded last would drop the other's group. Here, loaded after both, the
    fields get the union."""

    _inherit = "care.elder"

    condition_ids = fields.Many2many(
        groups=f"{MEDICAL_GROUPS},{DOCTOR},{HEALTH_GROUPS}"
    )
    allergies = fields.Text(groups=f"{SAFETY_GROUPS},{DOCTOR},{HEALTH_GROUPS}")
    medications = fields.Text(groups=f"{MEDICAL_GROUPS},{DOCTOR},{HEALTH_GROUPS}")
    treatment_plan = fields.Text(groups=f"{MEDICAL_GROUPS},{DOCTOR},{HEALTH_GROUPS}")
