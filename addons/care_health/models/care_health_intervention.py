from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

DEFAULT_HOURS = 48
HOURS_PARAM = "care_health.intervention_hours"

OUTCOMES = [
    ("resolved", "Resolved at Home"),
    ("medication", "Medication Adjusted"),
    ("referred", "Referred"),
    ("monitor", "Closer Monitoring"),
    ("unreachable", "Could not Reach"),
    ("false_alarm", "Measurement Error"),
]


class CareHealthIntervention(models.Model):
    """The team's answer to a trend rule: at the elder's door within the
    deadline (48 h by default); late ones escalate to the team leader."""

    _name = "care.health.intervention"
    _description = "Health Intervention"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "care.health.record.mixin",
        "care.guard.mixin",
    ]
    _order = "deadline, id"
    _care_protected_fields = (
        "state",
        "deadline",
        "rule_id",
        "reading_ids",
        "date_done",
        "escalated",
        "elder_id",
    )

    name = fields.Char(compute="_compute_name", store=True)
    rule_id = fields.Many2one("care.health.trend.rule", readonly=True, index=True)
    reading_ids = fields.Many2many(
        "care.health.reading", string="Readings", readonly=True
    )
    state = fields.Selection(
        [("open", "Open"), ("done", "Done"), ("cancelled", "Cancelled")],
        default="open",
        required=True,
        tracking=True,
        index=True,
    )
    deadline = fields.Datetime(required=True, readonly=True, tracking=True)
    user_id = fields.Many2one("res.users", string="Assigned to", tracking=True)
    check_call = fields.Boolean(string="Phone Call")
    check_visit = fields.Boolean(string="Home Visit")
    check_medication = fields.Boolean(string="Medication Review")
    check_referral = fields.Boolean(string="Referral Considered")
    outcome = fields.Selection(OUTCOMES, tracking=True)
    outcome_note = fields.Text()
    date_done = fields.Datetime(string="Done At", readonly=True)
    escalated = fields.Boolean(readonly=True, tracking=True)
    on_time = fields.Boolean(
        string="Handled within Deadline", compute="_compute_on_time", store=True
    )
    on_time_count = fields.Integer(
        string="Within Deadline",
        compute="_compute_on_time",
        store=True,
        aggregator="sum",
    )
    overdue = fields.Boolean(compute="_compute_overdue", search="_search_overdue")

    @api.depends("rule_id.name", "elder_id.name")
    def _compute_name(self):
        for intervention in self:
            intervention.name = (
                f"{intervention.elder_id.name or ''}: {intervention.rule_id.name or ''}"
            )

    @api.depends("state", "date_done", "deadline")
    def _compute_on_time(self):
        for intervention in self:
            on_time = bool(
                intervention.state == "done"
                and intervention.date_done
                and intervention.date_done <= intervention.deadline
            )
            intervention.on_time = on_time
            intervention.on_time_count = int(on_time)

    def _compute_overdue(self):
        now = fields.Datetime.now()
        for intervention in self:
            intervention.overdue = (
                intervention.state == "open" and intervention.deadline < now
            )

    def _search_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on overdue."))
        domain = [("state", "=", "open"), ("deadline", "<", fields.Datetime.now())]
        return domain if (operator == "=") == value else ["!", *domain]

    def init(self):
        # one open intervention per rule and elder, whatever the concurrency
        self.env.cr.execute(
            """CREATE UNIQUE INDEX IF NOT EXISTS care_health_intervention_open_uniq
               ON care_health_intervention (rule_id, elder_id) WHERE state = 'open'"""
        )

    @api.model
    def _deadline_hours(self, rule):
        hours = rule.deadline_hours or int(
            self.env["ir.config_parameter"].sudo().get_param(HOURS_PARAM, DEFAULT_HOURS)
            or DEFAULT_HOURS
        )
        return max(hours, 1)

    @api.model
    def _open_for_rule(self, rule, fired):
        """Open one intervention per elder in ``fired`` ({elder id: reading
        ids}) unless one is open for this rule and elder already; batched,
        with the team leader's activity."""
        if not fired:
            return self.browse()
        self = self.sudo()
        already = set(
            self.search(
                [
                    ("rule_id", "=", rule.id),
                    ("elder_id", "in", list(fired)),
                    ("state", "=", "open"),
                ]
            ).elder_id.ids
        )
        contracts = (
            self.env["care.health.contract"]
            .sudo()
            .search([("elder_id", "in", list(fired)), ("state", "=", "active")])
        )
        leaders = {c.elder_id.id: c.team_id.leader_id.id for c in contracts}
        deadline = fields.Datetime.now() + timedelta(hours=self._deadline_hours(rule))
        interventions = self.create(
            [
                {
                    "elder_id": elder_id,
                    "rule_id": rule.id,
                    "reading_ids": [Command.set(reading_ids)],
                    "deadline": deadline,
                    "user_id": leaders.get(elder_id) or self.env.uid,
                }
                for elder_id, reading_ids in fired.items()
                if elder_id not in already
            ]
        )
        activity_type = self.env.ref("care_health.mail_activity_type_intervention")
        model_id = self.env["ir.model"]._get_id(self._name)
        # on the leader's activity list; no e-mail per alert (a burst of
        # readings would send thousands)
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        ).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": intervention.id,
                    "activity_type_id": activity_type.id,
                    "date_deadline": fields.Date.to_date(deadline),
                    "user_id": intervention.user_id.id,
                    "summary": rule.name,
                }
                for intervention in interventions
            ]
        )
        return interventions

    def action_done(self):
        self._check_health_user()
        for intervention in self:
            if intervention.state != "open":
                raise UserError(self.env._("Only an open intervention can be closed."))
            if not intervention.outcome:
                raise UserError(
                    self.env._("Record the outcome before closing the intervention.")
                )
            if not (intervention.check_call or intervention.check_visit):
                raise UserError(
                    self.env._(
                        "Tick the call or the home visit before closing the intervention."
                    )
                )
        self.sudo().write({"state": "done", "date_done": fields.Datetime.now()})
        self.sudo().activity_feedback(
            [
                "care_health.mail_activity_type_intervention",
                "care_health.mail_activity_type_escalation",
            ]
        )
        return True

    def action_cancel(self):
        self._check_health_user(leader=True)
        self.sudo().write({"state": "cancelled"})
        self.sudo().activity_unlink(
            [
                "care_health.mail_activity_type_intervention",
                "care_health.mail_activity_type_escalation",
            ]
        )
        return True

    @api.model
    def _cron_escalate(self):
        """Open interventions past their deadline: an activity for the team
        leader, once."""
        late = self.sudo().search(
            [
                ("state", "=", "open"),
                ("deadline", "<", fields.Datetime.now()),
                ("escalated", "=", False),
            ]
        )
        today = fields.Date.context_today(self)
        for intervention in late:
            leader = intervention.team_id.leader_id
            if leader:
                intervention.activity_schedule(
                    "care_health.mail_activity_type_escalation",
                    date_deadline=today,
                    user_id=leader.id,
                    summary=self.env._("Intervention past its deadline"),
                )
        late.write({"escalated": True})
        return late
