from datetime import date

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import PlanCase


@tagged("post_install", "-at_install")
class TestChurn(PlanCase):
    def elder_named(self, name):
        return self.env["care.elder"].create({"name": name, "grid_id": self.grid.id})

    def test_churn_and_cohort_figures(self):
        Subscription = self.Subscription
        january = [
            Subscription._care_sign(self.elder_named(name), self.plan, day=day)
            for name, day in (
                ("一号", date(2026, 1, 5)),
                ("二号", date(2026, 1, 20)),
                ("三号", date(2026, 1, 31)),
            )
        ]
        february = Subscription._care_sign(
            self.elder_named("四号"), self.plan, day=date(2026, 2, 3)
        )
        finance = self.finance
        january[0].with_user(finance).action_care_end(
            "太贵", date_end="2026-02-10", reason_code="price"
        )
        january[1].with_user(finance).action_care_end(
            "搬去女儿家", date_end="2026-03-05", reason_code="moved"
        )
        with self.assertRaisesRegex(ValidationError, "Unknown reason"):
            february.with_user(finance).action_care_end("?", reason_code="bored")
        self.assertEqual(february.state, "active")
        self.env.flush_all()
        churn = self.env["care.plan.churn.report"].search(
            [("plan_id", "=", self.plan.id)]
        )
        self.assertEqual(
            sorted((r.month, r.end_reason_code, r.ended_count) for r in churn),
            [(date(2026, 2, 1), "price", 1), (date(2026, 3, 1), "moved", 1)],
        )
        cohorts = self.env["care.plan.cohort.report"].search(
            [("plan_id", "=", self.plan.id)]
        )
        figures = {
            r.cohort: (r.signed_count, r.running_count, r.ended_count, r.retention)
            for r in cohorts
        }
        self.assertEqual(
            figures,
            {date(2026, 1, 1): (3, 1, 2, 33.3), date(2026, 2, 1): (1, 1, 0, 100.0)},
        )

    @freeze_time("2026-03-02 02:00:00")
    def test_followups_ending_and_unpaid_once(self):
        ending = self.sign()
        unpaid = self.Subscription._care_sign(
            self.elder_named("欠费老人"), self.plan, day=date(2026, 1, 2)
        )
        quiet = self.Subscription._care_sign(
            self.elder_named("按时老人"), self.plan, day=date(2026, 3, 2)
        )
        ending.contract_id.contract_line_ids.with_user(self.finance).write(
            {"date_end": date(2026, 3, 20)}
        )
        with freeze_time("2026-01-02"):
            [move] = self.invoice(date(2026, 1, 2)).filtered(
                lambda m: m.partner_id == unpaid.payer_id
            )
        move.invoice_date_due = date(2026, 1, 10)
        move.action_post()
        Subscription = self.Subscription
        Subscription._cron_care_plan_followups()
        Subscription._cron_care_plan_followups()  # once, not twice
        summaries = {
            s: s.activity_ids.mapped("summary") for s in (ending, unpaid, quiet)
        }
        self.assertEqual(summaries[ending], ["Plan ending: propose the renewal"])
        self.assertEqual(summaries[unpaid], ["Plan invoices unpaid: call the payer"])
        self.assertEqual(summaries[quiet], [])
