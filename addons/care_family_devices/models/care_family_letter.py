from odoo import models
from odoo.tools import format_datetime

from odoo.addons.care_devices.models.care_vital import MEASURES


class CareFamilyLetter(models.Model):
    _inherit = "care.family.letter"

    def _care_letter_extra(self, line, start, end):
        """The month's alarms and their outcome (alarms permission)."""
        values = super()._care_letter_extra(line, start, end)
        if line.perm_health:
            values["vitals"] = self._care_letter_vitals(line, start, end)
        if not line.perm_alarms:
            return values
        env = self.env
        Ticket = env["helpdesk.ticket"]
        kinds = dict(Ticket._fields["care_alarm_kind"]._description_selection(env))
        outcomes = dict(Ticket._fields["care_outcome"]._description_selection(env))
        tickets = Ticket.sudo().search(
            [
                ("care_elder_id", "=", line.elder_id.id),
                ("care_alarm_kind", "!=", False),
                ("care_alarm_time", ">=", start),
                ("care_alarm_time", "<", end),
            ],
            order="care_alarm_time",
        )
        values["alarms"] = [
            {
                "when": format_datetime(
                    env, ticket.care_alarm_time, dt_format="MM-dd HH:mm"
                ),
                "kind": kinds.get(ticket.care_alarm_kind, ""),
                "outcome": outcomes.get(ticket.care_outcome, ""),
            }
            for ticket in tickets
        ]
        return values

    def _care_letter_vitals(self, line, start, end):
        """Average, lowest and highest of each measure over the month."""
        Reading = self.env["care.vital.reading"].sudo()
        aggregates = [f"{m}:{fn}" for m in MEASURES for fn in ("avg", "min", "max")]
        [row] = Reading._read_group(
            [
                ("elder_id", "=", line.elder_id.id),
                ("measured_at", ">=", start),
                ("measured_at", "<", end),
            ],
            [],
            aggregates,
        )
        summary = []
        for index, measure in enumerate(MEASURES):
            average, low, high = row[index * 3 : index * 3 + 3]
            if not average:
                continue
            summary.append(
                {
                    "label": Reading._fields[measure]._description_string(self.env),
                    "average": round(average, 1),
                    "low": low,
                    "high": high,
                }
            )
        return summary
