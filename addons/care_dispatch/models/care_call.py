from odoo import _, api, fields, models
from odoo.exceptions import UserError

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
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"

    name = fields.Char(
        "Reference", required=True, readonly=True, copy=False, default="/", index=True
    )
    number = fields.Char("Number", index=True)
    elder_id = fields.Many2one(
        "care.elder", "Elder", index="btree_not_null", tracking=True
    )
    caller = fields.Char("Caller", help="Who called: the elder, a daughter …")
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
    def cti_incoming(self, number, external_id=None, recording_url=None):
        """A call rings: log it and return the screen pop.

        Called by the telephone system over XML-RPC (or through
        ``POST /care/api/v1/calls``) with the caller's number in any common
        form. The same ``external_id`` twice returns the first call. Returns
        ``{call_id, name, elders: [cards], url}``; ``elders`` are the cards of
        ``care.elder.lookup_phone`` (a family member's number gives the
        elder), empty for an unknown number.
        """
        number = (number or "").strip()
        if not number:
            raise UserError(_("The caller's number is missing."))
        call = external_id and self.search(
            [
                ("external_id", "=", external_id),
                ("company_id", "=", self.env.company.id),
            ],
            limit=1,
        )
        cards = self.env["care.elder"].lookup_phone(number)
        if not call:
            call = self.create(
                {
                    "number": number,
                    "direction": "in",
                    "external_id": external_id or False,
                    "recording_url": recording_url or False,
                    "elder_id": cards[0]["id"] if len(cards) == 1 else False,
                }
            )
        return {
            "call_id": call.id,
            "name": call.name,
            "elders": cards,
            "url": f"/odoo/action-care_dispatch.care_call_action/{call.id}",
        }

    @api.model
    def cti_hangup(self, call_id, recording_url=None):
        """The call ended: its end time (and recording, if any)."""
        call = self.browse(int(call_id)).exists()
        if not call:
            raise UserError(_("No call %s.", call_id))
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
        for call in self:
            call.category = "emergency"
            call._care_hand_over_emergency()
        return True

    def _care_hand_over_emergency(self):
        self.ensure_one()
        lead = self.env["fsm.order"]._care_setting("lead_user_id", 0)
        users = self.env["res.users"].browse(lead).exists() | self.user_id
        for user in users:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=user.id,
                summary=_("EMERGENCY call from %s", self.elder_id.name or self.number),
                note=self.summary or False,
            )
        return self.activity_ids

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
                _("Find or register the elder first: a request is for an elder.")
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
                raise UserError(_("%s: say what the call was about first.", call.name))
        now = fields.Datetime.now()
        for call in self:
            call.write({"state": "done", "date_end": call.date_end or now})
