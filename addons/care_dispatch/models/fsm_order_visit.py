import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

_logger = logging.getLogger(__name__)

# who may act on a visit besides the order's own worker
DISPATCHER = "fieldservice.group_fsm_dispatcher"
FSM_USER = "fieldservice.group_fsm_user_own"


class FsmOrderVisit(models.Model):
    """The visit: accepted, checked in and out, evidence, callback."""

    _inherit = "fsm.order"

    care_accepted_at = fields.Datetime("Accepted", readonly=True, copy=False)
    care_checkin_at = fields.Datetime("Checked in", readonly=True, copy=False)
    care_checkout_at = fields.Datetime("Checked out", readonly=True, copy=False)
    care_checkin_latitude = fields.Float(
        "Check-in latitude", digits=(10, 6), readonly=True
    )
    care_checkin_longitude = fields.Float(
        "Check-in longitude", digits=(10, 6), readonly=True
    )
    care_photo_count = fields.Integer("Photos", compute="_compute_care_photo_count")
    care_escalated = fields.Boolean("Escalated", readonly=True, copy=False, index=True)
    care_callback_ids = fields.One2many("care.callback", "order_id", "Callback")

    def _compute_care_photo_count(self):
        groups = self.env["ir.attachment"]._read_group(
            [
                ("res_model", "=", "fsm.order"),
                ("res_id", "in", self.ids),
                ("mimetype", "=like", "image/%"),
            ],
            ["res_id"],
            ["__count"],
        )
        counts = dict(groups)
        for order in self:
            order.care_photo_count = counts.get(order.id, 0)

    # ------------------------------------------------------------------
    # The provider's side
    # ------------------------------------------------------------------
    def _care_check_may_act(self):
        """The caller may carry out these orders' visits: a dispatcher (on
        the worker's behalf, in their companies), or the Field Service user
        who is the order's worker. Raises AccessError otherwise."""
        if self.env.su:
            return
        self.check_access("write")
        user = self.env.user
        if user.has_group(DISPATCHER):
            return
        if user.has_group(FSM_USER) and all(
            order.person_id.partner_id == user.partner_id for order in self
        ):
            return
        raise AccessError(
            self.env._("Only the order's worker or a dispatcher may record its visit.")
        )

    def action_care_accept(self):
        self._care_check_may_act()
        stage = self.env.ref("care_dispatch.fsm_stage_accepted")
        for order in self:
            if not order.care_provider_id:
                raise UserError(self.env._("%s is not dispatched yet.", order.name))
            if order.is_closed:
                raise UserError(self.env._("%s is closed.", order.name))
        self.filtered(lambda o: not o.care_accepted_at).sudo().write(
            {"care_accepted_at": fields.Datetime.now(), "stage_id": stage.id}
        )
        return True

    def _care_position(self, latitude, longitude):
        """(lat, lon) in degrees of a client's position; (0, 0) for none.
        Refuses what is not a number or not on the earth."""
        position = []
        for value in (latitude, longitude):
            if value in (None, False):
                position.append(0.0)
                continue
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise UserError(self.env._("A position is given in degrees."))
            position.append(float(value))
        latitude, longitude = position
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise UserError(self.env._("This position is not on the earth."))
        return latitude, longitude

    def action_care_checkin(self, latitude=None, longitude=None):
        """The worker arrives (position from the phone, if any).

        The times and the position are evidence: recorded once, by the
        system, after checking the caller may act on the order. The proof of
        visit is verified at once (place and time, see fsm_order_evv.py)."""
        self._care_check_may_act()
        latitude, longitude = self._care_position(latitude, longitude)
        stage = self.env.ref("care_dispatch.fsm_stage_in_progress")
        now = fields.Datetime.now()
        for order in self:
            if not (order.care_provider_id or order.person_id):
                raise UserError(self.env._("%s is not dispatched yet.", order.name))
            if order.is_closed:
                raise UserError(self.env._("%s is closed.", order.name))
            if order.care_checkin_at:
                raise UserError(
                    self.env._("%s: the worker has already checked in.", order.name)
                )
            order.sudo().write(
                {
                    "care_checkin_at": now,
                    "date_start": order.date_start or now,
                    "care_accepted_at": order.care_accepted_at or now,
                    "care_checkin_latitude": latitude,
                    "care_checkin_longitude": longitude,
                    "stage_id": stage.id,
                    **order._care_evv_checkin(latitude, longitude, now),
                }
            )
        return True

    def action_care_checkout(self, latitude=None, longitude=None):
        self._care_check_may_act()
        latitude, longitude = self._care_position(latitude, longitude)
        now = fields.Datetime.now()
        for order in self:
            if not order.care_checkin_at:
                raise UserError(
                    self.env._("%s: check in before checking out.", order.name)
                )
            if order.care_checkout_at:
                raise UserError(
                    self.env._("%s: the worker has already checked out.", order.name)
                )
            order.sudo().write(
                {
                    "care_checkout_at": now,
                    "date_end": now,
                    **order._care_evv_checkout(latitude, longitude),
                }
            )
        return True

    def _care_missing_evidence(self):
        """What the service's rules still need before completion."""
        self.ensure_one()
        category = self.care_category_id
        self.invalidate_recordset(["care_photo_count"])  # photos come and go
        missing = []
        if category.needs_checkin and not (
            self.care_checkin_at and self.care_checkout_at
        ):
            missing.append(self.env._("check-in and check-out"))
        if category.needs_photo and not self.care_photo_count:
            missing.append(self.env._("a photo"))
        if category.needs_signature and not self.signature:
            missing.append(self.env._("the elder's or family's signature"))
        return missing

    def write(self, vals):
        if not self.env.su and "signature" in vals and self.filtered("is_closed"):
            raise UserError(
                self.env._(
                    "The signature of a closed order is evidence: it cannot change."
                )
            )
        if vals.get("stage_id"):
            stage = self.env["fsm.stage"].browse(vals["stage_id"])
            completed = stage.is_closed and stage != self.env.ref(
                "fieldservice.fsm_stage_cancelled"
            )
            if completed:
                # completing a service moves money (vouchers): the worker or
                # a dispatcher, nobody else
                self.filtered(lambda o: not o.is_closed)._care_check_may_act()
                for order in self.filtered("care_category_id"):
                    missing = order._care_missing_evidence()
                    if missing:
                        raise UserError(
                            self.env._(
                                "%(order)s cannot be completed without %(missing)s.",
                                order=order.name,
                                missing=self.env._(", ").join(missing),
                            )
                        )
                done = self.filtered(lambda o: o.care_elder_id and not o.is_closed)
                result = super().write(vals)
                done._care_plan_callback()
                visit = self.env.ref("care_dispatch.cat_visit")
                for order in done.filtered(lambda o: o.care_category_id == visit):
                    order.care_elder_id.sudo().care_last_visit = (
                        order.date_end or fields.Datetime.now()
                    )
                return result
        return super().write(vals)

    # ------------------------------------------------------------------
    # Settings (care_dispatch.* parameters, see res.config.settings)
    # ------------------------------------------------------------------
    @api.model
    def _care_setting(self, key, default):
        """The ``care_dispatch.<key>`` parameter, of the type of ``default``
        (the default when unset or unreadable)."""
        value = self.env["ir.config_parameter"].sudo().get_param(f"care_dispatch.{key}")
        try:
            return type(default)(value) if value not in (None, False, "") else default
        except ValueError:
            return default

    # ------------------------------------------------------------------
    # Callback (回访)
    # ------------------------------------------------------------------
    def _care_plan_callback(self):
        """A callback activity for the call centre, for the sampled orders.

        Scheduled by the system (the agent is notified by the system, so a
        worker or dispatcher without an e-mail address completes orders)."""
        share = self._care_setting("callback_share", 100)
        hours = self._care_setting("callback_hours", 24)
        kind = self.env.ref("care_dispatch.mail_activity_type_callback")
        for order in self.sudo():
            # a fixed, even spread: the same order is always in or out
            if (order.id * 37) % 100 >= share:
                continue
            agent = order.care_call_id.user_id or order.create_uid
            order.activity_schedule(
                activity_type_id=kind.id,
                date_deadline=fields.Date.context_today(
                    order, fields.Datetime.now() + timedelta(hours=hours)
                ),
                user_id=agent.id,
                summary=self.env._("Call back %s", order.care_elder_id.name),
            )

    def _care_callback_done(self):
        kind = self.env.ref("care_dispatch.mail_activity_type_callback")
        self.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id == kind
        ).action_feedback(feedback=self.env._("Called back."))

    def action_care_callback(self):
        self.ensure_one()
        self.env["care.callback"].check_access("create")
        return {
            "type": "ir.actions.act_window",
            "res_model": "care.callback",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    # ------------------------------------------------------------------
    # Escalation
    # ------------------------------------------------------------------
    @api.model
    def _cron_escalate_unaccepted(self):
        """Urgent orders not dispatched, or dispatched but not accepted, in
        time go to the dispatch lead (once each).

        Everything overdue is caught, however long the cron did not run; one
        order that cannot be escalated is logged and the others still are.
        Returns the orders escalated."""
        minutes = self._care_setting("escalate_minutes", 30)
        limit = fields.Datetime.now() - timedelta(minutes=minutes)
        urgent = [
            ("care_urgency", "in", ("urgent", "emergency")),
            ("care_escalated", "=", False),
            ("is_closed", "=", False),
            ("care_elder_id", "!=", False),
        ]
        unaccepted = self.search(
            [
                *urgent,
                ("care_dispatched_at", "<=", limit),
                ("care_accepted_at", "=", False),
            ]
        )
        undispatched = self.search(
            [
                *urgent,
                ("care_dispatched_at", "=", False),
                ("care_provider_id", "=", False),
                ("person_id", "=", False),
                ("create_date", "<=", limit),
            ]
        )
        lead = self._care_lead()
        urgencies = dict(self._fields["care_urgency"]._description_selection(self.env))
        escalated = self.browse()
        failed = self.browse()
        for order in (unaccepted | undispatched).sudo():
            if order.care_dispatched_at:
                summary = self.env._("Not accepted: %s", order.name)
                note = self.env._(
                    "%(provider)s has not accepted this %(urgency)s order "
                    "dispatched at %(when)s.",
                    provider=order.care_provider_id.name,
                    urgency=urgencies[order.care_urgency],
                    when=fields.Datetime.to_string(order.care_dispatched_at),
                )
            else:
                summary = self.env._("Not dispatched: %s", order.name)
                note = self.env._(
                    "This %(urgency)s order, requested at %(when)s, has not "
                    "been dispatched yet.",
                    urgency=urgencies[order.care_urgency],
                    when=fields.Datetime.to_string(order.create_date),
                )
            try:
                with self.env.cr.savepoint():
                    order.activity_schedule(
                        "mail.mail_activity_data_todo",
                        user_id=(lead or order.create_uid).id,
                        summary=summary,
                        note=Markup("<p>%s</p>") % note,
                    )
                    order.write({"care_escalated": True})
            except Exception:
                _logger.exception("Could not escalate service order %s", order.id)
                failed |= order
            else:
                escalated |= order
        if failed:
            self._care_report_failures(
                self.env._("Urgent orders not escalated"),
                failed.mapped("name"),
            )
        return escalated.with_env(self.env)

    @api.model
    def _care_lead(self):
        """The dispatch lead (settings), or nobody."""
        lead_id = self._care_setting("lead_user_id", 0)
        return self.env["res.users"].sudo().browse(lead_id).exists()

    @api.model
    def _care_report_failures(self, title, names):
        """Tell the dispatch lead (or the administrator) what a cron could not
        do: one to-do listing the records, on the lead's user record."""
        lead = self._care_lead() or self.env.ref("base.user_admin")
        body = Markup("<p>%s</p><ul>%s</ul>") % (
            self.env._(
                "The scheduled job met records it could not handle; the others were "
                "processed. See the server log for the details."
            ),
            Markup().join(Markup("<li>%s</li>") % name for name in names),
        )
        lead.partner_id.sudo().message_post(
            subject=title,
            body=body,
            message_type="notification",
            subtype_xmlid="mail.mt_note",
            partner_ids=lead.partner_id.ids,
        )
