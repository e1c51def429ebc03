from odoo import api, fields, models


class FsmOrder(models.Model):
    _inherit = "fsm.order"

    care_plan_quota_left = fields.Integer(
        "Plan quota left",
        compute="_compute_care_plan_quota",
        compute_sudo=True,
        help="How many services of this kind the elder's plan still includes "
        "this month (-1: the plan does not include it).",
    )
    care_plan_quota_info = fields.Char(
        "Plan", compute="_compute_care_plan_quota", compute_sudo=True
    )
    care_plan_usage_id = fields.One2many(
        "care.plan.usage", "order_id", "Counted against the plan", readonly=True
    )

    @api.depends("care_elder_id", "care_category_id", "stage_id")
    def _compute_care_plan_quota(self):
        orders = self.filtered(lambda o: o.care_elder_id and o.care_category_id)
        quotas = self.env["care.plan.subscription"]._care_quota_left(
            orders.care_elder_id
        )
        for order in self:
            order.care_plan_quota_left = -1
            order.care_plan_quota_info = False
            for row in quotas.get(order.care_elder_id.id, ()):
                if row["category_id"] == order.care_category_id.id:
                    order.care_plan_quota_left = row["left"]
                    order.care_plan_quota_info = self.env._(
                        "%(left)s of %(quota)s included this month",
                        left=row["left"],
                        quota=row["quota"],
                    )

    def write(self, vals):
        done = undone = self.browse()
        if vals.get("stage_id"):
            stage = self.env["fsm.stage"].browse(vals["stage_id"])
            cancelled = self.env.ref("fieldservice.fsm_stage_cancelled")
            if stage.is_closed and stage != cancelled:
                done = self.filtered(lambda o: not o.is_closed)
            else:
                undone = self.filtered(lambda o: o.is_closed)
        result = super().write(vals)
        Usage = self.env["care.plan.usage"].sudo()
        if undone:
            Usage._care_release(undone, self.env._("order cancelled or reopened"))
        if done:
            Usage._care_consume(done)
        return result

    def _care_plan_beyond_amount(self, plan_line):
        """What one service beyond the quota costs the elder."""
        self.ensure_one()
        return plan_line._care_price_beyond()

    def _care_plan_billed_by(self):
        """Who bills a service beyond the quota (vouchers may take over)."""
        return "contract"
