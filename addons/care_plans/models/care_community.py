from odoo import fields, models

from .care_plan import MANAGER, check_group


class CareCommunity(models.Model):
    _inherit = "care.community"

    care_model_household_id = fields.Many2one(
        "care.elder",
        "Model household",
        domain="[('community_id', '=', id)]",
        help="The one household of this community chosen by the care manager "
        "for the model-household promotion.",
    )

    def write(self, vals):
        if "care_model_household_id" in vals:
            check_group(
                self.env,
                MANAGER,
                self.env._("Only the care manager chooses the model household."),
            )
        return super().write(vals)
