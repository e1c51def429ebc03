from odoo import fields, models

ACTIONS = [
    ("ack", "Acknowledged"),
    ("elder_called", "Elder called"),
    ("contacts_called", "Emergency contacts called"),
    ("responder", "Responder sent"),
    ("ambulance", "Called 120 (ambulance)"),
    ("police", "Called 110 (police)"),
    ("escalated", "Escalated to the desk lead"),
    ("closed", "Closed"),
    ("wearer_cancelled", "Cancelled by the wearer"),
]


class CareAlarmAction(models.Model):
    """One step of the emergency desk's handling of an alarm ticket.

    Evidence of the desk's answer times: written only by the ticket's
    actions (as superuser, after checking the caller), never by a client.
    """

    _name = "care.alarm.action"
    _inherit = ["care.guard.mixin"]
    _description = "Alarm Handling Step"
    _order = "date, id"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True)
    action = fields.Selection(ACTIONS, required=True)
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user)
    date = fields.Datetime(default=fields.Datetime.now, required=True)
    note = fields.Char()

    _care_protected_fields = ("ticket_id", "action", "user_id", "date", "note")
