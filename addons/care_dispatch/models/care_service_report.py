from odoo import api, fields, models, tools
from odoo.exceptions import UserError

STEPS = ("dispatch", "accept", "start", "done")


class CareServiceReport(models.Model):
    """Service orders for the managers and the bureau: demand by service,
    community and month, and how fast each step followed the request."""

    _name = "care.service.report"
    _description = "Service Report"
    _auto = False
    _order = "date desc"

    order_id = fields.Many2one("fsm.order", readonly=True)
    date = fields.Datetime("Requested", readonly=True)
    elder_id = fields.Many2one("care.elder", readonly=True)
    category_id = fields.Many2one("care.service.category", "Service", readonly=True)
    provider_id = fields.Many2one("care.provider", readonly=True)
    community_id = fields.Many2one("care.community", readonly=True)
    street_office_id = fields.Many2one("care.community", readonly=True)
    urgency = fields.Selection(
        [("normal", "Normal"), ("urgent", "Urgent"), ("emergency", "Emergency")],
        readonly=True,
    )
    company_id = fields.Many2one("res.company", readonly=True)
    count = fields.Integer("Orders", readonly=True, aggregator="sum")
    done = fields.Integer("Completed", readonly=True, aggregator="sum")
    cancelled = fields.Integer(readonly=True, aggregator="sum")
    hours_dispatch = fields.Float("Hours to dispatch", readonly=True, aggregator="avg")
    hours_accept = fields.Float("Hours to acceptance", readonly=True, aggregator="avg")
    hours_start = fields.Float("Hours to start", readonly=True, aggregator="avg")
    hours_done = fields.Float("Hours to completion", readonly=True, aggregator="avg")
    service_hours = fields.Float("Service hours", readonly=True, aggregator="sum")

    @property
    def _table_query(self):
        cancelled = self.env.ref("fieldservice.fsm_stage_cancelled").id
        return tools.SQL(
            """
            SELECT o.id AS id,
                   o.id AS order_id,
                   o.create_date AS date,
                   o.care_elder_id AS elder_id,
                   o.care_category_id AS category_id,
                   o.care_provider_id AS provider_id,
                   e.community_id,
                   e.street_office_id,
                   o.care_urgency AS urgency,
                   o.company_id,
                   1 AS count,
                   CASE WHEN s.is_closed AND s.id != %(cancelled)s THEN 1 ELSE 0 END AS done,
                   CASE WHEN s.id = %(cancelled)s THEN 1 ELSE 0 END AS cancelled,
                   EXTRACT(EPOCH FROM o.care_dispatched_at - o.create_date) / 3600
                       AS hours_dispatch,
                   EXTRACT(EPOCH FROM o.care_accepted_at - o.create_date) / 3600
                       AS hours_accept,
                   EXTRACT(EPOCH FROM o.care_checkin_at - o.create_date) / 3600
                       AS hours_start,
                   CASE WHEN s.is_closed AND s.id != %(cancelled)s
                        THEN EXTRACT(EPOCH FROM COALESCE(o.date_end, o.write_date)
                                     - o.create_date) / 3600 END AS hours_done,
                   EXTRACT(EPOCH FROM o.care_checkout_at - o.care_checkin_at) / 3600
                       AS service_hours
              FROM fsm_order o
              JOIN fsm_stage s ON s.id = o.stage_id
              JOIN care_elder e ON e.id = o.care_elder_id
            """,
            cancelled=cancelled,
        )

    @api.model
    def _search(self, domain, *args, **kwargs):
        self.env["fsm.order"].flush_model()
        self.env["care.elder"].flush_model(["community_id", "street_office_id"])
        return super()._search(domain, *args, **kwargs)

    @api.model
    @api.readonly
    def response_times(self, domain=None):
        """Median and p90 hours from request to dispatch, acceptance, start
        and completion, over the orders of ``domain``. Callable over XML-RPC:
        ``{step: {"median": h, "p90": h, "orders": n}}`` (False when none)."""
        if domain is not None and not isinstance(domain, list):
            raise UserError(self.env._("A domain is a list of conditions."))
        try:
            query = self._search(domain or [])
        except (ValueError, TypeError, KeyError) as error:
            raise UserError(
                self.env._("This domain cannot be read: %s", error)
            ) from None
        parts = []
        for step in STEPS:
            column = tools.SQL.identifier(f"hours_{step}")
            parts.append(
                tools.SQL(
                    "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY %s), "
                    "PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY %s), COUNT(%s)",
                    column,
                    column,
                    column,
                )
            )
        self.env.cr.execute(
            tools.SQL(
                "SELECT %s FROM %s r WHERE r.id IN %s",
                tools.SQL(", ").join(parts),
                tools.SQL("(%s)", self._table_query),
                query.subselect(),
            )
        )
        row = self.env.cr.fetchone()
        result = {}
        for index, step in enumerate(STEPS):
            median, p90, count = row[index * 3 : index * 3 + 3]
            result[step] = {
                "median": median if median is not None else False,
                "p90": p90 if p90 is not None else False,
                "orders": count,
            }
        return result
