from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError


class CareFamilyRating(models.Model):
    """A family member's rating of a completed visit: one per visit.

    Written by the portal's code (as the system, after checking the member's
    access line); it becomes the order's callback when the call centre has
    not called back yet, so it counts in the provider's rating and
    complaints (see care.callback and the scorecard)."""

    _name = "care.family.rating"
    _description = "Family Rating of a Visit"
    _inherit = ["care.guard.mixin"]
    _order = "id desc"
    _care_protected_fields = (
        "order_id",
        "partner_id",
        "rating",
        "comment",
        "callback_id",
    )

    order_id = fields.Many2one(
        "fsm.order", "Visit", required=True, ondelete="cascade", index=True
    )
    elder_id = fields.Many2one(related="order_id.care_elder_id", store=True)
    provider_id = fields.Many2one(related="order_id.care_provider_id", store=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True)
    partner_id = fields.Many2one("res.partner", "Family member", required=True)
    rating = fields.Integer("Rating (1–5)", required=True, aggregator="avg")
    comment = fields.Text()
    callback_id = fields.Many2one("care.callback", ondelete="set null")

    _sql_constraints = [
        (
            "one_per_visit",
            "unique(order_id)",
            "This visit has already been rated by the family.",
        ),
        (
            "rating_range",
            "CHECK(rating BETWEEN 1 AND 5)",
            "A rating is 1 to 5 stars.",
        ),
    ]

    @api.constrains("rating")
    def _check_rating(self):
        for rating in self:
            if not 1 <= rating.rating <= 5:
                raise ValidationError(
                    self.env._("A rating is 1 to 5 stars, not %s.", rating.rating)
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(self.env._("Families rate visits on the portal only."))
        ratings = super().create(vals_list)
        ratings._care_feed_callback()
        return ratings

    def _care_feed_callback(self):
        """The rating becomes the order's callback (the call centre then does
        not call back); when the order was already called back, it is posted
        on that callback for the agent to read."""
        Callback = self.env["care.callback"].sudo()
        for rating in self.sudo():
            order = rating.order_id
            callback = order.care_callback_ids[:1]
            if callback:
                callback.message_post(
                    body=Markup("<p>%s</p>")
                    % self.env._(
                        "The family rated this visit %(stars)s/5: %(comment)s",
                        stars=rating.rating,
                        comment=rating.comment or "-",
                    ),
                    message_type="comment",
                    subtype_xmlid="mail.mt_note",
                )
            else:
                callback = Callback.create(
                    {
                        "order_id": order.id,
                        "rating": rating.rating,
                        "comment": rating.comment,
                        "is_complaint": rating.rating <= 2,
                        "user_id": False,
                        "care_from_family": True,
                    }
                )
            rating.callback_id = callback
