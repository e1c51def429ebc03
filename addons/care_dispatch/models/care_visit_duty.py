import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.elder_crm.models.care_elder import MEDICAL_GROUPS

_logger = logging.getLogger(__name__)
# elders planned per savepoint; a batch that fails is retried elder by elder
PLAN_BATCH = 50

VISIT_TIERS = [
    ("high", "High risk (weekly)"),
    ("priority", "Priority (monthly)"),
    ("general", "General (quarterly)"),
]
# tier: (setting care_dispatch.visit_days_<tier>, default days between visits)
VISIT_DAYS = {"high": 7, "priority": 30, "general": 90}
# subsidy categories (elder_crm xmlids) that put an elder on the visiting list
LIVING_ALONE = (
    "subsidy_category_alone",
    "subsidy_category_empty_nest",
    "subsidy_category_left_behind",
)
PRIORITY = (
    "subsidy_category_disabled_func",
    "subsidy_category_severe_disability",
    "subsidy_category_tekun",
    "subsidy_category_jisheng_special",
)


class CareElderVisitDuty(models.Model):
    """探访关爱: elders in special difficulty are visited by risk tier."""

    _name = "care.elder"
    _inherit = ["care.elder", "care.guard.mixin"]

    care_visit_tier = fields.Selection(
        VISIT_TIERS,
        "Visiting duty",
        compute="_compute_care_visit_tier",
        store=True,
        index=True,
        help="High risk: 80 or older and living alone, empty-nest or left "
        "behind (weekly). Priority: disabled, severely disabled, 特困, "
        "计划生育特殊家庭, or a health condition that needs regular visits "
        "(monthly). General: other elders living alone, empty-nest or left "
        "behind (quarterly).",
    )
    care_visit_tier_reason = fields.Char(
        "Why on the visiting list",
        compute="_compute_care_visit_tier_reason",
        help="The medical reason is only named to the medical roles; others "
        "read that there is a health reason.",
    )
    care_last_visit = fields.Datetime("Last caring visit", readonly=True)

    @api.model
    def _care_guarded_fields(self):
        # the date of the last completed caring visit: set by completion
        return super()._care_guarded_fields() | {"care_last_visit"}

    @api.depends("subsidy_category_ids", "age", "has_dementia", "state")
    def _compute_care_visit_tier(self):
        ref = self.env.ref
        alone = self.env["care.subsidy.category"].browse(
            [ref(f"elder_crm.{x}").id for x in LIVING_ALONE]
        )
        priority = self.env["care.subsidy.category"].browse(
            [ref(f"elder_crm.{x}").id for x in PRIORITY]
        )
        for elder in self:
            categories = elder.subsidy_category_ids
            if elder.state != "active":
                elder.care_visit_tier = False
            elif categories & alone and (elder.age or 0) >= 80:
                elder.care_visit_tier = "high"
            elif categories & priority or elder.has_dementia:
                elder.care_visit_tier = "priority"
            elif categories & alone:
                elder.care_visit_tier = "general"
            else:
                elder.care_visit_tier = False

    @api.depends("care_visit_tier", "subsidy_category_ids", "age")
    @api.depends_context("uid")
    def _compute_care_visit_tier_reason(self):
        ref = self.env.ref
        alone = self.env["care.subsidy.category"].browse(
            [ref(f"elder_crm.{x}").id for x in LIVING_ALONE]
        )
        priority = self.env["care.subsidy.category"].browse(
            [ref(f"elder_crm.{x}").id for x in PRIORITY]
        )
        medical = self.env.user.has_groups(MEDICAL_GROUPS)
        for elder in self:
            tier = elder.care_visit_tier
            categories = elder.subsidy_category_ids
            if not tier:
                reason = False
            elif tier == "priority" and not categories & priority:
                # only a diagnosis puts the elder there: say so to those who
                # may read it, and only that there is one to the others
                reason = (
                    self.env._("Dementia")
                    if medical
                    else self.env._("A health reason (ask the care coordinator)")
                )
            else:
                listed = categories & (priority if tier == "priority" else alone)
                reason = ", ".join(listed.mapped("name"))
                if tier == "high":
                    reason = self.env._(
                        "%(categories)s, 80 or older", categories=reason
                    )
            elder.care_visit_tier_reason = reason

    @api.model
    def _cron_plan_duty_visits(self, window_days=3):
        """A caring-visit order for every elder on the list whose last visit
        (done, or planned for; not cancelled) is older than the tier's period.

        What is due is read from the orders, not from today's date: a run
        that was missed is caught up by the next one. An elder whose order
        cannot be created is logged and reported to the dispatch lead; the
        others are planned. Returns the orders."""
        Order = self.env["fsm.order"]
        category = self.env.ref("care_dispatch.cat_visit")
        cancelled = self.env.ref("fieldservice.fsm_stage_cancelled")
        now = fields.Datetime.now()
        Order.flush_model(
            [
                "care_elder_id",
                "care_category_id",
                "create_date",
                "stage_id",
                "date_end",
                "request_early",
            ]
        )
        self.flush_model(["care_visit_tier", "state"])
        elders = self.browse()
        for tier, default in VISIT_DAYS.items():
            days = Order._care_setting(f"visit_days_{tier}", default)
            self.env.cr.execute(
                """
                SELECT e.id
                  FROM care_elder e
                 WHERE e.care_visit_tier = %s
                   AND e.state = 'active'
                   AND NOT EXISTS (
                        SELECT 1 FROM fsm_order o
                         WHERE o.care_elder_id = e.id
                           AND o.care_category_id = %s
                           AND o.stage_id != %s
                           AND COALESCE(o.date_end, o.request_early, o.create_date)
                               > %s)
                """,
                [tier, category.id, cancelled.id, now - timedelta(days=days)],
            )
            elders |= self.browse(row[0] for row in self.env.cr.fetchall())
        homeless = elders.filtered(lambda e: not (e.street or e.city))
        for elder in homeless:
            elder.message_post(
                body=self.env._("No caring visit planned: the archive has no address."),
                message_type="notification",
            )
        orders, failed = (elders - homeless)._care_plan_visits(
            category, now, window_days
        )
        if failed:
            Order._care_report_failures(
                self.env._("Caring visits not planned"), failed.mapped("display_name")
            )
        return orders

    def _care_plan_visits(self, category, now, window_days):
        """Create the caring-visit orders of these elders, a batch per
        savepoint; a batch that fails is done again elder by elder so that
        one bad archive does not stop the others. Returns (orders, elders
        that failed)."""
        Order = self.env["fsm.order"]
        orders = Order.browse()
        failed = self.browse()

        def plan(elders):
            with self.env.cr.savepoint():
                return Order.create(
                    [
                        {
                            "care_elder_id": elder.id,
                            "care_category_id": category.id,
                            "request_early": now,
                            "request_late": now + timedelta(days=window_days),
                        }
                        for elder in elders
                    ]
                )

        for start in range(0, len(self), PLAN_BATCH):
            batch = self[start : start + PLAN_BATCH]
            try:
                orders |= plan(batch)
                continue
            except Exception:
                if len(batch) == 1:
                    _logger.exception("No caring visit planned for elder %s", batch.id)
                    failed |= batch
                    continue
            for elder in batch:
                try:
                    orders |= plan(elder)
                except Exception:
                    _logger.exception("No caring visit planned for elder %s", elder.id)
                    failed |= elder
        return orders, failed


class CareVisitDutyReport(models.Model):
    """The monthly visit rate (月探访率) of the elders on the visiting list:
    one row per listed elder and month of the last twelve; *visited* when a
    caring visit was completed that month. The tier is today's."""

    _name = "care.visit.duty.report"
    _description = "Visiting Duty Report"
    _auto = False
    _order = "month desc"

    elder_id = fields.Many2one("care.elder", readonly=True)
    community_id = fields.Many2one("care.community", readonly=True)
    street_office_id = fields.Many2one("care.community", readonly=True)
    tier = fields.Selection(VISIT_TIERS, "Visiting duty", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    month = fields.Date(readonly=True)
    elders = fields.Integer("Elders on the list", readonly=True, aggregator="sum")
    visited = fields.Integer(readonly=True, aggregator="sum")
    visit_rate = fields.Float("Visit rate (%)", readonly=True, aggregator="avg")

    @property
    def _table_query(self):
        # the catalogue loads after the security rules that check this view
        visit = self.env.ref("care_dispatch.cat_visit", raise_if_not_found=False)
        visit = visit.id if visit else 0
        cancelled = self.env.ref("fieldservice.fsm_stage_cancelled").id
        return SQL(
            """
            SELECT e.id * 10000 + MOD(EXTRACT(YEAR FROM m)::int, 100) * 12
                   + EXTRACT(MONTH FROM m)::int AS id,
                   e.id AS elder_id,
                   e.community_id,
                   e.street_office_id,
                   e.care_visit_tier AS tier,
                   e.company_id,
                   m::date AS month,
                   1 AS elders,
                   v.visited,
                   v.visited * 100.0 AS visit_rate
              FROM care_elder e
        CROSS JOIN generate_series(
                       date_trunc('month', NOW() AT TIME ZONE 'UTC') - INTERVAL '11 months',
                       date_trunc('month', NOW() AT TIME ZONE 'UTC'),
                       INTERVAL '1 month') m
        CROSS JOIN LATERAL (
                SELECT CASE WHEN EXISTS (
                        SELECT 1 FROM fsm_order o
                          JOIN fsm_stage s ON s.id = o.stage_id
                         WHERE o.care_elder_id = e.id
                           AND o.care_category_id = %(visit)s
                           AND s.is_closed AND s.id != %(cancelled)s
                           AND o.date_end >= m AND o.date_end < m + INTERVAL '1 month'
                       ) THEN 1 ELSE 0 END AS visited) v
             WHERE e.care_visit_tier IS NOT NULL
            """,
            visit=visit,
            cancelled=cancelled,
        )

    @api.model
    def _search(self, domain, *args, **kwargs):
        self.env["fsm.order"].flush_model()
        self.env["care.elder"].flush_model(["care_visit_tier", "community_id"])
        return super()._search(domain, *args, **kwargs)
