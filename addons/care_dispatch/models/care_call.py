from urllib.parse import urlsplit

from psycopg2.errors import UniqueViolation

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError

CTI = "care_dispatch.group_care_cti"
DISPATCHER = "elder_crm.group_care_dispatcher"
# sizes the telephone system may send (longer is refused, never truncated)
MAX_NUMBER = 40
MAX_EXTERNAL_ID = 64
MAX_URL = 2048
MAX_LOGIN = 64

CALL_CATEGORIES = [
    ("consultation", "Consultation"),
    ("service_request", "Service request"),
    ("complaint", "Complaint"),
    ("emergency", "Emergency"),
    ("wrong_number", "Wrong number"),
]


class CareCall(models.Model):
    """A telephone call of the call centre (呼叫记录), in or out."""

    _name = "care.call"
    _description = "Call"
    _inherit = ["mail.thread", "mail.activity.mixin", "care.guard.mixin"]
    _order = "date_start desc, id desc"

    name = fields.Char(
        "Reference", required=True, readonly=True, copy=False, default="/", index=True
    )
    number = fields.Char(index=True)
    elder_id = fields.Many2one("care.elder", index="btree_not_null", tracking=True)
    caller = fields.Char(help="Who called: the elder, a daughter …")
    direction = fields.Selection(
        [("in", "Incoming"), ("out", "Outgoing")], default="in", required=True
    )
    category = fields.Selection(CALL_CATEGORIES, tracking=True, index=True)
    summary = fields.Text()
    state = fields.Selection(
        [("open", "In progress"), ("done", "Done")], default="open", required=True
    )
    order_id = fields.Many2one("fsm.order", "Service order", index="btree_not_null")
    user_id = fields.Many2one(
        "res.users", "Agent", default=lambda self: self.env.user, index=True
    )
    date_start = fields.Datetime("Start", default=fields.Datetime.now, required=True)
    date_end = fields.Datetime("End")
    duration = fields.Float("Minutes", compute="_compute_duration", store=True)
    recording_url = fields.Char("Recording")
    external_id = fields.Char(
        "Telephone system call id", index="btree_not_null", copy=False
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )

    _sql_constraints = [
        (
            "external_unique",
            "UNIQUE(company_id, external_id)",
            "The telephone system already reported this call.",
        ),
        (
            "dates",
            "CHECK(date_end IS NULL OR date_end >= date_start)",
            "A call cannot end before it starts.",
        ),
    ]

    @api.depends("date_start", "date_end")
    def _compute_duration(self):
        for call in self:
            call.duration = (
                (call.date_end - call.date_start).total_seconds() / 60
                if call.date_end and call.date_start
                else 0.0
            )

    @api.model_create_multi
    def create(self, vals_list):
        sequence = self.env["ir.sequence"]
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = sequence.next_by_code("care.call") or "/"
        return super().create(vals_list)

    # ------------------------------------------------------------------
    # Telephone system (CTI)
    # ------------------------------------------------------------------
    @api.model
    def _care_check_cti(self):
        """The telephone system's user (Telephony integration group) or an
        agent (Dispatcher) may log calls; nobody else."""
        if self.env.su or self.env.user.has_group(CTI):
            return "integration"
        if self.env.user.has_group(DISPATCHER):
            return "agent"
        raise AccessError(self.env._("This user may not log telephone calls."))

    @api.model
    def _care_cti_text(self, value, label, size, required=False):
        """A short text sent by the telephone system: a string (or a whole
        number), printable, at most ``size`` characters; else a UserError."""
        if value is None or value is False or value == "":
            if required:
                raise UserError(self.env._("%s is missing.", label))
            return False
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise UserError(self.env._("%s must be a text.", label))
        value = value.strip()
        if not value:
            if required:
                raise UserError(self.env._("%s is missing.", label))
            return False
        if len(value) > size:
            raise UserError(
                self.env._(
                    "%(label)s is too long (at most %(size)s characters).",
                    label=label,
                    size=size,
                )
            )
        if not value.isprintable():
            raise UserError(
                self.env._("%s contains characters that are not allowed.", label)
            )
        return value

    @api.model
    def _care_cti_url(self, value):
        url = self._care_cti_text(value, self.env._("The recording"), MAX_URL)
        if not url:
            return False
        try:
            parts = urlsplit(url)
        except ValueError:
            parts = None
        if not parts or parts.scheme not in ("http", "https") or not parts.netloc:
            raise UserError(self.env._("The recording must be an http(s) address."))
        return url

    @api.model
    def _care_cti_agent(self, login):
        """The agent a call rings to, by login (an active dispatcher), if any."""
        login = self._care_cti_text(login, self.env._("The agent"), MAX_LOGIN)
        if not login:
            return self.env["res.users"]
        agent = (
            self.env["res.users"]
            .sudo()
            .search([("login", "=", login), ("share", "=", False)], limit=1)
        )
        return agent if agent.has_group(DISPATCHER) else self.env["res.users"]

    @api.model
    def cti_incoming(self, number, external_id=None, recording_url=None, agent=None):
        """A call rings: log it and return the screen pop.

        Called by the telephone system over XML-RPC (or through
        ``POST /care/api/v1/calls``) with the caller's number in any common
        form. The same ``external_id`` twice, even at the same instant,
        returns the first call. Returns ``{call_id, name, elders: [cards],
        url}``; ``elders`` are the cards of ``care.elder.lookup_phone`` (a
        family member's number gives the elder), empty for an unknown number.
        An agent (Dispatcher) gets the full cards; the Telephony integration
        user, who may only log calls, gets each elder's id, code and name,
        and may name the ``agent`` (login) the call rings to.
        """
        role = self._care_check_cti()
        number = self._care_cti_text(
            number, self.env._("The caller's number"), MAX_NUMBER, required=True
        )
        external_id = self._care_cti_text(
            external_id, self.env._("The call id"), MAX_EXTERNAL_ID
        )
        recording_url = self._care_cti_url(recording_url)
        agent = self._care_cti_agent(agent)
        if role == "integration":
            Elder = self.env["care.elder"].sudo()
            cards = [
                {"id": card["id"], "code": card["code"], "name": card["name"]}
                for card in Elder.lookup_phone(number)
            ]
        else:
            cards = self.env["care.elder"].lookup_phone(number)
        found = external_id and self.search(
            [
                ("external_id", "=", external_id),
                ("company_id", "=", self.env.company.id),
            ],
            limit=1,
        )
        if found:
            call_id, name = found.id, found.name
        else:
            vals = {
                "number": number,
                "direction": "in",
                "external_id": external_id,
                "recording_url": recording_url,
                "elder_id": cards[0]["id"] if len(cards) == 1 else False,
            }
            if role == "integration":
                vals["user_id"] = agent.id
            elif agent:
                vals["user_id"] = agent.id
            try:
                with self.env.cr.savepoint():
                    call = self.create(vals)
                call_id, name = call.id, call.name
            except UniqueViolation:
                # the telephone system sent the same call twice at once: the
                # other request logged it (and committed, or we would still
                # wait); our snapshot predates it, a new cursor sees it
                call_id, name = self._care_committed_call(external_id)
        return {
            "call_id": call_id,
            "name": name,
            "elders": cards,
            "url": f"/odoo/action-care_dispatch.care_call_action/{call_id}",
        }

    @api.model
    def _care_committed_call(self, external_id):
        """(id, name) of the call a concurrent request committed."""
        cr = self.env.registry.cursor()
        try:
            cr.execute(
                tools.SQL(
                    "SELECT id, name FROM care_call "
                    "WHERE company_id = %s AND external_id = %s",
                    self.env.company.id,
                    external_id,
                )
            )
            row = cr.fetchone()
        finally:
            cr.close()
        if not row:
            raise UserError(
                self.env._("The telephone system sent this call twice: try again.")
            )
        return row

    @api.model
    def cti_hangup(self, call_id, recording_url=None):
        """The call ended: its end time (and recording, if any)."""
        self._care_check_cti()
        if isinstance(call_id, str) and call_id.strip().isdigit():
            call_id = int(call_id)
        if (
            not isinstance(call_id, int)
            or isinstance(call_id, bool)
            or not 0 < call_id < 2**31
        ):
            raise UserError(self.env._("A call is given by its id (a number)."))
        recording_url = self._care_cti_url(recording_url)
        call = self.browse(call_id).exists()
        if not call:
            raise UserError(self.env._("No call %s.", call_id))
        call.check_access("write")
        call.write(
            {
                "date_end": call.date_end or fields.Datetime.now(),
                "recording_url": recording_url or call.recording_url,
            }
        )
        return True

    # ------------------------------------------------------------------
    # Emergencies: never lost
    # ------------------------------------------------------------------
    def action_emergency(self):
        """The caller reports an emergency: hand it over at once.

        Without the emergency desk (care_devices) the dispatch lead and the
        agent get an urgent activity and the call stays open, red in the
        list, until someone closes it; with it, a ticket is opened on the
        desk (care_dispatch_devices)."""
        self.check_access("write")
        for call in self:
            call.category = "emergency"
            call._care_hand_over_emergency()
        return True

    def _care_hand_over_emergency(self):
        """Urgent activities, scheduled by the system (the agent may have no
        e-mail address to notify the lead from)."""
        self.ensure_one()
        lead = self.env["fsm.order"]._care_lead()
        users = lead | self.user_id.sudo()
        for user in users:
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=user.id,
                summary=self.env._(
                    "EMERGENCY call from %s", self.elder_id.name or self.number
                ),
                note=self.summary or False,
            )
        return self.sudo().activity_ids

    # ------------------------------------------------------------------
    # Agent actions
    # ------------------------------------------------------------------
    def action_register_elder(self):
        """An unknown caller: a new archive in enquiry status, number kept."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "care.elder",
            "view_mode": "form",
            "target": "current",
            "context": {"default_mobile": self.number, "care_call_id": self.id},
        }

    def action_new_request(self):
        """A service request for the caller's elder, from this call."""
        self.ensure_one()
        if not self.elder_id:
            raise UserError(
                self.env._(
                    "Find or register the elder first: a request is for an elder."
                )
            )
        self.category = "service_request"
        return {
            "type": "ir.actions.act_window",
            "res_model": "fsm.order",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_care_elder_id": self.elder_id.id,
                "default_care_call_id": self.id,
            },
        }

    def action_done(self):
        for call in self:
            if not call.category:
                raise UserError(
                    self.env._("%s: say what the call was about first.", call.name)
                )
        now = fields.Datetime.now()
        for call in self:
            call.write({"state": "done", "date_end": call.date_end or now})
        return True
