from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.care_health.models.care_health_common import check_health_user


class EventRegistration(models.Model):
    _name = "event.registration"
    _inherit = ["event.registration", "care.guard.mixin"]
    _care_protected_fields = ("care_screening_id",)

    care_elder_id = fields.Many2one(
        "care.elder",
        string="Elder",
        index="btree_not_null",
        ondelete="set null",
        help="The elder of the archive who registered; empty for people who "
        "are not (yet) elders of the centre.",
    )
    care_health_kind = fields.Selection(related="event_id.care_health_kind")
    care_screening_id = fields.Many2one(
        "care.health.screening",
        string="Screening",
        readonly=True,
        copy=False,
        groups="care_health.group_health_member",
    )

    _sql_constraints = [
        (
            "care_elder_event_uniq",
            "unique(event_id, care_elder_id)",
            "This elder is already registered for this event.",
        ),
    ]

    def _care_check_elder_access(self, vals):
        """An elder is linked only by a caller who may read that elder: the
        registration copies the elder's name and phone."""
        if self.env.su or not vals.get("care_elder_id"):
            return
        self.env["care.elder"].browse(vals["care_elder_id"]).check_access("read")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._care_check_elder_access(vals)
            if vals.get("care_elder_id") and not vals.get("partner_id"):
                elder = self.env["care.elder"].sudo().browse(vals["care_elder_id"])
                vals["partner_id"] = elder.partner_id.id
        return super().create(vals_list)

    def write(self, vals):
        self._care_check_elder_access(vals)
        return super().write(vals)

    @api.constrains("care_elder_id", "partner_id")
    def _check_elder_partner(self):
        for registration in self.filtered("care_elder_id"):
            partner = registration.sudo().care_elder_id.partner_id
            if registration.partner_id and registration.partner_id != partner:
                raise ValidationError(
                    self.env._(
                        "The registration of %(elder)s must be booked for the "
                        "elder's own contact.",
                        elder=registration.sudo().care_elder_id.name,
                    )
                )

    def action_care_record_screening(self):
        """Open the screening entry for this attendee (health team only)."""
        self.ensure_one()
        check_health_user(self.env)
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Screening at the Event"),
            "res_model": "care.health.event.screening",
            "view_mode": "form",
            "target": "new",
            "context": {"default_registration_id": self.id},
        }
