from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    @api.model_create_multi
    def create(self, vals_list):
        events = super().create(vals_list)
        lead_id = self.env.context.get("care_tour_lead_id")
        if lead_id:
            now = fields.Datetime.now()
            for event in events:
                if event.start and event.start < now:
                    raise ValidationError(
                        self.env._(
                            "A tour cannot be scheduled in the past (%s): "
                            "choose a time to come.",
                            fields.Datetime.to_string(event.start),
                        )
                    )
            self.env["crm.lead"].browse(lead_id).care_tour_event_id = events[:1]
        return events
