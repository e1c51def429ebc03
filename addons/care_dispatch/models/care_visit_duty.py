from datetime import timedelta

from odoo import _, api, fields, models

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

    _inherit = "care.elder"

    care_visit_tier = fields.Selection(
        VISIT_TIERS,
        "Visiting duty",
        compute="_compute_care_visit_tier",
        store=True,
        index=True,
        help="High risk: 80 or older and living alone, empty-nest or left "
        "behind (weekly). Priority: disabled, severely disabled, with dementia, "
        "特困 or 计划生育特殊家庭 (monthly). General: other elders living "
        "alone, empty-nest or left behind (quarterly).",
    )
    care_last_visit = fields.Datetime("Last caring visit", readonly=True)

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

    @api.model
    def _cron_plan_duty_visits(self, window_days=3):
        """A caring-visit order for every elder on the list whose last visit
        (done or planned) is older than the tier's period. Returns the orders."""
        Order = self.env["fsm.order"]
        category = self.env.ref("care_dispatch.cat_visit")
        now = fields.Datetime.now()
        Order.flush_model(["care_elder_id", "care_category_id", "create_date"])
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
                           AND o.create_date > %s)
                """,
                [tier, category.id, now - timedelta(days=days)],
            )
            elders |= self.browse(row[0] for row in self.env.cr.fetchall())
        homeless = elders.filtered(lambda e: not (e.street or e.city))
        for elder in homeless:
            elder.message_post(
                body=_("No caring visit planned: the archive has no address."),
                message_type="notification",
            )
        orders = Order.create(
            [
                {
                    "care_elder_id": elder.id,
                    "care_category_id": category.id,
                    "request_early": now,
                    "request_late": now + timedelta(days=window_days),
                }
                for elder in elders - homeless
            ]
        )
        return orders


class CareVisitDutyReport(models.Model):
    """The monthly visit rate (月探访率) of the elders on the visiting list:
    one row per listed elder and month of the last twelve; *visited* when a
    caring visit was completed that month. The tier is today's."""

    _name = "care.visit.duty.report"
    _description = "Visiting Duty Report"
    _auto = False
    _order = "month desc"

    elder_id = fields.Many2one("care.elder", "Elder", readonly=True)
    community_id = fields.Many2one("care.community", "Community", readonly=True)
    street_office_id = fields.Many2one("care.community", "Street Office", readonly=True)
    tier = fields.Selection(VISIT_TIERS, "Visiting duty", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    month = fields.Date(readonly=True)
    elders = fields.Integer("Elders on the list", readonly=True, aggregator="sum")
    visited = fields.Integer("Visited", readonly=True, aggregator="sum")
    visit_rate = fields.Float("Visit rate (%)", readonly=True, aggregator="avg")

    @property
    def _table_query(self):
        # the catalogue loads after the security rules that check this view
        visit = self.env.ref("care_dispatch.cat_visit", raise_if_not_found=False)
        visit = visit.id if visit else 0
        cancelled = self.env.ref("fieldservice.fsm_stage_cancelled").id
        return f"""
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
                           AND o.care_category_id = {int(visit)}
                           AND s.is_closed AND s.id != {int(cancelled)}
                           AND o.date_end >= m AND o.date_end < m + INTERVAL '1 month'
                       ) THEN 1 ELSE 0 END AS visited) v
             WHERE e.care_visit_tier IS NOT NULL
        """

    @api.model
    def _search(self, domain, *args, **kwargs):
        self.env["fsm.order"].flush_model()
        self.env["care.elder"].flush_model(["care_visit_tier", "community_id"])
        return super()._search(domain, *args, **kwargs)
