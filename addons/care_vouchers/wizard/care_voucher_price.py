from odoo import fields, models


class CareVoucherPriceChange(models.TransientModel):
    """Finance changes the price of a service not paid yet, with a reason
    (the price is fixed when the order is dispatched)."""

    _name = "care.voucher.price.change"
    _description = "Service Price Change"

    order_id = fields.Many2one("fsm.order", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="order_id.care_currency_id")
    price = fields.Monetary("New price", required=True, currency_field="currency_id")
    reason = fields.Char(required=True)

    def action_apply(self):
        self.ensure_one()
        self.order_id.action_care_change_price(self.price, self.reason)
        return {"type": "ir.actions.act_window_close"}
