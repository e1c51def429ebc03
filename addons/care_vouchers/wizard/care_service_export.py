from odoo import models

from odoo.addons.elder_crm.tools import id_number as idn


class CareServiceExport(models.TransientModel):
    """The bureau's service records with what the voucher paid."""

    _inherit = "care.service.export"

    def _rows_for(self, orders):
        header, rows = super()._rows_for(orders)
        if self.env.context.get("care_mask_id_numbers"):
            # the bureau's copy: 110105********002X whoever makes it
            column = header.index(self.env._("ID Number"))
            for row, order in zip(rows, orders, strict=True):
                number = order.care_elder_id.sudo().id_number
                row[column] = idn.mask(number) if number else ""
        header = [
            *header,
            self.env._("Programme"),
            self.env._("Paid by voucher"),
            self.env._("Co-payment"),
        ]
        # what the ledger paid (redemptions less reversals), as on the claim
        paid = orders.sudo()._care_ledger_paid()
        rows = [
            [
                *row,
                (
                    paid[order.id][0].name
                    if order.id in paid
                    else order.care_voucher_entitlement_id.sudo().programme_id.name
                )
                or "",
                paid[order.id][1] if order.id in paid else 0.0,
                order.care_copay_amount or 0.0,
            ]
            for row, order in zip(rows, orders, strict=True)
        ]
        return header, rows
