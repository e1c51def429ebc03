from odoo import fields, models


class CareCall(models.Model):
    _inherit = "care.call"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", "Emergency ticket", index="btree_not_null", copy=False
    )

    def _care_hand_over_emergency(self):
        """An emergency call opens (or joins) the elder's ticket on the desk;
        an unknown caller still reaches the desk's lead as before."""
        self.ensure_one()
        if not self.elder_id:
            return super()._care_hand_over_emergency()
        ticket = (
            self.env["helpdesk.ticket"]
            .sudo()
            ._care_open_emergency_ticket(
                self.elder_id,
                kind="phone",
                description=self.summary or False,
                origin=self,
            )
        )
        self.ticket_id = ticket
        return ticket
