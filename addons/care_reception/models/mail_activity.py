from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        """A reception follow-up done schedules the next one of the tier."""
        followup = self.env.ref(
            "care_reception.mail_activity_type_followup", raise_if_not_found=False
        )
        leads = self.env["crm.lead"]
        if followup:
            leads = self.env["crm.lead"].browse(
                a.res_id
                for a in self
                if a.res_model == "crm.lead" and a.activity_type_id == followup
            )
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        leads.exists()._care_followup_done()
        return result
