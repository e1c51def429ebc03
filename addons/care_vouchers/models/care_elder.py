from odoo import fields, models


class CareElder(models.Model):
    _inherit = "care.elder"

    care_voucher_entitlement_ids = fields.One2many(
        "care.voucher.entitlement", "elder_id", "Voucher entitlements"
    )
    care_voucher_card_ids = fields.One2many(
        "care.voucher.card", "elder_id", "Service cards"
    )
    care_copay_partner_id = fields.Many2one(
        "res.partner",
        "Co-payments invoiced to",
        tracking=True,
        help="Who receives the invoice for the elder's share of services "
        "(a son or daughter, a company); empty: the elder.",
    )

    def write(self, vals):
        result = super().write(vals)
        if {"state", "subsidy_category_ids"} & set(vals):
            entitlements = (
                self.env["care.voucher.entitlement"]
                .sudo()
                .search([("elder_id", "in", self.ids), ("state", "!=", "ended")])
            )
            # an elder who died or left: ended at once
            entitlements._end_ineligible()
            # other changes that would move money wait for finance
            entitlements._flag_basis_review()
        return result
