from odoo import api, fields, models

from .event_type import HEALTH_KINDS


class EventEvent(models.Model):
    _inherit = "event.event"

    care_health_kind = fields.Selection(
        HEALTH_KINDS,
        string="Health Event Kind",
        compute="_compute_care_health_kind",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
    )
    care_health_team_id = fields.Many2one(
        "care.health.team",
        string="Health Team",
        help="The family-doctor team running the event.",
    )
    care_elder_count = fields.Integer(
        string="Elders Registered", compute="_compute_care_counts"
    )
    care_public_count = fields.Integer(
        string="Not yet Elders", compute="_compute_care_counts"
    )

    @api.depends("event_type_id")
    def _compute_care_health_kind(self):
        for event in self:
            if event.event_type_id.care_health_kind:
                event.care_health_kind = event.event_type_id.care_health_kind

    def _compute_care_counts(self):
        Registration = self.env["event.registration"]
        domain = [("event_id", "in", self.ids), ("state", "!=", "cancel")]
        elders = dict(
            Registration._read_group(
                [*domain, ("care_elder_id", "!=", False)], ["event_id"], ["__count"]
            )
        )
        public = dict(
            Registration._read_group(
                [*domain, ("care_elder_id", "=", False)], ["event_id"], ["__count"]
            )
        )
        for event in self:
            event.care_elder_count = elders.get(event, 0)
            event.care_public_count = public.get(event, 0)
