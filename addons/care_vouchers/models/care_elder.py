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
        help="Who receives the invoice for the elder's share of services "
        "(a son or daughter, a company); empty: the elder.",
    )

    def write(self, vals):
        result = super().write(vals)
        if {"state", "subsidy_category_ids"} & set(vals):
            # ending is automatic when the elder no longer qualifies
            self.env["care.voucher.entitlement"].sudo().search(
                [("elder_id", "in", self.ids), ("state", "!=", "ended")]
            )._end_ineligible()
        return result
