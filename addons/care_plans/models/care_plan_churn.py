from dateutil.relativedelta import relativedelta

from odoo import api, fields, models, tools
from odoo.tools import SQL

from .care_plan_subscription import END_REASONS

ENDING_DAYS = 30  # a plan ending within this many days: call the family
UNPAID_DAYS = 15  # an invoice this many days past due: call the payer


class CarePlanSubscription(models.Model):
    _inherit = "care.plan.subscription"

    @api.model
    def _cron_care_plan_followups(self):
        """Activities for reception: plans ending soon (renewal) and plans
        whose invoices are unpaid past their due date; one open activity of
        each kind per plan."""
        today = fields.Date.context_today(self)
        Subscription = self.sudo()
        running = Subscription.search([("state", "=", "active")])
        if not running:
            return True
        contracts = running.contract_id
        ending = running.filtered(
            lambda s: (
                s.contract_id.contract_line_ids
                and all(
                    line.date_end
                    and line.date_end <= today + relativedelta(days=ENDING_DAYS)
                    for line in s.contract_id.contract_line_ids.filtered(
                        lambda line: not line.is_canceled and line.price_unit >= 0
                    )
                )
            )
        )
        lines = (
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    ("contract_line_id.contract_id", "in", contracts.ids),
                    ("move_id.state", "=", "posted"),
                    ("move_id.payment_state", "in", ("not_paid", "partial")),
                    (
                        "move_id.invoice_date_due",
                        "<",
                        today - relativedelta(days=UNPAID_DAYS),
                    ),
                ]
            )
        )
        unpaid_contracts = lines.contract_line_id.contract_id
        unpaid = running.filtered(lambda s: s.contract_id in unpaid_contracts)
        todo = self.env.ref("mail.mail_activity_data_todo")
        open_activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", running.ids),
                    ("activity_type_id", "=", todo.id),
                ]
            )
        )
        already = {(a.res_id, a.summary) for a in open_activities}
        for records, summary in (
            (ending, self.env._("Plan ending: propose the renewal")),
            (unpaid, self.env._("Plan invoices unpaid: call the payer")),
        ):
            for subscription in records:
                if (subscription.id, summary) in already:
                    continue
                subscription.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=summary,
                    user_id=(
                        subscription.lead_id.user_id
                        or subscription.elder_id.responsible_id
                        or self.env.ref("base.user_admin")
                    ).id,
                )
        return True


class CarePlanChurnReport(models.Model):
    """Ended plans by month, plan and reason."""

    _name = "care.plan.churn.report"
    _description = "Ended plans by month and reason"
    _auto = False
    _order = "month desc"

    month = fields.Date(readonly=True)
    plan_id = fields.Many2one("care.plan", readonly=True)
    end_reason_code = fields.Selection(END_REASONS, "Why it ended", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    ended_count = fields.Integer("Ended", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %s AS (
                    SELECT MIN(id) AS id,
                           date_trunc('month', date_end)::date AS month,
                           plan_id,
                           COALESCE(end_reason_code, 'other') AS end_reason_code,
                           company_id,
                           COUNT(*) AS ended_count
                      FROM care_plan_subscription
                     WHERE state = 'ended'
                  GROUP BY 2, plan_id, 4, company_id
                )
                """,
                SQL.identifier(self._table),
            )
        )


class CarePlanCohortReport(models.Model):
    """Retention by cohort: the plans signed in a month, how many still
    run, how many ended."""

    _name = "care.plan.cohort.report"
    _description = "Plan retention by cohort"
    _auto = False
    _order = "cohort desc"

    cohort = fields.Date("Signed in", readonly=True)
    plan_id = fields.Many2one("care.plan", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    signed_count = fields.Integer("Signed", readonly=True)
    running_count = fields.Integer("Still running", readonly=True)
    ended_count = fields.Integer("Ended", readonly=True)
    retention = fields.Float("Retention (%)", readonly=True, aggregator="avg")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %s AS (
                    SELECT MIN(id) AS id,
                           date_trunc('month', date_start)::date AS cohort,
                           plan_id,
                           company_id,
                           COUNT(*) AS signed_count,
                           COUNT(*) FILTER (WHERE state = 'active') AS running_count,
                           COUNT(*) FILTER (WHERE state = 'ended') AS ended_count,
                           ROUND(100.0 * COUNT(*) FILTER (WHERE state = 'active')
                                 / COUNT(*), 1) AS retention
                      FROM care_plan_subscription
                  GROUP BY 2, plan_id, company_id
                )
                """,
                SQL.identifier(self._table),
            )
        )
