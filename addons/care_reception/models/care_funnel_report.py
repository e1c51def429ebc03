from odoo import api, fields, models
from odoo.tools import SQL


class CareFunnelReport(models.Model):
    """The reception funnel: one row per lead and stage it reached.

    Built on the exact stage history: *reached* counts the leads that entered
    the stage, *converted* those that went on to a later stage, *dropped*
    those lost while in it; hours are the time spent in it (until now for the
    leads still there).
    """

    _name = "care.funnel.report"
    _description = "Reception Funnel"
    _auto = False
    _order = "stage_sequence, date_in desc"

    lead_id = fields.Many2one("crm.lead", readonly=True)
    stage_id = fields.Many2one("crm.stage", readonly=True)
    stage_sequence = fields.Integer(readonly=True)
    user_id = fields.Many2one("res.users", "Receptionist", readonly=True)
    team_id = fields.Many2one("crm.team", readonly=True)
    source_id = fields.Many2one("utm.source", "Referral source", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date_in = fields.Datetime("Entered", readonly=True)
    reached = fields.Integer(readonly=True, aggregator="sum")
    converted = fields.Integer(readonly=True, aggregator="sum")
    dropped = fields.Integer(readonly=True, aggregator="sum")
    still_there = fields.Integer("Still in stage", readonly=True, aggregator="sum")
    hours = fields.Float("Hours in stage", readonly=True, aggregator="avg")
    conversion = fields.Float(
        "Conversion (%)", readonly=True, aggregator="avg", help="100 if converted."
    )
    followup_on_time = fields.Float(
        "First follow-up on time (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the enquiries whose first follow-up was done within its "
        "intent's cadence (counted once per enquiry, on its entry stage).",
    )
    followup_measured = fields.Integer(
        "Enquiries followed up",
        readonly=True,
        aggregator="sum",
        help="Enquiries whose first follow-up is done (on time or late).",
    )

    @property
    def _table_query(self):
        return self._funnel_query()

    def _funnel_query(self, by_tag=False):
        """One row per stage stay; ``by_tag``: one per stay and tag of the lead."""
        if by_tag:
            row_id = SQL("h.id::bigint * 100000 + t.tag_id")
            tag_col = SQL(", t.tag_id")
            tag_join = SQL("JOIN crm_tag_rel t ON t.lead_id = h.lead_id")
        else:
            row_id, tag_col, tag_join = SQL("h.id"), SQL(), SQL()
        return SQL(
            """
            SELECT %(row_id)s AS id,
                   h.lead_id,
                   h.stage_id,
                   s.sequence AS stage_sequence,
                   h.user_id,
                   h.team_id,
                   h.source_id,
                   h.company_id,
                   h.date_in,
                   1 AS reached,
                   CASE WHEN h.date_out IS NOT NULL AND h.dropped IS NOT TRUE
                        THEN 1 ELSE 0 END AS converted,
                   CASE WHEN h.dropped IS TRUE THEN 1 ELSE 0 END AS dropped,
                   CASE WHEN h.date_out IS NULL THEN 1 ELSE 0 END AS still_there,
                   EXTRACT(EPOCH FROM (COALESCE(h.date_out, NOW() AT TIME ZONE 'UTC')
                                       - h.date_in)) / 3600.0 AS hours,
                   CASE WHEN h.date_out IS NOT NULL AND h.dropped IS NOT TRUE
                        THEN 100.0 ELSE 0.0 END AS conversion,
                   CASE WHEN h.first_stage AND l.care_first_followup_on_time = 'yes'
                        THEN 100.0
                        WHEN h.first_stage AND l.care_first_followup_on_time = 'no'
                        THEN 0.0 END AS followup_on_time,
                   CASE WHEN h.first_stage
                         AND l.care_first_followup_on_time IS NOT NULL
                        THEN 1 ELSE 0 END AS followup_measured
                   %(tag_col)s
              FROM care_lead_stage_history h
              JOIN crm_stage s ON s.id = h.stage_id
              JOIN crm_lead l ON l.id = h.lead_id
              %(tag_join)s
            """,
            row_id=row_id,
            tag_col=tag_col,
            tag_join=tag_join,
        )

    @api.model
    def _search(self, domain, *args, **kwargs):
        # the view reads other tables: write what is pending there first
        self.env["care.lead.stage.history"].flush_model()
        self.env["crm.lead"].flush_model(["care_first_followup_on_time", "tag_ids"])
        return super()._search(domain, *args, **kwargs)

    @api.model
    @api.readonly
    def stage_times(self, domain=None):
        """Median and p90 hours spent in each stage (closed stays only).

        ``domain`` filters the report rows (e.g. on ``date_in``). Returns a
        list of ``{stage_id, stage, reached, converted, dropped, median_hours,
        p90_hours}`` in stage order (False for a stage nobody has left yet).
        Callable over XML-RPC.
        """
        query = self._search(domain or [])
        sql = SQL(
            """
            SELECT r.stage_id,
                   MIN(r.stage_sequence),
                   SUM(r.reached), SUM(r.converted), SUM(r.dropped),
                   PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY r.hours)
                       FILTER (WHERE r.still_there = 0),
                   PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY r.hours)
                       FILTER (WHERE r.still_there = 0)
              FROM %s r
             WHERE r.id IN %s
          GROUP BY r.stage_id
          ORDER BY 2, 1
            """,
            self._table_sql,
            query.subselect(),
        )
        self.env.cr.execute(sql)
        stages = self.env["crm.stage"]
        result = []
        for (
            stage_id,
            _seq,
            reached,
            converted,
            dropped,
            median,
            p90,
        ) in self.env.cr.fetchall():
            result.append(
                {
                    "stage_id": stage_id,
                    "stage": stages.browse(stage_id).name,
                    "reached": reached,
                    "converted": converted,
                    "dropped": dropped,
                    # False, not None: XML-RPC cannot carry None
                    "median_hours": median if median is not None else False,
                    "p90_hours": p90 if p90 is not None else False,
                }
            )
        return result


class CareFunnelTagReport(models.Model):
    """The funnel by reception tag: each lead counts once under each of its
    tags (a lead tagged twice is in two rows), so compare tags with each
    other, not with the funnel's totals."""

    _name = "care.funnel.tag.report"
    _inherit = "care.funnel.report"
    _description = "Reception Funnel by Tag"
    _auto = False

    tag_id = fields.Many2one("crm.tag", readonly=True)

    @property
    def _table_query(self):
        return self._funnel_query(by_tag=True)
