from odoo import fields, models


class CareEvvReview(models.TransientModel):
    """The dispatcher's decision on a proof-of-visit exception."""

    _name = "care.evv.review"
    _description = "Proof of Visit Review"

    order_id = fields.Many2one("fsm.order", required=True, ondelete="cascade")
    reason = fields.Text(related="order_id.care_evv_reason")
    decision = fields.Selection(
        [("accept", "Accept the visit"), ("reject", "Reject the visit")],
        required=True,
        default="accept",
    )
    note = fields.Text(
        required=True,
        help="Why: e.g. GPS drift in a tower block, the elder asked to come "
        "early; or what the worker said.",
    )

    def action_confirm(self):
        self.ensure_one()
        order = self.order_id
        if self.decision == "accept":
            order.action_care_evv_accept(self.note)
        else:
            order.action_care_evv_reject(self.note)
        return {"type": "ir.actions.act_window_close"}
