from odoo import _, models

from odoo.addons.elder_crm.tools import id_number as idn


class CareServiceExport(models.TransientModel):
    """The bureau's service records with what the voucher paid."""

    _inherit = "care.service.export"

    def _rows_for(self, orders):
        header, rows = super()._rows_for(orders)
        if self.env.context.get("care_mask_id_numbers"):
            # the bureau's copy: 110105********002X whoever makes it
            column = header.index(_("ID Number"))
            for row, order in zip(rows, orders, strict=True):
                number = order.care_elder_id.sudo().id_number
                row[column] = idn.mask(number) if number else ""
        header = [*header, _("Programme"), _("Paid by voucher"), _("Co-payment")]
        rows = [
            [
                *row,
                order.care_voucher_entitlement_id.programme_id.name or "",
                order.care_voucher_amount or 0.0,
                order.care_copay_amount or 0.0,
            ]
            for row, order in zip(rows, orders, strict=True)
        ]
        return header, rows
