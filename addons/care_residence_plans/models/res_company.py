from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    care_residence_contracts = fields.Boolean(
        "Residence Fees by Contracts",
        help="Every admission makes a contract of the payer that invoices the "
        "stay's monthly fees (OCA contracts) instead of the residence's own "
        "monthly run. Off: only the stays finance moves to a contract.",
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    care_residence_contracts = fields.Boolean(
        related="company_id.care_residence_contracts", readonly=False
    )
