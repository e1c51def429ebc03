from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .care_service_category import URGENCIES


class FsmOrder(models.Model):
    """A service request of an elder, carried out by a provider's worker."""

    _inherit = "fsm.order"

    care_elder_id = fields.Many2one(
        "care.elder", "Elder", index="btree_not_null", tracking=True
    )
    care_category_id = fields.Many2one(
        "care.service.category", "Service", index="btree_not_null", tracking=True
    )
    care_urgency = fields.Selection(
        URGENCIES, "Urgency", default="normal", tracking=True
    )
    care_provider_id = fields.Many2one(
        "care.provider", "Provider", index="btree_not_null", tracking=True
    )
    care_call_id = fields.Many2one("care.call", "Call", index="btree_not_null")
    care_worker_notes = fields.Text(
        "Notes for the worker",
        help="What the worker must know at the door: allergies, mobility, "
        "how to talk with the elder.",
    )
    care_dispatched_at = fields.Datetime("Dispatched", readonly=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        Elder = self.env["care.elder"]
        Category = self.env["care.service.category"]
        now = fields.Datetime.now()
        context = self.env.context
        for vals in vals_list:
            for name in ("care_elder_id", "care_category_id", "care_call_id"):
                if not vals.get(name) and context.get(f"default_{name}"):
                    vals[name] = context[f"default_{name}"]
            elder = Elder.browse(vals.get("care_elder_id"))
            if not elder:
                continue
            if not vals.get("location_id"):
                vals["location_id"] = elder._care_fsm_location().id
            category = Category.browse(vals.get("care_category_id"))
            if category:
                vals.setdefault("scheduled_duration", category.duration)
                vals.setdefault("care_urgency", category.urgency)
            late = vals.get("request_late")
            # ``care_record_past`` lets an import (or the demo data) record
            # services that already took place; a new request never does.
            if (
                late
                and fields.Datetime.to_datetime(late) < now
                and not context.get("care_record_past")
            ):
                raise ValidationError(
                    _(
                        "The requested window for %(elder)s ended on %(late)s: "
                        "choose a time to come.",
                        elder=elder.name,
                        late=fields.Datetime.to_string(
                            fields.Datetime.to_datetime(late)
                        ),
                    )
                )
            if not vals.get("care_worker_notes"):
                vals["care_worker_notes"] = elder._care_worker_notes()
        orders = super().create(vals_list)
        for order in orders.filtered("care_call_id"):
            if not order.care_call_id.order_id:
                order.care_call_id.order_id = order
        for order in orders.filtered("care_provider_id"):
            order._care_check_provider(order.care_provider_id)
        return orders

    def write(self, vals):
        if vals.get("care_provider_id"):
            provider = self.env["care.provider"].browse(vals["care_provider_id"])
            for order in self:
                order._care_check_provider(provider)
        return super().write(vals)

    def _care_check_provider(self, provider):
        self.ensure_one()
        when = fields.Date.context_today(
            self, self.scheduled_date_start or self.request_early or None
        )
        problem = (
            provider._dispatch_problem(self.care_category_id, when)
            if (self.care_category_id)
            else False
        )
        if problem:
            raise UserError(
                _(
                    "%(order)s cannot go to this provider: %(problem)s",
                    order=self.name,
                    problem=problem,
                )
            )

    def care_propose_providers(self, limit=5):
        """Providers ranked for this order (see ``care.provider._rank_for``).

        Callable over XML-RPC; returns a list of dicts, best first."""
        self.ensure_one()
        if not self.care_category_id:
            raise UserError(_("Choose the service first: the ranking depends on it."))
        when = fields.Date.context_today(
            self, self.scheduled_date_start or self.request_early or None
        )
        return self.env["care.provider"]._rank_for(
            self.care_category_id,
            self.location_id.territory_id,
            when,
            self.company_id,
            limit=limit,
        )

    def action_care_propose(self):
        """The ranked providers in a dialog, to dispatch to one of them."""
        self.ensure_one()
        return self.env["care.dispatch.proposal"]._open_for(self)

    def action_care_dispatch(self, provider_id=None):
        """Send the order to a provider (the best proposed one by default)."""
        stage = self.env.ref("care_dispatch.fsm_stage_dispatched")
        for order in self:
            chosen = provider_id
            if not chosen:
                proposal = order.care_propose_providers(limit=1)
                if not proposal:
                    raise UserError(
                        _(
                            "No approved, qualified provider serves %(service)s "
                            "in %(territory)s.",
                            service=order.care_category_id.name,
                            territory=order.location_id.territory_id.name
                            or _("this area"),
                        )
                    )
                chosen = proposal[0]["provider_id"]
            order.write(
                {
                    "care_provider_id": chosen,
                    "care_dispatched_at": fields.Datetime.now(),
                    "stage_id": stage.id,
                }
            )
            order.message_post(
                body=Markup("<p>%s</p>")
                % _("Dispatched to %s.", order.care_provider_id.name),
                message_type="notification",
            )
        return True
