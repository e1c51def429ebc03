import logging
from datetime import timedelta

from markupsafe import Markup
from psycopg2 import errors as pgerrors

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from odoo.addons.elder_crm.models.care_elder import MEDICAL_GROUPS

from .care_alarm_ladder import LADDER_OUTCOMES, LADDER_READERS
from .care_device import map_url
from .care_device_event import EVENT_CODES, PRIORITY, TICKET_PRIORITY
from .care_elder import DOCTOR

_logger = logging.getLogger(__name__)

EMERGENCY = "elder_crm.group_care_emergency"
# who reads the medical part of the elder card (elder_crm's USAGE table:
# reception, emergency desk, care manager -- and the family doctor)
CARD_MEDICAL_GROUPS = f"{MEDICAL_GROUPS},{DOCTOR}"
# who reads vital readings (the model's own access: desk, doctor, manager)
VITALS_GROUPS = f"{EMERGENCY},{DOCTOR}"

OUTCOMES = [
    ("false_alarm", "False alarm"),
    ("resolved_by_phone", "Resolved by phone"),
    ("family_handled", "Family took care of it"),
    ("responder_on_site", "Responder on site"),
    ("hospital", "Taken to hospital"),
    ("police", "Handed to the police"),
    ("device_fixed", "Device fixed or replaced"),
    ("wearer_cancelled", "False alarm, cancelled by the wearer"),
    ("other", "Other"),
]
MERGE_WINDOW_DEFAULT = 10  # minutes
ACK_SECONDS_DEFAULT = 60
LADDER_STATES = [
    ("running", "Running"),
    ("answered", "Answered"),
    ("exhausted", "No step answered"),
    ("stopped", "Stopped"),
]
# the number a step calls when it is not a person's
STEP_NUMBERS = {"ambulance": "120", "police": "110"}


class HelpdeskTicket(models.Model):
    _name = "helpdesk.ticket"
    _inherit = ["helpdesk.ticket", "care.guard.mixin"]

    care_elder_id = fields.Many2one(
        "care.elder", "Elder", index="btree_not_null", tracking=True
    )
    care_device_id = fields.Many2one("care.device", "Device", index="btree_not_null")
    # x2many of models not every reader of a ticket may read (a dispatcher
    # or finance follower): restricted like those models
    care_event_ids = fields.One2many(
        "care.device.event",
        "ticket_id",
        "Device events",
        groups="care_devices.group_care_device_admin,elder_crm.group_care_emergency",
    )
    care_alarm_kind = fields.Selection(
        EVENT_CODES, "Alarm", index="btree_not_null", readonly=True
    )
    care_alarm_count = fields.Integer("Alarms", default=0, readonly=True)
    care_alarm_time = fields.Datetime("Alarm at", readonly=True)
    care_last_alarm_time = fields.Datetime("Last alarm at", readonly=True)
    care_elapsed = fields.Char("Since the alarm", compute="_compute_care_elapsed")
    care_ack_user_id = fields.Many2one("res.users", "Acknowledged by", readonly=True)
    care_ack_date = fields.Datetime("Acknowledged at", readonly=True)
    care_time_to_ack = fields.Float(
        "Time to acknowledge (s)", readonly=True, aggregator="avg"
    )
    care_ack_60 = fields.Float(
        "Acknowledged within 60 s (%)", readonly=True, aggregator="avg"
    )
    care_ack_180 = fields.Float(
        "Acknowledged within 180 s (%)", readonly=True, aggregator="avg"
    )
    care_time_to_close = fields.Float(
        "Time to close (min)", readonly=True, aggregator="avg"
    )
    care_escalated = fields.Boolean("Escalated", readonly=True)
    care_action_ids = fields.One2many(
        "care.alarm.action", "ticket_id", "Handling trail", groups=EMERGENCY
    )
    care_outcome = fields.Selection(OUTCOMES, "Outcome", tracking=True)
    # the elder card as it was when the alarm came in: what anybody who reads
    # the ticket may read (a dispatcher who handed the call over follows it)
    care_card = fields.Html("Elder card", readonly=True, sanitize=True)
    # its medical part (conditions, allergies, medications, doctor, hospital,
    # the vital-sign breach): medical readers only, never in the chatter
    care_card_medical = fields.Html(
        "Medical card", readonly=True, sanitize=True, groups=CARD_MEDICAL_GROUPS
    )
    care_vital_reading_ids = fields.One2many(
        "care.vital.reading", "ticket_id", "Vital-sign readings", groups=VITALS_GROUPS
    )
    care_map_url = fields.Char("Last position", readonly=True)
    # the call-out ladder (started when the desk acknowledges the alarm)
    care_ladder_id = fields.Many2one("care.alarm.ladder", "Ladder", readonly=True)
    care_ladder_state = fields.Selection(LADDER_STATES, "Ladder status", readonly=True)
    care_ladder_step = fields.Char("Ladder step", readonly=True)
    care_ladder_deadline = fields.Datetime(
        "Step due at", readonly=True, index="btree_not_null"
    )
    care_ladder_line_id = fields.Many2one(
        "care.alarm.ladder.line", "Current step", readonly=True, groups=LADDER_READERS
    )
    care_ladder_line_ids = fields.One2many(
        "care.alarm.ladder.line", "ticket_id", "Call-out ladder", groups=LADDER_READERS
    )

    # written by the alarm pipeline and the desk's actions only: the answer
    # times and the trail the desk is measured on
    _CARE_ALARM_FIELDS = (
        "care_alarm_kind",
        "care_alarm_count",
        "care_alarm_time",
        "care_last_alarm_time",
        "care_ack_user_id",
        "care_ack_date",
        "care_time_to_ack",
        "care_ack_60",
        "care_ack_180",
        "care_time_to_close",
        "care_escalated",
        "care_card",
        "care_card_medical",
        "care_map_url",
        "care_ladder_id",
        "care_ladder_state",
        "care_ladder_step",
        "care_ladder_deadline",
        "care_ladder_line_id",
        "care_ladder_line_ids",
    )

    @api.model
    def _care_guarded_fields(self):
        return super()._care_guarded_fields() | set(self._CARE_ALARM_FIELDS)

    def _compute_care_elapsed(self):
        now = fields.Datetime.now()
        for ticket in self:
            start = ticket.care_alarm_time
            if not start:
                ticket.care_elapsed = False
                continue
            end = ticket.closed_date if ticket.closed and ticket.closed_date else now
            seconds = max(int((end - start).total_seconds()), 0)
            if seconds < 120:
                ticket.care_elapsed = self.env._("%s s", seconds)
            elif seconds < 7200:
                ticket.care_elapsed = self.env._("%s min", seconds // 60)
            else:
                ticket.care_elapsed = self.env._(
                    "%(h)s h %(m)s min", h=seconds // 3600, m=seconds % 3600 // 60
                )

    # ------------------------------------------------------------------
    # Opening alarm tickets
    # ------------------------------------------------------------------
    @api.model
    def _care_team(self):
        return self.env.ref("care_devices.helpdesk_team_emergency")

    @api.model
    def _care_open_emergency_ticket(
        self, elder, kind="phone", description=None, origin=None
    ):
        """Open (or join) an emergency ticket for an elder from outside a device.

        Public hook for other modules (e.g. an emergency phone call in the
        call centre): ``kind`` is an event code (``phone`` by default),
        ``description`` the text for the desk, ``origin`` a record to link in
        the chatter. Returns the ticket.
        """
        priority = TICKET_PRIORITY.get(PRIORITY.get(kind, 1) or 1, "3")
        ticket = self._care_alarm_ticket(elder, kind, priority, detail=description)
        if origin:
            ticket.message_post(
                body=self.env._("Handed over from %s.", origin._get_html_link())
            )
        return ticket

    @api.model
    def _care_alarm_ticket(
        self,
        elder,
        kind,
        priority,
        event=None,
        device=None,
        detail=None,
        medical_detail=None,
    ):
        """The emergency ticket of an alarm: an open one of the same kind is
        joined (within the merge window for critical alarms, for the whole
        episode for the others), otherwise a new one is opened.

        ``detail`` is text for everybody who reads the ticket (a caller's
        words); ``medical_detail`` (a vital-sign breach) goes to the medical
        card only, never to the description or the chatter.

        Two simultaneous alarms of one elder join one ticket: see
        ``_care_lock_subject``.
        """
        now = fields.Datetime.now()
        subject = elder or device
        # the desk reads the ticket, not the device that posted the event
        self = self.with_context(lang=self._care_desk_lang(subject.company_id))
        self._care_lock_subject(subject)
        Ticket = self.sudo()
        domain = [
            ("care_alarm_kind", "=", kind),
            ("closed", "=", False),
        ]
        domain.append(
            ("care_elder_id", "=", elder.id)
            if elder
            else ("care_device_id", "=", device.id)
        )
        if PRIORITY.get(kind) == 1:
            window = int(
                self.env["ir.config_parameter"]
                .sudo()
                .get_param("care_devices.merge_window_minutes", MERGE_WINDOW_DEFAULT)
            )
            domain.append(
                ("care_last_alarm_time", ">=", now - timedelta(minutes=window))
            )
        ticket = Ticket.search(domain, order="id desc", limit=1)
        if ticket:
            ticket.write(
                {
                    "care_alarm_count": ticket.care_alarm_count + 1,
                    "care_last_alarm_time": now,
                }
            )
            if event and not event.ticket_id:
                # an SOS carrying a bad reading stays on its SOS ticket
                event.sudo().ticket_id = ticket
            if detail:
                body = self.env._(
                    "Repeated alarm (%(count)s in all): %(detail)s.",
                    count=ticket.care_alarm_count,
                    detail=detail,
                )
            else:
                body = self.env._(
                    "Repeated alarm (%(count)s in all).", count=ticket.care_alarm_count
                )
            ticket.message_post(body=body, message_type="notification")
            return ticket
        kind_label = dict(
            self.env["care.device.event"]
            ._fields["code"]
            ._description_selection(self.env)
        )[kind]
        name = self.env._(
            "%(kind)s: %(who)s",
            kind=kind_label,
            who=elder.display_name if elder else self.env._("device %s", device.serial),
        )
        position = event if event and event.latitude else device
        if position and "last_latitude" in position._fields:
            url = map_url(position.last_latitude, position.last_longitude)
        else:
            url = map_url(position.latitude, position.longitude) if position else False
        team = self._care_team()
        company = (elder or device).company_id
        vals = {
            "name": name,
            "team_id": team.id,
            "company_id": company.id,
            "priority": priority,
            "partner_id": elder.partner_id.id if elder else False,
            "care_elder_id": elder.id if elder else False,
            "care_device_id": device.id if device else False,
            "care_alarm_kind": kind,
            "care_alarm_count": 1,
            # 0 until acknowledged in time (stored, so that the averages of
            # the answer-time report count the alarms nobody acknowledged)
            "care_ack_60": 0.0,
            "care_ack_180": 0.0,
            "user_id": False,  # the desk takes it by acknowledging
            "care_alarm_time": now,
            "care_last_alarm_time": now,
            "care_map_url": url,
            "channel_id": self.env.ref("care_devices.helpdesk_channel_device").id
            if device
            else self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_phone").id,
        }
        vals["care_card"] = self._care_render_card(elder, device, event, detail, url)
        vals["care_card_medical"] = self._care_render_medical_card(
            elder, medical_detail
        )
        vals["description"] = Markup("<p>%s</p>") % (detail or name)
        ticket = Ticket.with_context(mail_create_nolog=True).create(vals)
        if event and not event.ticket_id:
            event.sudo().ticket_id = ticket
        return ticket

    @api.model
    def _care_lock_subject(self, subject):
        """Serialise the alarms of one elder (or of one unbound device).

        An advisory lock is not enough: Odoo's transactions are REPEATABLE
        READ, and the request has read the database (its snapshot is taken)
        before it gets here, so a second alarm that waited for the first one
        would still not see the ticket the first one committed, and open
        another. Updating the elder's row instead makes the second
        transaction wait for the first, then fail to serialise when the first
        commits; Odoo retries the whole request, which now sees the ticket and
        joins it.
        """
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET write_date = write_date WHERE id = %s",
                SQL.identifier(subject._table),
                subject.id,
            ),
            # the concurrent alarm's serialisation failure is retried by Odoo
            log_exceptions=False,
        )

    @api.model
    def _care_failed_event_ticket(self, event):
        """An urgent ticket for a device event nobody could process (or a note
        on the ticket it already has): an alarm must always reach a person."""
        event = event.sudo()
        Ticket = self.sudo()
        kind_label = dict(
            self.env["care.device.event"]
            ._fields["code"]
            ._description_selection(self.env)
        )[event.code]
        # a reading's error may quote it: the values stay on the event
        medical = event.code in ("vitals", "vital_abnormal") or bool(event._vitals())
        error = "" if medical or not event.error else ": " + event.error[:300]
        body = self.env._(
            "Device event %(event)s (%(kind)s from device %(device)s, received "
            "%(date)s UTC) could not be processed after %(attempts)s attempt(s)%(error)s. "
            "Check on the elder and handle the alarm by hand.",
            event=event.id,
            kind=kind_label,
            device=event.device_id.serial,
            date=fields.Datetime.to_string(event.received_at),
            attempts=event.attempts,
            error=error,
        )
        if event.ticket_id and not event.ticket_id.closed:
            event.ticket_id.message_post(
                body=Markup("<strong>%s</strong>") % body,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
            return event.ticket_id
        elder = event.elder_id or event.device_id.elder_id
        company = event.company_id
        now = fields.Datetime.now()
        ticket = Ticket.with_context(mail_create_nolog=True).create(
            {
                "name": self.env._(
                    "Not processed: %(kind)s, %(who)s",
                    kind=kind_label,
                    who=elder.sudo().display_name
                    if elder
                    else self.env._("device %s", event.device_id.serial),
                ),
                "team_id": self._care_team().id,
                "company_id": company.id,
                "priority": "3",
                "partner_id": elder.sudo().partner_id.id if elder else False,
                "care_elder_id": elder.id or False,
                "care_device_id": event.device_id.id,
                "care_alarm_kind": event.code,
                "care_alarm_count": 1,
                "care_ack_60": 0.0,
                "care_ack_180": 0.0,
                "user_id": False,
                "care_alarm_time": now,
                "care_last_alarm_time": now,
                "channel_id": self.env.ref("care_devices.helpdesk_channel_device").id,
                "description": Markup("<p>%s</p>") % body,
            }
        )
        event.ticket_id = ticket
        return ticket

    @api.model
    def _care_desk_lang(self, company):
        """The language alarm tickets are written in: the company's."""
        lang = company.partner_id.lang or self.env.lang
        return lang if self.env["res.lang"]._lang_get(lang) else "en_US"

    @api.model
    def _care_render_card(self, elder, device, event, detail, url):
        """The elder card for the desk, as it was when the alarm came in:
        what every reader of the ticket may read (no medical row)."""
        # in this method's language (the desk's), not the caller's
        elder, device, event = (
            r.with_env(self.env) if r else r for r in (elder, device, event)
        )
        elder_sudo = elder.sudo()
        contacts = (
            self.env["care.elder.contact"]
            .sudo()
            .search(
                [("elder_id", "=", elder.id), ("is_emergency", "=", True)],
                order="sequence, id",
            )
            if elder
            else self.env["care.elder.contact"]
        )
        return self.env["ir.qweb"]._render(
            "care_devices.ticket_alarm_card",
            {
                "elder": elder_sudo,
                "partner": elder_sudo.partner_id,
                "contacts": contacts,
                "device": device,
                "event": event,
                "detail": detail,
                "map_url": url,
                "labels": {
                    "level": dict(
                        elder_sudo._fields["gbt_level"]._description_selection(self.env)
                    ),
                    "relationship": dict(
                        self.env["care.elder.contact"]
                        ._fields["relationship"]
                        ._description_selection(self.env)
                    ),
                    "mobility": dict(
                        elder_sudo._fields["mobility"]._description_selection(self.env)
                    ),
                },
            },
        )

    @api.model
    def _care_render_medical_card(self, elder, medical_detail=None):
        """The medical part of the card (stored in a field only the medical
        groups read): conditions, allergies, medications, family doctor,
        designated hospital, and the vital-sign breach that raised the alarm."""
        if not elder and not medical_detail:
            return False
        elder_sudo = elder.with_env(self.env).sudo() if elder else elder
        return self.env["ir.qweb"]._render(
            "care_devices.ticket_alarm_card_medical",
            {"elder": elder_sudo, "medical_detail": medical_detail},
        )

    # ------------------------------------------------------------------
    # Handling trail
    # ------------------------------------------------------------------
    def _care_log(self, action, note=False):
        # the trail is evidence: written by these actions only (sudo), the
        # callers having been checked
        self.env["care.alarm.action"].sudo().create(
            [
                {
                    "ticket_id": ticket.id,
                    "action": action,
                    "note": note,
                    "user_id": self.env.uid,
                }
                for ticket in self
            ]
        )

    def _care_check_desk(self):
        """The desk's actions: emergency desk users, on tickets they may write."""
        if not self.env.su and not self.env.user.has_group(EMERGENCY):
            raise AccessError(self.env._("Only the emergency desk may handle alarms."))
        self.check_access("write")

    def _care_require_ack(self):
        for ticket in self:
            if ticket.care_alarm_kind and not ticket.care_ack_date:
                raise UserError(
                    self.env._("Acknowledge alarm %s first.", ticket.number)
                )

    def action_care_acknowledge(self):
        self._care_check_desk()
        now = fields.Datetime.now()
        progress = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        for ticket in self.filtered(lambda t: not t.care_ack_date):
            seconds = (
                (now - ticket.care_alarm_time).total_seconds()
                if ticket.care_alarm_time
                else 0.0
            )
            vals = {
                "care_ack_user_id": self.env.uid,
                "care_ack_date": now,
                "care_time_to_ack": seconds,
                "care_ack_60": 100.0 if seconds <= 60 else 0.0,
                "care_ack_180": 100.0 if seconds <= 180 else 0.0,
                "user_id": ticket.user_id.id or self.env.uid,
            }
            if (
                not ticket.stage_id.closed
                and progress in ticket.team_id._get_applicable_stages()
            ):
                vals["stage_id"] = progress.id
            # sudo: the answer times are guarded fields; and the desk's work
            # must not depend on the user having an e-mail address
            ticket.sudo().write(vals)
            ticket._care_log("ack")
            ticket.sudo()._care_ladder_start(now)
        return True

    def _care_step(self, action):
        self._care_check_desk()
        self._care_require_ack()
        self._care_log(action)
        return True

    def action_care_elder_called(self):
        return self._care_step("elder_called")

    def action_care_contacts_called(self):
        return self._care_step("contacts_called")

    def action_care_send_responder(self):
        self._care_check_desk()
        self._care_require_ack()
        for ticket in self:
            ticket.sudo()._care_send_responder()
        return True

    def _care_send_responder(self):
        """Send someone to the elder. Hook: a service-order module overrides it
        to create an urgent order; here the dispatch is logged. Returns the
        created record or False."""
        self.ensure_one()
        self._care_log("responder")
        return False

    def action_care_call_120(self):
        return self._care_step("ambulance")

    def action_care_call_110(self):
        return self._care_step("police")

    def action_care_close(self):
        self.ensure_one()
        self._care_check_desk()
        self._care_require_ack()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Close Alarm"),
            "res_model": "care.alarm.close.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    def _care_close(self, outcome, note=False):
        self._care_check_desk()
        self._care_require_ack()
        done = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        if outcome == "wearer_cancelled":
            raise UserError(
                self.env._(
                    "Only the wearer's device cancels an alarm as a false alarm."
                )
            )
        for ticket in self:
            if not outcome:
                raise UserError(
                    self.env._("Say how the alarm ended before closing it.")
                )
            ticket.sudo().write({"care_outcome": outcome, "stage_id": done.id})
            ticket._care_log("closed", note)

    def _care_check_wearer_outcome(self, vals):
        """Only the device's cancel sets (or unsets) the wearer's false alarm:
        it takes the alarm out of the answer-time report."""
        if self.env.su or "care_outcome" not in vals:
            return
        if vals["care_outcome"] == "wearer_cancelled" or any(
            t.care_outcome == "wearer_cancelled" for t in self
        ):
            raise AccessError(
                self.env._(
                    "Only the wearer's device cancels an alarm as a false alarm."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self.browse()._care_check_wearer_outcome(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._care_check_wearer_outcome(vals)
        res = super().write(vals)
        if vals.get("stage_id"):
            self.filtered(
                lambda t: t.closed and t.care_ladder_state == "running"
            )._care_ladder_stop()
            for ticket in self.filtered(
                lambda t: t.care_alarm_time and t.closed and not t.care_time_to_close
            ):
                end = ticket.closed_date or fields.Datetime.now()
                # a result of the closing, guarded: written as superuser
                super(HelpdeskTicket, ticket.sudo()).write(
                    {
                        "care_time_to_close": max(
                            (end - ticket.care_alarm_time).total_seconds() / 60.0, 0.0
                        )
                    }
                )
        return res

    # ------------------------------------------------------------------
    # Escalation
    # ------------------------------------------------------------------
    @api.model
    def _cron_escalate_unacknowledged(self, limit=200):
        """Tell the desk lead about critical alarms nobody acknowledged in time.

        Selected by state (critical, open, not acknowledged, not escalated
        yet), whatever their age: a cron that missed its runs catches up. Each
        ticket is escalated in its own savepoint: one that fails is reported
        and the others carry on. Returns the escalated tickets."""
        seconds = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("care_devices.ack_escalation_seconds", ACK_SECONDS_DEFAULT)
        )
        tickets = self.sudo().search(
            [
                ("care_alarm_kind", "!=", False),
                ("priority", "=", "3"),
                ("care_ack_date", "=", False),
                ("care_escalated", "=", False),
                ("closed", "=", False),
                (
                    "care_alarm_time",
                    "<=",
                    fields.Datetime.now() - timedelta(seconds=seconds),
                ),
            ],
            limit=limit,
            order="care_alarm_time, id",
        )
        activity_type = self.env.ref("care_devices.mail_activity_type_alarm_escalation")
        managers = self.env.ref("elder_crm.group_care_manager").users.filtered(
            lambda u: (
                u.active and not u.share and u.id != self.env.ref("base.user_root").id
            )
        )
        escalated = failed = self.browse()
        for ticket in tickets:
            try:
                with self.env.cr.savepoint():
                    ticket._care_escalate(activity_type, managers, seconds)
                escalated |= ticket
            except (pgerrors.SerializationFailure, pgerrors.DeadlockDetected):
                raise
            except Exception:
                _logger.exception("care alarm %s could not be escalated", ticket.number)
                failed |= ticket
        if failed:
            _logger.warning(
                "care alarms: %s of %s unacknowledged alarms could not be "
                "escalated: %s",
                len(failed),
                len(tickets),
                ", ".join(failed.mapped("number")),
            )
        if len(tickets) == limit and escalated:
            # more are waiting (a cron that missed its runs): call again
            self.env["ir.cron"]._notify_progress(done=len(escalated), remaining=1)
        return escalated

    def _care_escalate(self, activity_type, managers, seconds):
        ticket = self
        leads = (
            ticket.team_id.user_id
            or managers.filtered(lambda u, t=ticket: t.company_id in u.company_ids)[:3]
        )
        body = self.env._(
            "Alarm %(ticket)s (%(kind)s) has not been acknowledged for %(s)s seconds.",
            ticket=ticket.number,
            kind=dict(
                self.env["care.device.event"]
                ._fields["code"]
                ._description_selection(self.env)
            )[ticket.care_alarm_kind],
            s=seconds,
        )
        for lead in leads:
            ticket.activity_schedule(
                activity_type_id=activity_type.id,
                summary=self.env._("Unacknowledged alarm"),
                note=body,
                user_id=lead.id,
            )
        ticket.message_post(
            body=Markup("<strong>%s</strong>") % body,
            partner_ids=leads.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        ticket.care_escalated = True
        ticket._care_log("escalated")

    # ------------------------------------------------------------------
    # Pre-alert window: the wearer cancels from the device
    # ------------------------------------------------------------------
    def _care_cancel_by_wearer(self, event):
        """Close the alarm as a false alarm cancelled by the wearer (called
        by the event pipeline, which checked the window). Never deleted."""
        self.ensure_one()
        ticket = self.sudo()
        note = self.env._(
            "Cancelled by the wearer on device %(device)s, %(detail)s",
            device=event.device_id.serial,
            detail=event.cancel_note,
        )
        ticket.write(
            {
                "care_outcome": "wearer_cancelled",
                "stage_id": self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done").id,
            }
        )
        ticket._care_log("wearer_cancelled", note)
        ticket.message_post(
            body=note, message_type="comment", subtype_xmlid="mail.mt_note"
        )

    def _care_note_ignored_cancel(self, event):
        """Tell the desk that a cancel came and was not taken."""
        self.ensure_one()
        reason = dict(event._fields["cancel_result"]._description_selection(self.env))[
            event.cancel_result
        ]
        self.sudo().message_post(
            body=Markup("<strong>%s</strong>")
            % self.env._(
                "The wearer pressed cancel on device %(device)s, %(detail)s "
                "%(reason)s. The alarm stands.",
                device=event.device_id.serial,
                detail=event.cancel_note or "",
                reason=reason,
            ),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    # ------------------------------------------------------------------
    # Call-out ladder
    # ------------------------------------------------------------------
    def _care_ladder_lines(self, ladder):
        """The ladder's steps expanded for this ticket: values of the lines
        (the emergency-contacts step gives one line per contact, in their
        order; steps calling the elder or contacts are left out when there
        is nobody to call)."""
        self.ensure_one()
        elder = self.care_elder_id.sudo()
        contacts = (
            self.env["care.elder.contact"]
            .sudo()
            .search(
                [("elder_id", "=", elder.id), ("is_emergency", "=", True)],
                order="sequence, id",
            )
            if elder
            else self.env["care.elder.contact"]
        )
        lines = []
        for step in ladder.step_ids:
            base = {"ticket_id": self.id, "kind": step.kind, "timer": step.timer}
            if step.kind == "elder":
                if elder:
                    partner = elder.partner_id
                    lines.append(
                        dict(
                            base,
                            contact_name=partner.name,
                            phone=partner.mobile or partner.phone or False,
                        )
                    )
            elif step.kind == "contacts":
                for contact in contacts:
                    partner = contact.partner_id
                    lines.append(
                        dict(
                            base,
                            contact_name=partner.name,
                            phone=partner.mobile or partner.phone or False,
                        )
                    )
            else:
                lines.append(dict(base, phone=STEP_NUMBERS.get(step.kind, False)))
        for sequence, vals in enumerate(lines, 1):
            vals["sequence"] = sequence
        return lines

    def _care_ladder_start(self, now):
        """Start the ladder of the alarm's kind (when the desk acknowledges).
        Runs as superuser, the caller having been checked."""
        for ticket in self.filtered(
            lambda t: t.care_alarm_kind and not t.care_ladder_state and not t.closed
        ):
            ladder = self.env["care.alarm.ladder"]._for_ticket(ticket)
            if not ladder:
                continue
            values = ticket._care_ladder_lines(ladder)
            if not values:
                continue
            lines = self.env["care.alarm.ladder.line"].sudo().create(values)
            ticket.write({"care_ladder_id": ladder.id, "care_ladder_state": "running"})
            ticket._care_ladder_begin(lines[0], now)

    def _care_ladder_begin(self, line, now):
        seconds = (
            (now - self.care_alarm_time).total_seconds() if self.care_alarm_time else 0
        )
        deadline = now + timedelta(seconds=line.timer)
        line.write(
            {
                "state": "current",
                "started_at": now,
                "deadline": deadline,
                "seconds_to_start": max(seconds, 0.0),
            }
        )
        total = len(self.care_ladder_line_ids)
        self.write(
            {
                "care_ladder_line_id": line.id,
                "care_ladder_deadline": deadline,
                "care_ladder_step": self.env._(
                    "%(n)s/%(total)s %(step)s%(number)s",
                    n=line.sequence,
                    total=total,
                    step=line.display_name,
                    number=" (" + line.phone + ")" if line.phone else "",
                ),
            }
        )

    def _care_ladder_advance(self, now, outcome, note=False):
        """Close the current step with ``outcome`` and move on: an answer ends
        the ladder, anything else starts the next step. Returns the step
        closed. Runs as superuser, the caller having been checked."""
        self.ensure_one()
        line = self.care_ladder_line_id
        line.write(
            {
                "state": "done",
                "outcome": outcome,
                "ended_at": now,
                "duration": max((now - line.started_at).total_seconds(), 0.0)
                if line.started_at
                else 0.0,
                "user_id": False if outcome == "timeout" else self.env.uid,
                "note": note,
            }
        )
        following = self.care_ladder_line_ids.filtered(
            lambda x: x.state == "waiting"
        ).sorted("sequence")
        if outcome == "answered" or not following:
            # the steps not needed any more
            following.write({"state": "stopped"})
            self.write(
                {
                    "care_ladder_state": "answered"
                    if outcome == "answered"
                    else "exhausted",
                    "care_ladder_line_id": False,
                    "care_ladder_deadline": False,
                    "care_ladder_step": False,
                }
            )
        else:
            self._care_ladder_begin(following[0], now)
        return line

    def _care_ladder_stop(self):
        """The ticket closed: the steps not reached stay as they were, marked."""
        for ticket in self.sudo():
            ticket.care_ladder_line_ids.filtered(
                lambda x: x.state in ("waiting", "current")
            ).write({"state": "stopped"})
            ticket.write(
                {
                    "care_ladder_state": "stopped",
                    "care_ladder_line_id": False,
                    "care_ladder_deadline": False,
                    "care_ladder_step": False,
                }
            )

    def _care_ladder_record(self, outcome):
        """The desk records the outcome of the current step."""
        self._care_check_desk()
        self._care_require_ack()
        if outcome not in dict(LADDER_OUTCOMES) or outcome == "timeout":
            raise UserError(self.env._("Unknown outcome %s.", outcome))
        expected = self.env.context.get("care_ladder_line_id")
        now = fields.Datetime.now()
        for ticket in self:
            sudo = ticket.sudo()
            if sudo.care_ladder_state != "running" or not sudo.care_ladder_line_id:
                raise UserError(
                    self.env._(
                        "Alarm %s has no ladder step waiting for an outcome.",
                        ticket.number,
                    )
                )
            if expected and expected != sudo.care_ladder_line_id.id:
                # the step shown is not the current one any more (the timer
                # moved the ladder on): refuse rather than log on another
                raise UserError(
                    self.env._(
                        "The ladder of alarm %(ticket)s has moved on to: "
                        "%(step)s. Record the outcome again.",
                        ticket=ticket.number,
                        step=sudo.care_ladder_step,
                    )
                )
            line = sudo._care_ladder_advance(now, outcome)
            if sudo.care_ladder_state == "exhausted":
                sudo._care_ladder_alert(line)
        return True

    def action_care_ladder_answered(self):
        return self._care_ladder_record("answered")

    def action_care_ladder_no_answer(self):
        return self._care_ladder_record("no_answer")

    def action_care_ladder_busy(self):
        return self._care_ladder_record("busy")

    def action_care_ladder_refused(self):
        return self._care_ladder_record("refused")

    @api.model
    def _care_leads(self, company):
        """Who is alerted: the emergency team's lead, else up to three care
        managers of the company."""
        team = self._care_team()
        if team.user_id:
            return team.user_id
        root = self.env.ref("base.user_root")
        return self.env.ref("elder_crm.group_care_manager").users.filtered(
            lambda u: (
                u.active and not u.share and u != root and company in u.company_ids
            )
        )[:3]

    def _care_ladder_alert(self, line):
        """Alert the desk lead that ``line`` ended without an answer in time
        (or that the ladder ran out of steps): once per step."""
        self.ensure_one()
        if line.alerted:
            return
        line.alerted = True
        leads = self._care_leads(self.company_id)
        if self.care_ladder_state == "exhausted":
            body = self.env._(
                "Alarm %(ticket)s: the call-out ladder has run out of steps "
                "without an answer (last: %(step)s).",
                ticket=self.number,
                step=line.display_name,
            )
        else:
            body = self.env._(
                "Alarm %(ticket)s: step %(step)s was not completed within "
                "%(s)s seconds; the ladder moved on to %(next)s.",
                ticket=self.number,
                step=line.display_name,
                s=line.timer,
                next=self.care_ladder_step,
            )
        activity_type = self.env.ref("care_devices.mail_activity_type_alarm_escalation")
        for lead in leads:
            self.activity_schedule(
                activity_type_id=activity_type.id,
                summary=self.env._("Call-out ladder step overdue"),
                note=body,
                user_id=lead.id,
            )
        self.message_post(
            body=Markup("<strong>%s</strong>") % body,
            partner_ids=leads.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    @api.model
    def _cron_ladder_advance(self, limit=200):
        """Move the tickets whose ladder step ran out of time to the next step
        and alert the desk lead (once per step). Selected by state whatever
        the delay: a cron that missed its runs moves each ticket one step per
        run, each next step getting its full timer. Returns the tickets moved."""
        now = fields.Datetime.now()
        tickets = self.sudo().search(
            [
                ("care_ladder_state", "=", "running"),
                ("care_ladder_deadline", "<=", now),
                ("closed", "=", False),
            ],
            limit=limit,
            order="care_ladder_deadline, id",
        )
        moved = self.browse()
        for ticket in tickets:
            try:
                with self.env.cr.savepoint():
                    ticket = ticket.with_context(
                        lang=self._care_desk_lang(ticket.company_id)
                    )
                    line = ticket._care_ladder_advance(now, "timeout")
                    ticket._care_ladder_alert(line)
                moved |= ticket
            except (pgerrors.SerializationFailure, pgerrors.DeadlockDetected):
                raise
            except Exception:
                _logger.exception("care alarm %s: ladder could not move", ticket.number)
        if len(tickets) == limit and moved:
            self.env["ir.cron"]._notify_progress(done=len(moved), remaining=1)
        return moved
