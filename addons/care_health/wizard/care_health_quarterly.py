from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..models.care_health_common import GROUP_LEADER, check_health_user

QUARTERS = [("1", "Q1"), ("2", "Q2"), ("3", "Q3"), ("4", "Q4")]


def _rate(part, whole):
    return 100.0 * part / whole if whole else 0.0


class CareHealthQuarterly(models.TransientModel):
    """The bureau's quarterly report: the national indicators per community
    and month or quarter, printable (QWeb PDF)."""

    _name = "care.health.quarterly"
    _description = "Quarterly Health Report"

    year = fields.Integer(
        required=True, default=lambda self: fields.Date.context_today(self).year
    )
    quarter = fields.Selection(
        QUARTERS,
        required=True,
        default=lambda self: str((fields.Date.context_today(self).month - 1) // 3 + 1),
    )
    by_month = fields.Boolean(
        string="Month by Month", help="Also give each month of the quarter."
    )
    disease = fields.Selection(
        [("hypertension", "Hypertension"), ("diabetes", "Type 2 Diabetes")],
        help="Empty: both registries.",
    )
    community_ids = fields.Many2many(
        "care.community",
        string="Communities",
        domain=[("kind", "=", "community")],
        help="Empty: every community.",
    )

    @api.constrains("year")
    def _check_year(self):
        for report in self:
            if not 2000 <= report.year <= 2100:
                raise UserError(
                    self.env._("%(year)s is not a valid year.", year=report.year)
                )

    def _periods(self):
        """(label, first day, last day) of the quarter, and of its months."""
        self.ensure_one()
        start = date(self.year, 3 * int(self.quarter) - 2, 1)
        end = start + relativedelta(months=3, days=-1)
        periods = []
        if self.by_month:
            for month in range(3):
                first = start + relativedelta(months=month)
                periods.append(
                    (
                        f"{first.year}-{first.month:02d}",
                        first,
                        first + relativedelta(months=1, days=-1),
                    )
                )
        periods.append((f"{self.year} Q{self.quarter}", start, end))
        return periods

    def _team_ids(self):
        """The teams whose figures the caller may see: every team for a
        leader, their own teams for a member."""
        Team = self.env["care.health.team"].sudo()
        if self.env.su or self.env.user.has_group(GROUP_LEADER):
            return Team.with_context(active_test=False)._search([]).get_result_ids()
        return Team.search([("member_ids", "in", self.env.user.id)]).ids

    def _indicators(self, date_from, date_to):
        """Per community (id, or 0 without one) over [date_from, date_to],
        each figure in one set-based query: registered patients; followed up
        in the period; the national completion (at least four follow-ups in
        the 12 months ending on date_to); controlled at the last follow-up of
        the period; referrals sent and returned; interventions due in the
        period and those handled within their deadline."""
        self.ensure_one()
        for model in (
            "care.health.registry",
            "care.health.followup",
            "care.health.referral",
            "care.health.intervention",
            "care.elder",
        ):
            self.env[model].flush_model()
        teams = tuple(self._team_ids()) or (0,)
        communities = self.community_ids.ids or None
        year_from = date_to - relativedelta(years=1, days=-1)
        params = {
            "teams": teams,
            "communities": communities,
            "date_from": date_from,
            "date_to": date_to,
            "year_from": min(year_from, date_from),
            "disease": self.disease or None,
        }
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                WITH reg AS (
                    SELECT r.id, COALESCE(e.community_id, 0) AS community
                      FROM care_health_registry r
                      JOIN care_elder e ON e.id = r.elder_id
                     WHERE r.team_id IN %(teams)s
                       AND r.state = 'active'
                       AND r.date_registered <= %(date_to)s
                       AND (%(disease)s::varchar IS NULL OR r.disease = %(disease)s)
                       AND (%(communities)s::int[] IS NULL
                            OR e.community_id = ANY(%(communities)s::int[]))
                ), done AS (
                    SELECT f.registry_id,
                           count(*) AS year_n,
                           count(*) FILTER (WHERE f.date_done >= %(date_from)s) AS n,
                           (array_agg(f.classification ORDER BY f.date_done DESC, f.id DESC)
                                FILTER (WHERE f.date_done >= %(date_from)s))[1] AS last
                      FROM care_health_followup f
                      JOIN reg ON reg.id = f.registry_id
                     WHERE f.state = 'done'
                       AND f.date_done BETWEEN %(year_from)s AND %(date_to)s
                     GROUP BY f.registry_id
                )
                SELECT reg.community,
                       count(*),
                       count(*) FILTER (WHERE done.n > 0),
                       count(*) FILTER (WHERE done.year_n >= 4),
                       count(*) FILTER (WHERE done.last = 'controlled')
                  FROM reg LEFT JOIN done ON done.registry_id = reg.id
                 GROUP BY reg.community
                """,
                **params,
            )
        )
        rows = {}

        def row(community):
            return rows.setdefault(
                community,
                dict.fromkeys(
                    (
                        "patients",
                        "followed",
                        "complete",
                        "controlled",
                        "referrals",
                        "returned",
                        "interventions",
                        "ontime",
                    ),
                    0,
                ),
            )

        for community, patients, followed, complete, controlled in cr.fetchall():
            row(community).update(
                patients=patients,
                followed=followed,
                complete=complete,
                controlled=controlled,
            )
        cr.execute(
            SQL(
                """
                SELECT COALESCE(e.community_id, 0),
                       count(*) FILTER (WHERE x.date_sent BETWEEN %(date_from)s AND %(date_to)s),
                       count(*) FILTER (WHERE x.date_returned BETWEEN %(date_from)s AND %(date_to)s)
                  FROM care_health_referral x
                  JOIN care_elder e ON e.id = x.elder_id
                  LEFT JOIN care_health_registry r ON r.id = x.registry_id
                 WHERE x.team_id IN %(teams)s
                   AND (x.date_sent BETWEEN %(date_from)s AND %(date_to)s
                        OR x.date_returned BETWEEN %(date_from)s AND %(date_to)s)
                   AND (%(disease)s::varchar IS NULL OR r.disease = %(disease)s)
                   AND (%(communities)s::int[] IS NULL
                            OR e.community_id = ANY(%(communities)s::int[]))
                 GROUP BY 1
                """,
                **params,
            )
        )
        for community, sent, returned in cr.fetchall():
            row(community).update(referrals=sent, returned=returned)
        # interventions due in the period (not cancelled): the 48-hour indicator
        cr.execute(
            SQL(
                """
                SELECT COALESCE(e.community_id, 0), count(*),
                       count(*) FILTER (WHERE i.on_time)
                  FROM care_health_intervention i
                  JOIN care_elder e ON e.id = i.elder_id
                 WHERE i.team_id IN %(teams)s
                   AND i.state != 'cancelled'
                   AND i.deadline >= %(date_from)s
                   AND i.deadline < %(date_to)s::date + 1
                   AND (%(communities)s::int[] IS NULL
                            OR e.community_id = ANY(%(communities)s::int[]))
                 GROUP BY 1
                """,
                **params,
            )
        )
        for community, due, ontime in cr.fetchall():
            row(community).update(interventions=due, ontime=ontime)
        for values in rows.values():
            values["followup_rate"] = _rate(values["followed"], values["patients"])
            values["completion_rate"] = _rate(values["complete"], values["patients"])
            values["control_rate"] = _rate(values["controlled"], values["followed"])
            values["return_rate"] = _rate(values["returned"], values["referrals"])
            values["ontime_rate"] = _rate(values["ontime"], values["interventions"])
        return rows

    def _report_lines(self):
        """The lines of the printed report: per period, per community (by
        name, "No community" last), and the period's total."""
        self.ensure_one()
        check_health_user(self.env)
        names = {
            community.id: community.complete_name
            for community in self.env["care.community"]
            .sudo()
            .with_context(active_test=False)
            .search([])
        }
        sums = (
            "patients",
            "followed",
            "complete",
            "controlled",
            "referrals",
            "returned",
            "interventions",
            "ontime",
        )
        lines = []
        for label, date_from, date_to in self._periods():
            rows = self._indicators(date_from, date_to)
            total = dict.fromkeys(sums, 0)
            communities = []
            for community, values in sorted(
                rows.items(), key=lambda item: (not item[0], names.get(item[0], ""))
            ):
                for key in sums:
                    total[key] += values[key]
                communities.append(
                    {
                        "name": names.get(community) or self.env._("No community"),
                        **values,
                    }
                )
            total.update(
                name=self.env._("Total"),
                followup_rate=_rate(total["followed"], total["patients"]),
                completion_rate=_rate(total["complete"], total["patients"]),
                control_rate=_rate(total["controlled"], total["followed"]),
                return_rate=_rate(total["returned"], total["referrals"]),
                ontime_rate=_rate(total["ontime"], total["interventions"]),
            )
            lines.append(
                {
                    "label": label,
                    "date_from": date_from,
                    "date_to": date_to,
                    "communities": communities,
                    "total": total,
                }
            )
        return lines

    def action_print(self):
        self.ensure_one()
        check_health_user(self.env)
        action = self.env.ref(
            "care_health.action_report_care_health_quarterly"
        ).report_action(self)
        # XML-RPC cannot send None
        return {key: value for key, value in action.items() if value is not None}


class ReportCareHealthQuarterly(models.AbstractModel):
    _name = "report.care_health.report_care_health_quarterly"
    _description = "Quarterly Health Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        check_health_user(self.env)
        docs = self.env["care.health.quarterly"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "care.health.quarterly",
            "docs": docs,
            "lines": {doc.id: doc._report_lines() for doc in docs},
            "company": self.env.company,
        }
