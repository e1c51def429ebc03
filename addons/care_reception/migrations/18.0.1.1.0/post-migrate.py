"""18.0.1.1.0: health tags hidden from staff who may not read health notes;
every lead's number read in the suite's region."""

from odoo import SUPERUSER_ID, api

HEALTH_TAGS = ("tag_disability_care", "tag_dementia", "tag_medical")


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    tags = env["crm.tag"]
    for name in HEALTH_TAGS:
        tags |= env.ref(f"care_reception.{name}", raise_if_not_found=False) or tags
    tags.care_sensitive = True
    # a health answer gives health tags only (the data is noupdate)
    fine = env.ref("care_reception.previsit_a_health_fine", raise_if_not_found=False)
    if fine:
        fine.care_tag_ids = fine.care_tag_ids.filtered("care_sensitive")
    env["crm.lead"]._care_resanitize_phones()
