from odoo import api, fields, models
from odoo.exceptions import AccessError

from .care_plan import FINANCE, RECEPTION, check_group

QUOTA_READERS = (
    "elder_crm.group_care_reception,elder_crm.group_care_dispatcher,"
    "elder_crm.group_care_finance"
)


class CareElder(models.Model):
    _inherit = "care.elder"

    care_subscription_ids = fields.One2many(
        "care.plan.subscription",
        "elder_id",
        "Plans",
        readonly=True,
        # who reads the signed plans (the desk, devices and doctors do not)
        groups="elder_crm.group_care_reception,elder_crm.group_care_dispatcher,"
        "elder_crm.group_care_finance",
    )
    care_plan_id = fields.Many2one(
        "care.plan", "Plan", compute="_compute_care_plan", compute_sudo=True
    )
    care_plan_quota_text = fields.Text(
        "Quota left this month", compute="_compute_care_plan", compute_sudo=True
    )

    @api.depends("care_subscription_ids.state")
    def _compute_care_plan(self):
        Subscription = self.env["care.plan.subscription"]
        real = self.filtered("id")
        running = Subscription._care_running_on(real, fields.Date.context_today(self))
        quotas = Subscription._care_quota_left(real) if running else {}
        for elder in self:
            subscription = running.get(elder)
            elder.care_plan_id = subscription.plan_id if subscription else False
            elder.care_plan_quota_text = (
                "\n".join(
                    self.env._(
                        "%(service)s: %(left)s of %(quota)s left",
                        service=row["category"],
                        left=row["left"],
                        quota=row["quota"],
                    )
                    for row in quotas.get(elder.id, ())
                )
                or False
            )

    def care_plan_quota(self):
        """What is left of the plans' quotas this month, per elder:
        {elder id: [{category_id, category, quota, used, left, period}]}.
        Callable over XML-RPC by the roles that book services."""
        if not self.env.su and not self.env.user.has_groups(QUOTA_READERS):
            raise AccessError(
                self.env._("Only the centre's staff read what a plan has left.")
            )
        self.check_access("read")
        quotas = self.env["care.plan.subscription"]._care_quota_left(self.sudo())
        return {str(elder_id): rows for elder_id, rows in quotas.items()}

    def action_care_sign_plan(
        self, plan_id, payer_id=None, promotion_ids=None, code=None, date_start=None
    ):
        """Reception signs a plan for this elder: the OCA contract for the
        payer and the subscription. Returns the subscription's id. Callable
        over XML-RPC."""
        check_group(self.env, RECEPTION, self.env._("Only reception signs plans."))
        self.ensure_one()
        self.check_access("write")
        return self._care_sign_plan(
            plan_id, payer_id, promotion_ids, code, date_start
        ).id

    def _care_sign_plan(
        self,
        plan_id,
        payer_id=None,
        promotion_ids=None,
        code=None,
        date_start=None,
        lead=None,
    ):
        plan = self.env["care.plan"].browse(int(plan_id)).exists()
        plan.check_access("read")
        promotions = self.env["care.plan.promotion"].browse(
            [int(pid) for pid in promotion_ids or ()]
        )
        promotions.check_access("read")
        payer = self.env["res.partner"].browse(int(payer_id)) if payer_id else None
        if payer:
            payer.check_access("read")
        if date_start and not self.env.user.has_group(FINANCE):
            # a receptionist signs from today; only finance back-dates
            date_start = max(
                fields.Date.to_date(date_start), fields.Date.context_today(self)
            )
        return self.env["care.plan.subscription"]._care_sign(
            self, plan, payer, promotions, code, date_start, lead
        )
