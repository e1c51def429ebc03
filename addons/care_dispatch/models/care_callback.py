from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CareCallback(models.Model):
    """The call centre's call back after a service (回访): how it went."""

    _name = "care.callback"
    _description = "Service Callback"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"

    order_id = fields.Many2one(
        "fsm.order", "Service order", required=True, ondelete="cascade", index=True
    )
    elder_id = fields.Many2one(related="order_id.care_elder_id", store=True)
    provider_id = fields.Many2one(
        related="order_id.care_provider_id", store=True, index=True
    )
    category_id = fields.Many2one(related="order_id.care_category_id", store=True)
    date = fields.Datetime(default=fields.Datetime.now, required=True)
    user_id = fields.Many2one("res.users", "Agent", default=lambda self: self.env.user)
    rating = fields.Integer("Satisfaction (1–5)", required=True, aggregator="avg")
    comment = fields.Text()
    is_complaint = fields.Boolean("Complaint", tracking=True)
    complaint_state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved")], tracking=True
    )
    resolution = fields.Text()
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)

    _sql_constraints = [
        (
            "one_per_order",
            "UNIQUE(order_id)",
            "This order has already been called back.",
        ),
    ]

    @api.constrains("rating")
    def _check_rating(self):
        for callback in self:
            if not 1 <= callback.rating <= 5:
                raise ValidationError(
                    _("A satisfaction rating is 1 to 5, not %s.", callback.rating)
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("is_complaint"):
                vals.setdefault("complaint_state", "open")
        callbacks = super().create(vals_list)
        callbacks.provider_id._care_update_rating()
        callbacks.order_id._care_callback_done()
        return callbacks

    def write(self, vals):
        if vals.get("is_complaint"):
            vals.setdefault("complaint_state", "open")
        result = super().write(vals)
        if "rating" in vals:
            self.provider_id._care_update_rating()
        return result

    def action_resolve(self):
        for callback in self:
            if not callback.resolution:
                raise ValidationError(
                    _("Write how the complaint was resolved before closing it.")
                )
        self.write({"complaint_state": "resolved"})
