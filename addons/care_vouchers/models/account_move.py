from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    care_order_id = fields.Many2one(
        "fsm.order", "Service order", index="btree_not_null", copy=False
    )
