from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .care_device_event import EVENT_CODES

STEP_KINDS = [
    ("elder", "Call the elder"),
    ("contacts", "Call the emergency contacts in order"),
    ("responder", "Send a responder"),
    ("ambulance", "Call 120 (ambulance)"),
    ("police", "Call 110 (police)"),
]
LADDER_OUTCOMES = [
    ("answered", "Answered"),
    ("no_answer", "No answer"),
    ("busy", "Busy"),
    ("refused", "Refused"),
    ("timeout", "No outcome in time"),
]
LINE_STATES = [
    ("waiting", "Waiting"),
    ("current", "Current"),
    ("done", "Done"),
    ("stopped", "Not reached"),
]
# who reads a ticket's ladder: the desk, and the manager for the report
LADDER_READERS = "elder_crm.group_care_emergency,elder_crm.group_care_manager"


class CareAlarmLadder(models.Model):
    """The call-out ladder of one alarm kind: the steps the desk works
    through, in order, until somebody answers. Data, edited by the manager."""

    _name = "care.alarm.ladder"
    _description = "Alarm Call-out Ladder"
    _order = "alarm_kind, id"

    name = fields.Char(required=True, translate=True)
    alarm_kind = fields.Selection(EVENT_CODES, "Alarm", required=True, index=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Empty: the ladder of every company."
    )
    step_ids = fields.One2many(
        "care.alarm.ladder.step", "ladder_id", "Steps", copy=True
    )

    @api.constrains("alarm_kind", "company_id", "active")
    def _check_one_per_kind(self):
        for ladder in self.filtered("active"):
            if self.search_count(
                [
                    ("id", "!=", ladder.id),
                    ("alarm_kind", "=", ladder.alarm_kind),
                    ("company_id", "=", ladder.company_id.id),
                ]
            ):
                raise ValidationError(
                    self.env._(
                        "There is already an active ladder for %(kind)s alarms.",
                        kind=dict(
                            self._fields["alarm_kind"]._description_selection(self.env)
                        )[ladder.alarm_kind],
                    )
                )

    @api.model
    def _for_ticket(self, ticket):
        """The active ladder of the ticket's alarm kind: its company's, else
        the shared one."""
        ladders = self.sudo().search(
            [
                ("alarm_kind", "=", ticket.care_alarm_kind),
                ("company_id", "in", (ticket.company_id.id, False)),
            ]
        )
        return (
            ladders.filtered(lambda lad: lad.company_id == ticket.company_id)[:1]
            or ladders[:1]
        )


class CareAlarmLadderStep(models.Model):
    _name = "care.alarm.ladder.step"
    _description = "Alarm Call-out Ladder Step"
    _order = "ladder_id, sequence, id"

    ladder_id = fields.Many2one(
        "care.alarm.ladder", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    kind = fields.Selection(STEP_KINDS, "Step", required=True)
    timer = fields.Integer(
        "Timer (s)",
        required=True,
        default=60,
        help="Seconds the desk has for this step (for each contact of the "
        "emergency-contacts step) before the ladder moves on and the desk "
        "lead is alerted.",
    )

    _sql_constraints = [
        (
            "timer_positive",
            "CHECK (timer > 0 AND timer <= 86400)",
            "A step's timer is between 1 second and one day.",
        ),
    ]


class CareAlarmLadderLine(models.Model):
    """One step of the ladder of one alarm ticket, expanded (one line per
    emergency contact): where the ticket stands, and the log of the desk's
    attempts. Written only by the ticket's code (sudo, callers checked)."""

    _name = "care.alarm.ladder.line"
    _inherit = ["care.guard.mixin"]
    _description = "Alarm Call-out Attempt"
    _order = "ticket_id, sequence, id"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True)
    alarm_kind = fields.Selection(
        related="ticket_id.care_alarm_kind", store=True, string="Alarm"
    )
    sequence = fields.Integer()
    kind = fields.Selection(STEP_KINDS, "Step", required=True)
    contact_name = fields.Char("Who")
    phone = fields.Char("Number")
    timer = fields.Integer("Timer (s)")
    state = fields.Selection(LINE_STATES, default="waiting", required=True)
    started_at = fields.Datetime("Started at")
    deadline = fields.Datetime("Due at")
    ended_at = fields.Datetime("Ended at")
    outcome = fields.Selection(LADDER_OUTCOMES)
    user_id = fields.Many2one("res.users", "Recorded by")
    note = fields.Char()
    # the report's figures: from the alarm to the step, and the step's length
    seconds_to_start = fields.Float(
        "Time to step (s)", aggregator="avg", help="From the alarm to this step."
    )
    duration = fields.Float("Step duration (s)", aggregator="avg")
    alerted = fields.Boolean("Desk lead alerted")

    _care_protected_fields = (
        "ticket_id",
        "sequence",
        "kind",
        "contact_name",
        "phone",
        "timer",
        "state",
        "started_at",
        "deadline",
        "ended_at",
        "outcome",
        "user_id",
        "note",
        "seconds_to_start",
        "duration",
        "alerted",
    )

    @api.depends("kind", "contact_name")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for line in self:
            if line.kind == "contacts" and line.contact_name:
                line.display_name = self.env._(
                    "Call emergency contact %s", line.contact_name
                )
            elif line.contact_name:
                line.display_name = self.env._(
                    "%(step)s: %(who)s", step=kinds[line.kind], who=line.contact_name
                )
            else:
                line.display_name = kinds.get(line.kind, "")
