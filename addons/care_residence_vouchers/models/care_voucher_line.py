from odoo import fields, models


class CareVoucherLine(models.Model):
    _inherit = "care.voucher.line"

    residence_stay_id = fields.Many2one(
        "care.residence.stay",
        "Residence stay",
        index="btree_not_null",
        ondelete="restrict",
        readonly=True,
        # the stays are read by reception and finance, the ledger by others too
        groups="elder_crm.group_care_finance",
        help="The stay whose monthly fee this redemption paid a share of.",
    )
