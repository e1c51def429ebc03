from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.elder_crm.models.care_elder import MEDICAL_GROUPS, SAFETY_GROUPS

from .care_service_category import URGENCIES

DISPATCHER = "fieldservice.group_fsm_dispatcher"
# Fields of an order that only the call centre's own code paths write (with
# sudo, after checking the caller): the provider (set by dispatching, it
# decides the price), the visit's evidence (times, position), the escalation
# flag and the health flag. See care.guard.mixin.
PROTECTED_ORDER_FIELDS = (
    "care_provider_id",
    "care_dispatched_at",
    "care_accepted_at",
    "care_checkin_at",
    "care_checkout_at",
    "care_checkin_latitude",
    "care_checkin_longitude",
    "care_escalated",
    "care_has_health_notes",
)
# what decides the money of a dispatched order: fixed from the dispatch on
LOCKED_WHEN_DISPATCHED = ("care_elder_id", "care_category_id")


def _care_limit(env, limit, most=50):
    """A client's ``limit``: a whole number from 1 to ``most``."""
    if not isinstance(limit, int) or isinstance(limit, bool) or not 0 < limit <= most:
        raise UserError(env._("The limit is a whole number from 1 to %s.", most))
    return limit


class FsmOrder(models.Model):
    """A service request of an elder, carried out by a provider's worker."""

    _name = "fsm.order"
    _inherit = ["fsm.order", "care.guard.mixin"]

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
        "care.provider",
        "Provider",
        index="btree_not_null",
        readonly=True,
        tracking=True,
        help="Set by dispatching the order (Propose providers / Dispatch).",
    )
    care_call_id = fields.Many2one("care.call", "Call", index="btree_not_null")
    care_worker_notes = fields.Text(
        "Notes for the worker",
        help="What the worker must know at the door: mobility, how to talk "
        "with the elder. Health details are not copied here: see Health notes.",
    )
    care_has_health_notes = fields.Boolean(
        "Health notes",
        readonly=True,
        copy=False,
        help="The elder has allergies or a condition the worker must know "
        "about: ask the care coordinator.",
    )
    care_health_notes = fields.Text(
        "Health details",
        compute="_compute_care_health_notes",
        groups=SAFETY_GROUPS,
        help="Read from the elder's archive for the roles that may read it: "
        "allergies for the call centre, conditions for the medical roles.",
    )
    care_dispatched_at = fields.Datetime("Dispatched", readonly=True, copy=False)

    @api.depends("care_elder_id")
    @api.depends_context("uid")
    def _compute_care_health_notes(self):
        medical = self.env.user.has_groups(MEDICAL_GROUPS)
        for order in self:
            order.care_health_notes = (
                order.care_elder_id._care_health_notes(medical)
                if order.care_elder_id
                else False
            )

    @api.model
    def _care_guarded_fields(self):
        return super()._care_guarded_fields() | set(PROTECTED_ORDER_FIELDS)

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
                    self.env._(
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
        flagged = orders.filtered(lambda o: o.care_elder_id._care_has_health_notes())
        if flagged:
            flagged.sudo().write({"care_has_health_notes": True})
        return orders

    def write(self, vals):
        if not self.env.su:
            self._care_check_guarded(vals)
            locked = set(vals) & set(LOCKED_WHEN_DISPATCHED)
            dispatched = self.filtered("care_dispatched_at")
            if locked and dispatched:
                changed = [
                    name
                    for name in sorted(locked)
                    if any(order[name].id != vals[name] for order in dispatched)
                ]
                if changed:
                    raise UserError(
                        self.env._(
                            "%(order)s is dispatched: its %(fields)s decide the "
                            "price and cannot change any more. Cancel it and "
                            "request the service again.",
                            order=dispatched[0].name,
                            fields=", ".join(
                                self._fields[name].string for name in changed
                            ),
                        )
                    )
        if vals.get("care_provider_id"):
            provider = self.env["care.provider"].browse(vals["care_provider_id"])
            for order in self:
                order._care_check_provider(provider)
        return super().write(vals)

    def _care_check_dispatcher(self):
        """Only dispatchers send orders to providers (or the system itself)."""
        if not self.env.su and not self.env.user.has_group(DISPATCHER):
            raise AccessError(
                self.env._("Only a dispatcher may send service orders to providers.")
            )
        self.check_access("write")

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
                self.env._(
                    "%(order)s cannot go to this provider: %(problem)s",
                    order=self.name,
                    problem=problem,
                )
            )

    def care_propose_providers(self, limit=5):
        """Providers ranked for this order (see ``care.provider._rank_for``).

        Callable over XML-RPC; returns a list of dicts, best first."""
        self.ensure_one()
        limit = _care_limit(self.env, limit)
        if not self.care_category_id:
            raise UserError(
                self.env._("Choose the service first: the ranking depends on it.")
            )
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
        self._care_check_dispatcher()
        return self.env["care.dispatch.proposal"]._open_for(self)

    def action_care_dispatch(self, provider_id=None):
        """Send the order to a provider (the best proposed one by default).

        The provider decides the order's price: it is fixed from here on
        (service, elder and provider are locked; only finance changes the
        price, with a reason). The dispatcher's rights are checked, then the
        order is written by the system: the provider and the times are not
        writable by clients."""
        self._care_check_dispatcher()
        if provider_id is not None and (
            not isinstance(provider_id, int) or isinstance(provider_id, bool)
        ):
            raise UserError(self.env._("Choose the provider by its id."))
        stage = self.env.ref("care_dispatch.fsm_stage_dispatched")
        for order in self:
            if order.is_closed or order.care_checkin_at:
                raise UserError(
                    self.env._(
                        "%(order)s is already under way or closed: it cannot be "
                        "dispatched again.",
                        order=order.name,
                    )
                )
            chosen = provider_id
            if not chosen:
                proposal = order.care_propose_providers(limit=1)
                if not proposal:
                    raise UserError(
                        self.env._(
                            "No approved, qualified provider serves %(service)s "
                            "in %(territory)s.",
                            service=order.care_category_id.name,
                            territory=order.location_id.territory_id.name
                            or self.env._("this area"),
                        )
                    )
                chosen = proposal[0]["provider_id"]
            provider = self.env["care.provider"].browse(chosen).exists()
            if not provider:
                raise UserError(self.env._("No provider %s.", chosen))
            # checked against the caller's companies before the system writes
            provider.check_access("read")
            order.sudo().write(
                {
                    "care_provider_id": provider.id,
                    "care_dispatched_at": fields.Datetime.now(),
                    "stage_id": stage.id,
                }
            )
            # as the system: a dispatcher without an e-mail address still posts
            order.sudo().message_post(
                body=Markup("<p>%s</p>")
                % self.env._("Dispatched to %s.", provider.name),
                message_type="notification",
                author_id=self.env.user.partner_id.id,
            )
        return True
