from odoo import api, models
from odoo.exceptions import UserError


class StockLot(models.Model):
    _inherit = "stock.lot"

    @api.model_create_multi
    def create(self, vals_list):
        lots = super().create(vals_list)
        lots._care_link_devices()
        return lots

    def _care_link_devices(self):
        """A serial of a device model's product is a device (found by its
        serial, or created in stock)."""
        Model = self.env["care.device.model"].sudo()
        Device = self.env["care.device"].sudo()
        for lot in self:
            model = Model.search([("product_id", "=", lot.product_id.id)], limit=1)
            if not model:
                continue
            company = lot.company_id or self.env.company
            device = Device.search(
                [("serial", "=", lot.name), ("company_id", "=", company.id)], limit=1
            )
            if not device:
                device = Device.create(
                    {"serial": lot.name, "model_id": model.id, "company_id": company.id}
                )
            device.care_lot_id = lot


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _care_device_moves(self):
        """{device: (move, elder)} of the devices these pickings move."""
        found = {}
        Device = self.env["care.device"].sudo()
        for picking in self:
            for line in picking.move_line_ids.filtered("lot_id"):
                device = Device.search([("care_lot_id", "=", line.lot_id.id)], limit=1)
                if device:
                    order = line.move_id.sale_line_id.order_id or picking.sale_id
                    found[device] = (line.move_id, order.care_elder_id)
        return found

    def _action_done(self):
        moves = self._care_device_moves()
        for device, (move, _elder) in moves.items():
            if move.picking_code == "outgoing" and not move.origin_returned_move_id:
                if device.state == "bound" or device.care_sold_to_id:
                    raise UserError(
                        self.env._(
                            "Device %(serial)s is already bound or sold to "
                            "%(elder)s: it cannot be sold again.",
                            serial=device.serial,
                            elder=(device.elder_id or device.care_sold_to_id).name,
                        )
                    )
        result = super()._action_done()
        for device, (move, elder) in moves.items():
            if move.picking_code == "outgoing" and not move.origin_returned_move_id:
                if elder:
                    device.write({"care_sold_to_id": elder.id})
            elif move.origin_returned_move_id:
                device._care_returned()
        return result
