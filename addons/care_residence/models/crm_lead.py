from odoo import fields, models
from odoo.exceptions import UserError

from .residence import RECEPTION, check_group


class CrmLead(models.Model):
    _inherit = "crm.lead"

    care_waiting_ids = fields.One2many(
        "care.residence.waiting", "lead_id", "Waiting List Entries"
    )

    def action_care_add_waiting(self):
        """A signed (won) lead's elder joins the home's waiting list."""
        check_group(self.env, RECEPTION)
        self.ensure_one()
        self.check_access("write")
        if not self.stage_id.is_won or not self.care_elder_id:
            raise UserError(
                self.env._(
                    "Only a signed lead with an elder archive joins the waiting list."
                )
            )
        Waiting = self.env["care.residence.waiting"]
        entry = Waiting.search(
            [
                ("elder_id", "=", self.care_elder_id.id),
                ("state", "in", ("waiting", "reserved")),
            ],
            limit=1,
        )
        if not entry:
            entry = Waiting.create(
                {
                    "elder_id": self.care_elder_id.id,
                    "company_id": (self.company_id or self.env.company).id,
                    "lead_id": self.id,
                    "gbt_level": self.care_level,
                    "dementia_unit": self.care_elder_id.has_dementia,
                }
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "care.residence.waiting",
            "res_id": entry.id,
            "view_mode": "form",
        }
