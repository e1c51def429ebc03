from odoo import api, fields, models
from odoo.exceptions import UserError


class CareDispatchProposal(models.TransientModel):
    """The providers proposed for an order, best first: the dispatcher
    confirms one (usually the first) from the board."""

    _name = "care.dispatch.proposal"
    _description = "Provider Proposal"

    order_id = fields.Many2one("fsm.order", required=True, ondelete="cascade")
    elder_id = fields.Many2one(related="order_id.care_elder_id")
    category_id = fields.Many2one(related="order_id.care_category_id")
    territory_id = fields.Many2one(related="order_id.location_id.territory_id")
    line_ids = fields.One2many(
        "care.dispatch.proposal.line", "proposal_id", "Proposed providers"
    )

    @api.model
    def _open_for(self, order):
        ranked = order.care_propose_providers(limit=10)
        proposal = self.create(
            {
                "order_id": order.id,
                "line_ids": [
                    (
                        0,
                        0,
                        {
                            "rank": rank,
                            "provider_id": row["provider_id"],
                            "rating": row["rating"],
                            "open_orders": row["open_orders"],
                            "capacity": row["capacity"],
                            "price": row["price"],
                            "full": row["full"],
                            "score": row["score"],
                        },
                    )
                    for rank, row in enumerate(ranked, start=1)
                ],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Providers for %s", order.name),
            "res_model": self._name,
            "res_id": proposal.id,
            "view_mode": "form",
            "target": "new",
        }


class CareDispatchProposalLine(models.TransientModel):
    _name = "care.dispatch.proposal.line"
    _description = "Proposed Provider"
    _order = "rank"

    proposal_id = fields.Many2one(
        "care.dispatch.proposal", required=True, ondelete="cascade"
    )
    rank = fields.Integer()
    provider_id = fields.Many2one("care.provider", required=True)
    rating = fields.Float(digits=(3, 1))
    open_orders = fields.Integer("Open orders")
    capacity = fields.Integer()
    price = fields.Float()
    full = fields.Boolean("At capacity")
    score = fields.Float(digits=(6, 2))

    def action_dispatch(self):
        self.ensure_one()
        order = self.proposal_id.order_id
        if order.care_provider_id or order.is_closed:
            raise UserError(
                self.env._(
                    "%(order)s has already gone to %(provider)s.",
                    order=order.name,
                    provider=order.care_provider_id.name
                    or self.env._("another provider"),
                )
            )
        order.action_care_dispatch(self.provider_id.id)
        return {"type": "ir.actions.act_window_close"}
