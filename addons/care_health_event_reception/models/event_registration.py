from odoo import models


class EventRegistration(models.Model):
    _inherit = "event.registration"

    def _get_lead_values(self, rule):
        """Leads of health events: tagged with the event itself (a tag named
        as the event, found or made), the prospect's name for the reception."""
        values = super()._get_lead_values(rule)
        event = self.event_id[:1]
        if event.care_health_kind:
            tag = self.env["crm.tag"].sudo()._care_health_event_tag(event)
            values["tag_ids"] = list(values.get("tag_ids") or []) + tag.ids
            values["care_prospect_name"] = self[:1].name
        return values


class CrmTag(models.Model):
    _inherit = "crm.tag"

    def _care_health_event_tag(self, event):
        """The tag named as the event (one per event name)."""
        tag = self.search([("name", "=", event.name)], limit=1)
        return tag or self.create({"name": event.name})
