from odoo import api, fields, models
from odoo.exceptions import UserError


class CareElder(models.Model):
    _inherit = ["care.elder", "care.guard.mixin"]
    _name = "care.elder"

    care_satisfaction_score = fields.Float(
        "Family satisfaction (%)",
        readonly=True,
        aggregator="avg",
        help="Score of the family's satisfaction survey a week after signing.",
    )

    @api.model
    def _care_guarded_fields(self):
        # the family's answer sets it (survey.user_input), nobody types it
        return super()._care_guarded_fields() | {"care_satisfaction_score"}

    def action_care_link_lead(self):
        """From the lead's list of elders with its number: link that lead
        (``care_lead_id`` in the context) to this elder. The lead's method
        checks the caller, the lead and the match."""
        self.ensure_one()
        lead_id = self.env.context.get("care_lead_id")
        if not isinstance(lead_id, int) or isinstance(lead_id, bool):
            raise UserError(self.env._("Open the lead to link it to an elder."))
        lead = self.env["crm.lead"].browse(lead_id).exists()
        if not lead:
            raise UserError(self.env._("Open the lead to link it to an elder."))
        lead.action_care_link_elder(self.id)
        return {"type": "ir.actions.client", "tag": "soft_reload"}
