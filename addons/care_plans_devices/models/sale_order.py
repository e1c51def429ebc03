from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    care_elder_id = fields.Many2one(
        "care.elder",
        "Elder",
        index="btree_not_null",
        help="The elder the devices of this order are for: delivered serials "
        "are bound to them at activation.",
    )
