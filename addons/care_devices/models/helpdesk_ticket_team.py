from odoo import models


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    def _retrieve_dashboard(self):
        """helpdesk_mgmt names its dashboard's counters in its own code, which
        only its own translation files can translate, and it ships none in
        Chinese: the emergency desk would read English there. Name them again
        with the suite's terms."""
        labels = {
            "helpdesk_mgmt.helpdesk_ticket_action_unassigned": self.env._(
                "Open Tickets without team"
            ),
            "helpdesk_mgmt.helpdesk_ticket_action_opened": self.env._("Open Tickets"),
        }
        items = super()._retrieve_dashboard()
        for item in items:
            if item.get("action") in labels:
                item["name"] = labels[item["action"]]
        return items
