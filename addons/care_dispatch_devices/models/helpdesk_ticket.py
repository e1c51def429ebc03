from markupsafe import Markup

from odoo import api, fields, models


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    care_order_id = fields.Many2one(
        "fsm.order", "Responder order", index="btree_not_null", copy=False
    )

    @api.model
    def _care_guarded_fields(self):
        # set by the desk's "send responder" only (care_devices' guard)
        return super()._care_guarded_fields() | {"care_order_id"}

    def _care_send_responder(self):
        """Send someone: an emergency home visit for the elder, dispatched
        to the best provider when one is available."""
        self.ensure_one()
        result = super()._care_send_responder()
        elder = self.care_elder_id
        if not elder or self.care_order_id:
            return self.care_order_id or result
        if not (elder.street or elder.city):
            # the desk sends someone anyway; the order waits for the address
            self.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "No responder order: %s has no address on the archive.",
                    elder.name,
                ),
                message_type="notification",
            )
            return result
        category = self.env.ref("care_dispatch.cat_emergency_visit")
        order = (
            self.env["fsm.order"]
            .sudo()
            .create(
                {
                    "care_elder_id": elder.id,
                    "care_category_id": category.id,
                    "care_urgency": "emergency",
                    "request_early": fields.Datetime.now(),
                    "description": Markup("<p>%s</p>")
                    % self.env._("Emergency: %s", self.name),
                }
            )
        )
        if order.care_propose_providers(limit=1):
            order.action_care_dispatch()
        self.care_order_id = order
        self.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Responder order %(order)s (%(provider)s).",
                order=order.name,
                provider=order.care_provider_id.name
                or self.env._("not dispatched yet"),
            ),
            message_type="notification",
        )
        return order
