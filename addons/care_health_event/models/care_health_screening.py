from odoo import fields, models


class CareHealthScreening(models.Model):
    _inherit = "care.health.screening"
    _care_protected_fields = ("state", "event_id")

    event_id = fields.Many2one(
        "event.event",
        string="Health Event",
        readonly=True,
        index="btree_not_null",
        help="The check-up or screening day where the values were taken.",
    )
