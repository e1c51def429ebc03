from odoo import fields, models


class CareCommunity(models.Model):
    _inherit = "care.community"

    territory_id = fields.Many2one(
        "res.territory",
        "Service territory",
        help="Providers covering this territory serve the community's elders "
        "(a community without one takes its parent's).",
    )

    def _care_territory(self):
        self.ensure_one()
        community = self
        while community and not community.territory_id:
            community = community.parent_id
        return community.territory_id
