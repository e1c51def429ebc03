from odoo import _, models


class CareServiceExport(models.TransientModel):
    """The bureau's service records with what the voucher paid."""

    _inherit = "care.service.export"

    def _rows_for(self, orders):
        header, rows = super()._rows_for(orders)
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
