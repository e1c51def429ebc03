from odoo import api, fields, models


class AccountMoveLine(models.Model):
    _inherit = ["account.move.line", "care.guard.mixin"]
    _name = "account.move.line"

    care_order_id = fields.Many2one(
        "fsm.order", "Service order", index="btree_not_null", copy=False
    )

    @api.model
    def _care_guarded_fields(self):
        # which service a claim's or a bill's line pays: set by the settlement
        return super()._care_guarded_fields() | {"care_order_id"}
