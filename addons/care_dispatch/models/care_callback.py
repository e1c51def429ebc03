from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

MANAGER = "elder_crm.group_care_manager"
# the result of a callback: recorded once by the agent, corrected only by a
# care manager (they move the provider's rating and complaint figures)
RESULT_FIELDS = ("order_id", "rating", "is_complaint")


class CareCallback(models.Model):
    """The call centre's call back after a service (回访): how it went."""

    _name = "care.callback"
    _description = "Service Callback"
    _inherit = ["mail.thread", "care.guard.mixin"]
    _order = "date desc, id desc"
    _care_protected_fields = ("complaint_state",)

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
    rating = fields.Integer(
        "Satisfaction (1–5)", required=True, aggregator="avg", tracking=True
    )
    comment = fields.Text()
    is_complaint = fields.Boolean("Complaint", tracking=True)
    complaint_state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved")], readonly=True, tracking=True
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
                    self.env._(
                        "A satisfaction rating is 1 to 5, not %s.", callback.rating
                    )
                )

    @api.constrains("order_id")
    def _check_order_done(self):
        for callback in self:
            order = callback.order_id
            if not order.is_closed or order.stage_id == self.env.ref(
                "fieldservice.fsm_stage_cancelled"
            ):
                raise ValidationError(
                    self.env._(
                        "%(order)s is not completed: only a completed service is "
                        "called back.",
                        order=order.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        callbacks = super().create(vals_list)
        callbacks.filtered("is_complaint").sudo().write({"complaint_state": "open"})
        callbacks.provider_id._care_update_rating()
        callbacks.order_id._care_callback_done()
        return callbacks

    def write(self, vals):
        if (
            not self.env.su
            and set(vals) & set(RESULT_FIELDS)
            and not self.env.user.has_group(MANAGER)
        ):
            changed = [
                name
                for name in RESULT_FIELDS
                if name in vals
                and any(
                    (c[name].id if name == "order_id" else c[name]) != vals[name]
                    for c in self
                )
            ]
            if changed:
                raise AccessError(
                    self.env._(
                        "A callback's result (%(fields)s) is recorded once; only a "
                        "care manager corrects it.",
                        fields=", ".join(self._fields[n].string for n in changed),
                    )
                )
        result = super().write(vals)
        if vals.get("is_complaint"):
            self.filtered(lambda c: not c.complaint_state).sudo().write(
                {"complaint_state": "open"}
            )
        if "rating" in vals or "order_id" in vals:
            self.provider_id._care_update_rating()
        return result

    def action_resolve(self):
        self.check_access("write")
        for callback in self:
            if callback.complaint_state != "open":
                raise ValidationError(
                    self.env._("%s is not an open complaint.", callback.display_name)
                )
            if not callback.resolution:
                raise ValidationError(
                    self.env._(
                        "Write how the complaint was resolved before closing it."
                    )
                )
        self.sudo().write({"complaint_state": "resolved"})
        return True
