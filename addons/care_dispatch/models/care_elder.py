from odoo import api, fields, models
from odoo.exceptions import UserError


class CareElder(models.Model):
    _inherit = "care.elder"

    fsm_location_id = fields.Many2one(
        "fsm.location",
        "Service location",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Where service orders are carried out: the elder's own address "
        "(the location shares the elder's contact, so it always follows it).",
    )
    fsm_order_ids = fields.One2many("fsm.order", "care_elder_id", "Service orders")

    @api.model_create_multi
    def create(self, vals_list):
        elders = super().create(vals_list)
        call_id = self.env.context.get("care_call_id")
        if call_id and len(elders) == 1:
            call = self.env["care.call"].browse(call_id).exists()
            if call and not call.elder_id:
                call.elder_id = elders
        return elders

    def _care_fsm_location(self):
        """The elder's service location, created on first use."""
        self.ensure_one()
        if not (self.street or self.city):
            raise UserError(
                self.env._(
                    "%(elder)s has no address: record it on the elder's archive "
                    "before requesting a service at home.",
                    elder=self.name,
                )
            )
        area = self.grid_id or self.community_id
        territory = area._care_territory() if area else False
        if not self.fsm_location_id:
            self.sudo().fsm_location_id = (
                self.env["fsm.location"]
                .sudo()
                .create(
                    {
                        "partner_id": self.partner_id.id,
                        "owner_id": self.partner_id.id,
                        "territory_id": territory and territory.id,
                    }
                )
            )
        elif territory and self.fsm_location_id.territory_id != territory:
            self.fsm_location_id.sudo().territory_id = territory
        return self.fsm_location_id

    def _care_worker_notes(self):
        """The worker's notes of a new order, from the archive.

        Only what anyone reading the order may know: mobility, the notes for
        visitors, the ability level. Allergies and conditions stay on the
        archive (see ``_care_health_notes``); when there are any, the notes
        say so without saying what."""
        self.ensure_one()
        elder = self.sudo()
        lines = []
        mobility = dict(elder._fields["mobility"]._description_selection(self.env))
        if elder.mobility:
            lines.append(self.env._("Mobility: %s", mobility[elder.mobility]))
        if elder.visitor_notes:
            lines.append(elder.visitor_notes)
        if elder.gbt_level:
            levels = dict(elder._fields["gbt_level"]._description_selection(self.env))
            lines.append(self.env._("Ability level: %s", levels[elder.gbt_level]))
        if self._care_has_health_notes():
            lines.append(
                self.env._("Health notes: ask the care coordinator before the visit.")
            )
        return "\n".join(lines)

    def _care_has_health_notes(self):
        """Whether the archive holds health details a worker must know."""
        if not self:
            return False
        self.ensure_one()
        elder = self.sudo()
        return bool(elder.allergies or elder.has_dementia)

    def _care_health_notes(self, medical):
        """The health details for a service order: allergies (the call centre
        reads them), and, for the medical roles only, how to talk with an
        elder with dementia."""
        self.ensure_one()
        elder = self.sudo()
        lines = []
        if elder.allergies:
            lines.append(self.env._("Allergies: %s", elder.allergies))
        if medical and elder.has_dementia:
            lines.append(self.env._("Memory: speak slowly, one thing at a time."))
        return "\n".join(lines) or False
