from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CarePlanPromotion(models.Model):
    """An offer applied when a plan is signed: free months, or a discount
    for a number of months, for the elders it is meant for.

    Rules (docs/plans.md): a signature takes at most one promotion giving
    free months and one giving a discount; an exclusive promotion stands
    alone. Free months come first, the discounted months after them."""

    _name = "care.plan.promotion"
    _description = "Plan Promotion"
    _inherit = ["mail.thread", "care.guard.mixin"]
    _order = "date_from desc, id desc"
    _care_protected_fields = ("subscription_ids",)

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    kind = fields.Selection(
        [("free_months", "Free months"), ("discount", "Discount")],
        required=True,
        default="free_months",
        tracking=True,
    )
    free_months = fields.Integer(default=1, tracking=True)
    discount_percent = fields.Float("Discount (%)", tracking=True)
    discount_months = fields.Integer("For (months)", default=1, tracking=True)
    plan_ids = fields.Many2many("care.plan", string="Plans", help="Empty: every plan.")
    date_from = fields.Date("From", tracking=True)
    date_to = fields.Date("Until", tracking=True)
    code = fields.Char(
        tracking=True, help="When set, the family must give this code at signing."
    )
    model_household = fields.Boolean(
        "Model household only",
        help="Only the model household its community's manager chose.",
    )
    subsidy_category_ids = fields.Many2many(
        "care.subsidy.category",
        string="Subsidy categories",
        help="When set (with or without tags), the elder must be in one of them "
        "or carry one of the tags.",
    )
    tag_ids = fields.Many2many(
        "res.partner.category",
        string="Elder tags",
        help="Retired teachers, veterans' families, …",
    )
    exclusive = fields.Boolean(
        help="Cannot be combined with any other promotion at signing."
    )
    subscription_ids = fields.Many2many(
        "care.plan.subscription",
        "care_plan_subscription_promotion_rel",
        "promotion_id",
        "subscription_id",
        string="Signed with it",
        readonly=True,
    )
    subscription_count = fields.Integer(compute="_compute_subscription_count")

    _sql_constraints = [
        (
            "free_months_range",
            "CHECK(kind != 'free_months' OR (free_months >= 1 AND free_months <= 24))",
            "Free months are between 1 and 24.",
        ),
        (
            "discount_range",
            "CHECK(kind != 'discount' OR (discount_percent > 0 "
            "AND discount_percent <= 100 AND discount_months >= 1 "
            "AND discount_months <= 24))",
            "A discount is more than 0 and at most 100 %, for 1 to 24 months.",
        ),
        (
            "window",
            "CHECK(date_from IS NULL OR date_to IS NULL OR date_from <= date_to)",
            "A promotion cannot end before it starts.",
        ),
    ]

    def _compute_subscription_count(self):
        for promotion in self:
            promotion.subscription_count = len(promotion.sudo().subscription_ids)

    @api.constrains("code")
    def _check_code(self):
        for promotion in self.filtered("code"):
            if promotion.code != promotion.code.strip():
                raise ValidationError(
                    self.env._("A promotion code has no leading or trailing spaces.")
                )

    def _care_refusal(self, elder, plan, day, code):
        """Why this promotion cannot be applied (False: it can)."""
        self.ensure_one()
        promotion = self.sudo()
        if not promotion.active:
            return self.env._("%(promotion)s is not active.", promotion=self.name)
        if (promotion.date_from and day < promotion.date_from) or (
            promotion.date_to and day > promotion.date_to
        ):
            return self.env._(
                "%(promotion)s runs from %(start)s to %(end)s, not on %(day)s.",
                promotion=promotion.name,
                start=promotion.date_from or "…",
                end=promotion.date_to or "…",
                day=day,
            )
        if promotion.plan_ids and plan not in promotion.plan_ids:
            return self.env._(
                "%(promotion)s is not offered with %(plan)s.",
                promotion=promotion.name,
                plan=plan.name,
            )
        if promotion.code and (code or "").strip() != promotion.code:
            return self.env._("%(promotion)s needs its code.", promotion=promotion.name)
        if promotion.model_household:
            community = elder.community_id
            if not community or community.care_model_household_id != elder:
                return self.env._(
                    "%(promotion)s is for the model household of a community: "
                    "%(elder)s is not %(community)s's.",
                    promotion=promotion.name,
                    elder=elder.name,
                    community=community.name or self.env._("their community"),
                )
        if promotion.subsidy_category_ids or promotion.tag_ids:
            if not (
                promotion.subsidy_category_ids & elder.subsidy_category_ids
                or promotion.tag_ids & elder.category_id
            ):
                return self.env._(
                    "%(promotion)s is for %(groups)s: %(elder)s is in none.",
                    promotion=promotion.name,
                    groups=", ".join(
                        promotion.subsidy_category_ids.mapped("name")
                        + promotion.tag_ids.mapped("name")
                    ),
                    elder=elder.name,
                )
        return False

    def _care_check_combination(self):
        """Refuse combinations the rules do not allow."""
        if len(self) > 1 and any(self.mapped("exclusive")):
            exclusive = self.filtered("exclusive")[0]
            raise ValidationError(
                self.env._(
                    "%(promotion)s cannot be combined with another promotion.",
                    promotion=exclusive.name,
                )
            )
        for kind in ("free_months", "discount"):
            same = self.filtered(lambda p, kind=kind: p.kind == kind)
            if len(same) > 1:
                raise ValidationError(
                    self.env._(
                        "Only one promotion of each kind per signature: "
                        "%(promotions)s are of the same kind.",
                        promotions=", ".join(same.mapped("name")),
                    )
                )
