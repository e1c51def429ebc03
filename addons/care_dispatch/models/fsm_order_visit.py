from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError


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
    def action_care_accept(self):
        stage = self.env.ref("care_dispatch.fsm_stage_accepted")
        for order in self:
            if not order.care_provider_id:
                raise UserError(_("%s is not dispatched yet.", order.name))
        self.write({"care_accepted_at": fields.Datetime.now(), "stage_id": stage.id})

    def action_care_checkin(self, latitude=None, longitude=None):
        """The worker arrives (position from the phone, if any)."""
        stage = self.env.ref("care_dispatch.fsm_stage_in_progress")
        now = fields.Datetime.now()
        for order in self:
            if not (order.care_provider_id or order.person_id):
                raise UserError(_("%s is not dispatched yet.", order.name))
            order.write(
                {
                    "care_checkin_at": now,
                    "date_start": order.date_start or now,
                    "care_accepted_at": order.care_accepted_at or now,
                    "care_checkin_latitude": latitude or 0.0,
                    "care_checkin_longitude": longitude or 0.0,
                    "stage_id": stage.id,
                }
            )
        return True

    def action_care_checkout(self):
        now = fields.Datetime.now()
        for order in self:
            if not order.care_checkin_at:
                raise UserError(_("%s: check in before checking out.", order.name))
            order.write({"care_checkout_at": now, "date_end": now})
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
            missing.append(_("check-in and check-out"))
        if category.needs_photo and not self.care_photo_count:
            missing.append(_("a photo"))
        if category.needs_signature and not self.signature:
            missing.append(_("the elder's or family's signature"))
        return missing

    def write(self, vals):
        if vals.get("stage_id"):
            stage = self.env["fsm.stage"].browse(vals["stage_id"])
            completed = stage.is_closed and stage != self.env.ref(
                "fieldservice.fsm_stage_cancelled"
            )
            if completed:
                for order in self.filtered("care_category_id"):
                    missing = order._care_missing_evidence()
                    if missing:
                        raise UserError(
                            _(
                                "%(order)s cannot be completed without %(missing)s.",
                                order=order.name,
                                missing=_(", ").join(missing),
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
        """A callback activity for the call centre, for the sampled orders."""
        share = self._care_setting("callback_share", 100)
        hours = self._care_setting("callback_hours", 24)
        kind = self.env.ref("care_dispatch.mail_activity_type_callback")
        for order in self:
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
                summary=_("Call back %s", order.care_elder_id.name),
            )

    def _care_callback_done(self):
        kind = self.env.ref("care_dispatch.mail_activity_type_callback")
        self.activity_ids.filtered(
            lambda a: a.activity_type_id == kind
        ).action_feedback(feedback=_("Called back."))

    def action_care_callback(self):
        self.ensure_one()
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
        """Urgent orders dispatched but not accepted in time go to the lead."""
        minutes = self._care_setting("escalate_minutes", 30)
        limit = fields.Datetime.now() - timedelta(minutes=minutes)
        orders = self.search(
            [
                ("care_urgency", "in", ("urgent", "emergency")),
                ("care_dispatched_at", "<=", limit),
                ("care_accepted_at", "=", False),
                ("care_escalated", "=", False),
                ("is_closed", "=", False),
            ]
        )
        lead_id = self._care_setting("lead_user_id", 0)
        lead = self.env["res.users"].browse(lead_id).exists()
        for order in orders:
            order.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=(lead or order.create_uid).id,
                summary=_("Not accepted: %s", order.name),
                note=Markup("<p>%s</p>")
                % _(
                    "%(provider)s has not accepted this %(urgency)s order "
                    "dispatched at %(when)s.",
                    provider=order.care_provider_id.name,
                    urgency=dict(
                        order._fields["care_urgency"]._description_selection(self.env)
                    )[order.care_urgency],
                    when=fields.Datetime.to_string(order.care_dispatched_at),
                ),
            )
        orders.write({"care_escalated": True})
        return orders
