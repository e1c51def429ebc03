from odoo import api, fields, models


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
