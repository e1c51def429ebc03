from odoo import fields, models

CARE_STEPS = [
    ("enquiry", "New enquiry"),
    ("questionnaire", "Questionnaire received"),
    ("assessed", "Assessed"),
    ("toured", "Toured"),
    ("proposal", "Proposal"),
]


class CrmStage(models.Model):
    _inherit = "crm.stage"

    care_step = fields.Selection(
        CARE_STEPS,
        "Reception step",
        help="The facts a lead needs to enter this stage are checked for this "
        "step (e.g. a proposal needs a matched package).",
    )
