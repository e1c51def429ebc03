import zlib
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .care_device import map_url
from .care_device_event import EVENT_CODES, PRIORITY, TICKET_PRIORITY

OUTCOMES = [
    ("false_alarm", "False alarm"),
    ("resolved_by_phone", "Resolved by phone"),
    ("family_handled", "Family took care of it"),
    ("responder_on_site", "Responder on site"),
    ("hospital", "Taken to hospital"),
    ("police", "Handed to the police"),
    ("device_fixed", "Device fixed or replaced"),
    ("other", "Other"),
]
MERGE_WINDOW_DEFAULT = 10  # minutes
ACK_SECONDS_DEFAULT = 60


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    care_elder_id = fields.Many2one(
        "care.elder", "Elder", index="btree_not_null", tracking=True
    )
    care_device_id = fields.Many2one("care.device", "Device", index="btree_not_null")
    care_event_ids = fields.One2many("care.device.event", "ticket_id", "Device events")
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
        "care.alarm.action", "ticket_id", "Handling trail"
    )
    care_outcome = fields.Selection(OUTCOMES, "Outcome", tracking=True)
    care_card = fields.Html("Elder card", readonly=True, sanitize=True)
    care_map_url = fields.Char("Last position", readonly=True)

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
                ticket.care_elapsed = _("%s s", seconds)
            elif seconds < 7200:
                ticket.care_elapsed = _("%s min", seconds // 60)
            else:
                ticket.care_elapsed = _(
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
            ticket.message_post(body=_("Handed over from %s.", origin._get_html_link()))
        return ticket

    @api.model
    def _care_alarm_ticket(
        self, elder, kind, priority, event=None, device=None, detail=None
    ):
        """The emergency ticket of an alarm: an open one of the same kind is
        joined (within the merge window for critical alarms, for the whole
        episode for the others), otherwise a new one is opened.

        A transaction-level advisory lock per (elder or device, kind) makes
        two simultaneous alarms of one elder join one ticket.
        """
        now = fields.Datetime.now()
        subject = elder or device
        # the desk reads the ticket, not the device that posted the event
        self = self.with_context(lang=self._care_desk_lang(subject.company_id))
        self.env.cr.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)",
            [
                zlib.crc32(f"care_alarm:{subject._name}:{kind}".encode()) & 0x7FFFFFFF,
                subject.id,
            ],
        )
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
            if event:
                event.ticket_id = ticket
            if detail:
                body = _(
                    "Repeated alarm (%(count)s in all): %(detail)s.",
                    count=ticket.care_alarm_count,
                    detail=detail,
                )
            else:
                body = _(
                    "Repeated alarm (%(count)s in all).", count=ticket.care_alarm_count
                )
            ticket.message_post(body=body, message_type="notification")
            return ticket
        kind_label = dict(
            self.env["care.device.event"]
            ._fields["code"]
            ._description_selection(self.env)
        )[kind]
        name = _(
            "%(kind)s: %(who)s",
            kind=kind_label,
            who=elder.display_name if elder else _("device %s", device.serial),
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
        vals["description"] = Markup("<p>%s</p>") % (detail or name)
        ticket = Ticket.with_context(mail_create_nolog=True).create(vals)
        if event:
            event.ticket_id = ticket
        return ticket

    @api.model
    def _care_desk_lang(self, company):
        """The language alarm tickets are written in: the company's."""
        lang = company.partner_id.lang or self.env.lang
        return lang if self.env["res.lang"]._lang_get(lang) else "en_US"

    @api.model
    def _care_render_card(self, elder, device, event, detail, url):
        """The elder card for the desk, as it was when the alarm came in."""
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

    # ------------------------------------------------------------------
    # Handling trail
    # ------------------------------------------------------------------
    def _care_log(self, action, note=False):
        self.env["care.alarm.action"].create(
            [
                {"ticket_id": ticket.id, "action": action, "note": note}
                for ticket in self
            ]
        )

    def _care_require_ack(self):
        for ticket in self:
            if ticket.care_alarm_kind and not ticket.care_ack_date:
                raise UserError(_("Acknowledge alarm %s first.", ticket.number))

    def action_care_acknowledge(self):
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
            ticket.write(vals)
            ticket._care_log("ack")
        return True

    def action_care_elder_called(self):
        self._care_require_ack()
        self._care_log("elder_called")

    def action_care_contacts_called(self):
        self._care_require_ack()
        self._care_log("contacts_called")

    def action_care_send_responder(self):
        self._care_require_ack()
        for ticket in self:
            ticket._care_send_responder()

    def _care_send_responder(self):
        """Send someone to the elder. Hook: a service-order module overrides it
        to create an urgent order; here the dispatch is logged. Returns the
        created record or False."""
        self.ensure_one()
        self._care_log("responder")
        return False

    def action_care_call_120(self):
        self._care_require_ack()
        self._care_log("ambulance")

    def action_care_call_110(self):
        self._care_require_ack()
        self._care_log("police")

    def action_care_close(self):
        self.ensure_one()
        self._care_require_ack()
        return {
            "type": "ir.actions.act_window",
            "name": _("Close Alarm"),
            "res_model": "care.alarm.close.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    def _care_close(self, outcome, note=False):
        done = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        for ticket in self:
            if not outcome:
                raise UserError(_("Say how the alarm ended before closing it."))
            ticket.write({"care_outcome": outcome, "stage_id": done.id})
            ticket._care_log("closed", note)

    def write(self, vals):
        res = super().write(vals)
        if vals.get("stage_id"):
            for ticket in self.filtered(
                lambda t: t.care_alarm_time and t.closed and not t.care_time_to_close
            ):
                end = ticket.closed_date or fields.Datetime.now()
                super(HelpdeskTicket, ticket).write(
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
    def _cron_escalate_unacknowledged(self):
        """Tell the desk lead about critical alarms nobody acknowledged in time."""
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
            limit=200,
        )
        activity_type = self.env.ref("care_devices.mail_activity_type_alarm_escalation")
        managers = self.env.ref("elder_crm.group_care_manager").users.filtered(
            lambda u: (
                u.active and not u.share and u.id != self.env.ref("base.user_root").id
            )
        )
        for ticket in tickets:
            leads = (
                ticket.team_id.user_id
                or managers.filtered(lambda u, t=ticket: t.company_id in u.company_ids)[
                    :3
                ]
            )
            body = _(
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
                    summary=_("Unacknowledged alarm"),
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
        return tickets
