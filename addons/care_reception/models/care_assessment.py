from odoo import api, models


class CareAssessment(models.Model):
    _inherit = "care.assessment"

    @api.model_create_multi
    def create(self, vals_list):
        """An assessment started from a lead is the lead's needs assessment."""
        assessments = super().create(vals_list)
        lead_id = self.env.context.get("care_lead_id")
        if lead_id:
            lead = self.env["crm.lead"].browse(lead_id).exists()
            gbt = assessments.filtered(lambda a: a.assessment_type == "gbt42195")
            if lead and gbt:
                lead.care_assessment_id = gbt[:1]
        return assessments
