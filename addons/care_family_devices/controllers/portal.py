from datetime import timedelta

from odoo import fields
from odoo.http import request

from odoo.addons.care_devices.models.care_vital import MEASURES
from odoo.addons.care_family.controllers.portal import CareFamilyPortal

ALARMS_SHOWN = 20
VITAL_DAYS = 30
VITAL_READINGS = 500
# the sparkline's box (SVG user units)
CHART_WIDTH, CHART_HEIGHT = 300, 60


class CareFamilyDevicesPortal(CareFamilyPortal):
    def _care_extra_sections(self, line):
        values = super()._care_extra_sections(line)
        values["alarms"] = self._care_alarms(line) if line.perm_alarms else None
        values["vitals"] = self._care_vitals(line) if line.perm_health else None
        return values

    def _care_vitals(self, line):
        """The last days' readings of each measure: latest, lowest, highest
        and a sparkline (an inline SVG polyline of numbers: no script, no
        request)."""
        env = request.env
        Reading = env["care.vital.reading"]
        readings = (
            Reading.sudo()
            .search(
                [
                    ("elder_id", "=", line.elder_id.id),
                    (
                        "measured_at",
                        ">=",
                        fields.Datetime.now() - timedelta(days=VITAL_DAYS),
                    ),
                ],
                order="measured_at desc, id desc",
                limit=VITAL_READINGS,
            )
            .sorted(lambda reading: (reading.measured_at, reading.id))
        )
        charts = []
        for measure in MEASURES:
            values = [reading[measure] for reading in readings if reading[measure]]
            if not values:
                continue
            low, high = min(values), max(values)
            span = (high - low) or 1
            step = CHART_WIDTH / max(len(values) - 1, 1)
            points = " ".join(
                f"{index * step:.1f},"
                f"{CHART_HEIGHT - 5 - (value - low) / span * (CHART_HEIGHT - 10):.1f}"
                for index, value in enumerate(values)
            )
            charts.append(
                {
                    "measure": measure,
                    "label": Reading._fields[measure]._description_string(env),
                    "latest": values[-1],
                    "low": low,
                    "high": high,
                    "count": len(values),
                    "points": points,
                }
            )
        return charts

    def _care_alarms(self, line):
        """The elder's last alarms with the desk's handling trail: the kind
        of each step and when, never the staff's notes or names."""
        env = request.env
        tickets = (
            env["helpdesk.ticket"]
            .sudo()
            .search(
                [
                    ("care_elder_id", "=", line.elder_id.id),
                    ("care_alarm_kind", "!=", False),
                ],
                order="care_alarm_time desc, id desc",
                limit=ALARMS_SHOWN,
            )
        )
        Ticket = env["helpdesk.ticket"]
        kinds = dict(Ticket._fields["care_alarm_kind"]._description_selection(env))
        outcomes = dict(Ticket._fields["care_outcome"]._description_selection(env))
        steps = dict(
            env["care.alarm.action"]._fields["action"]._description_selection(env)
        )
        trails = {}
        for action in (
            env["care.alarm.action"]
            .sudo()
            .search([("ticket_id", "in", tickets.ids)], order="date, id")
        ):
            trails.setdefault(action.ticket_id.id, []).append(
                {
                    "step": steps.get(action.action, ""),
                    "when": self._care_dt(action.date),
                }
            )
        return [
            {
                "kind": kinds.get(ticket.care_alarm_kind, ""),
                "when": self._care_dt(ticket.care_alarm_time or ticket.create_date),
                "count": ticket.care_alarm_count,
                "acknowledged": self._care_dt(ticket.care_ack_date),
                "closed": bool(ticket.closed),
                "outcome": outcomes.get(ticket.care_outcome, ""),
                "trail": trails.get(ticket.id, []),
            }
            for ticket in tickets
        ]
