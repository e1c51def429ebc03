from odoo import fields, models

from ..models.helpdesk_ticket import OUTCOMES


class CareAlarmCloseWizard(models.TransientModel):
    _name = "care.alarm.close.wizard"
    _description = "Close an Alarm"

    ticket_id = fields.Many2one("helpdesk.ticket", required=True)
    # the wearer's cancel is the device's, not the desk's
    outcome = fields.Selection(
        [o for o in OUTCOMES if o[0] != "wearer_cancelled"], required=True
    )
    note = fields.Char()

    def action_confirm(self):
        self.ticket_id._care_close(self.outcome, self.note)
        return {"type": "ir.actions.act_window_close"}
