from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .care_health_common import (
    BP_CLASSES,
    bp_class,
    check_bp_values,
    check_glucose_value,
)

CLASSIFICATIONS = [
    ("controlled", "Controlled"),
    ("uncontrolled", "Uncontrolled or Side Effects: within 2 Weeks"),
    ("referral", "Referral: Uncontrolled Twice or New Complication"),
    ("danger", "Danger: Urgent Referral"),
]


class CareHealthFollowup(models.Model):
    _name = "care.health.followup"
    _description = "Chronic Disease Follow-up"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "care.health.record.mixin",
        "care.guard.mixin",
    ]
    _order = "date_planned desc, id desc"
    _rec_name = "display_label"
    _care_protected_fields = ("state", "previous_id", "referral_id", "date_done")
    _care_immutable_fields = ("elder_id", "registry_id")

    # the values behind a recorded classification are locked once recorded
    _care_locked_when_done = (
        "sbp",
        "dbp",
        "glucose",
        "heart_rate",
        "temperature",
        "weight",
        "symptom_ids",
        "side_effects",
        "new_complication",
        "date_planned",
        "kind",
    )

    registry_id = fields.Many2one(
        "care.health.registry",
        string="Registry Entry",
        required=True,
        index=True,
        ondelete="cascade",
    )
    elder_id = fields.Many2one(
        "care.elder",
        related="registry_id.elder_id",
        store=True,
        index=True,
        string="Elder",
        required=False,
        precompute=True,
    )
    disease = fields.Selection(related="registry_id.disease", store=True)
    display_label = fields.Char(compute="_compute_display_label")
    kind = fields.Selection(
        [
            ("routine", "Routine"),
            ("annual", "Yearly Health Check"),
            ("extra", "Additional"),
        ],
        required=True,
        default="extra",
    )
    state = fields.Selection(
        [("planned", "Planned"), ("done", "Done"), ("cancelled", "Cancelled")],
        default="planned",
        required=True,
        tracking=True,
        index=True,
    )
    date_planned = fields.Date(
        string="Planned For", required=True, default=fields.Date.context_today
    )
    date_done = fields.Date(string="Done On", tracking=True)
    user_id = fields.Many2one(
        "res.users", string="Seen by", default=lambda self: self.env.user
    )
    visit_mode = fields.Selection(
        [("clinic", "At the Clinic"), ("home", "Home Visit"), ("phone", "Phone")],
        default="clinic",
    )
    sbp = fields.Integer(string="Systolic (mmHg)")
    dbp = fields.Integer(string="Diastolic (mmHg)")
    heart_rate = fields.Integer(string="Heart Rate (/min)")
    glucose = fields.Float(string="Fasting Glucose (mmol/L)", digits=(4, 1))
    temperature = fields.Float(string="Temperature (°C)", digits=(3, 1))
    weight = fields.Float(string="Weight (kg)", digits=(5, 1))
    bp_class = fields.Selection(
        BP_CLASSES, string="BP Class", compute="_compute_bp_class", store=True
    )
    symptom_ids = fields.Many2many("care.health.symptom", string="Symptoms")
    side_effects = fields.Boolean(string="Medication Side Effects")
    new_complication = fields.Boolean(string="New or Worse Complication")
    complication_note = fields.Char()
    adherence = fields.Selection(
        [
            ("regular", "Regular"),
            ("intermittent", "Intermittent"),
            ("none", "Not Taking"),
        ],
        string="Medication Adherence",
    )
    previous_id = fields.Many2one(
        "care.health.followup", string="Previous Follow-up", readonly=True
    )
    previous_goals = fields.Text(
        related="previous_id.lifestyle_goals", string="Goals Agreed Last Time"
    )
    goals_review = fields.Selection(
        [("met", "Met"), ("partly", "Partly Met"), ("not_met", "Not Met")],
        string="Previous Goals",
    )
    lifestyle_goals = fields.Text(
        help="Salt, weight, smoking, alcohol, exercise: agreed now, reviewed next time."
    )
    note = fields.Text()
    out_of_target = fields.Boolean(
        compute="_compute_classification", store=True, recursive=True
    )
    classification = fields.Selection(
        CLASSIFICATIONS,
        compute="_compute_classification",
        store=True,
        tracking=True,
        recursive=True,
    )
    next_date = fields.Date(
        string="Next Follow-up by",
        compute="_compute_classification",
        store=True,
        recursive=True,
    )
    referral_id = fields.Many2one("care.health.referral", readonly=True)

    def write(self, vals):
        if not self.env.su and set(vals) & set(self._care_locked_when_done):
            if any(followup.state != "planned" for followup in self):
                raise UserError(
                    self.env._(
                        "A recorded or cancelled follow-up keeps its readings: plan "
                        "a new follow-up instead."
                    )
                )
        return super().write(vals)

    @api.depends("elder_id.name", "date_planned", "disease")
    def _compute_display_label(self):
        labels = dict(self._fields["disease"]._description_selection(self.env))
        for followup in self:
            followup.display_label = (
                f"{followup.elder_id.name or ''} {labels.get(followup.disease, '')} "
                f"{followup.date_planned or ''}"
            )

    @api.depends("sbp", "dbp")
    def _compute_bp_class(self):
        for followup in self:
            followup.bp_class = bp_class(followup.sbp, followup.dbp)

    @api.depends(
        "sbp",
        "dbp",
        "glucose",
        "heart_rate",
        "temperature",
        "symptom_ids.is_danger",
        "side_effects",
        "new_complication",
        "previous_id.out_of_target",
        "registry_id.protocol_id",
        "date_planned",
        "date_done",
    )
    def _compute_classification(self):
        for followup in self:
            followup.out_of_target, followup.classification, followup.next_date = (
                followup._classify()
            )

    def _classify(self):
        """(out of target, classification, next date) by the protocol's rules,
        first matching wins: danger, referral, uncontrolled, controlled."""
        self.ensure_one()
        protocol = self.registry_id.sudo().protocol_id
        has_bp = bool(self.sbp and self.dbp)
        has_glucose = bool(self.glucose)
        needed = has_glucose if self.disease == "diabetes" else has_bp
        if not protocol or not needed:
            return False, False, False
        p = protocol
        danger = (
            (has_bp and (self.sbp >= p.sbp_danger or self.dbp >= p.dbp_danger))
            or (
                has_glucose
                and (
                    self.glucose >= p.glucose_danger_high
                    or self.glucose <= p.glucose_danger_low
                )
            )
            or (self.heart_rate and self.heart_rate > p.heart_rate_danger)
            or (self.temperature and self.temperature > p.temperature_danger)
            or any(self.symptom_ids.mapped("is_danger"))
        )
        if self.disease == "diabetes":
            out = self.glucose >= p.glucose_target
        else:
            out = self.sbp >= p.sbp_target or self.dbp >= p.dbp_target
        if danger:
            klass, days = "danger", p.interval_referral
        elif self.new_complication or (out and self.previous_id.out_of_target):
            klass, days = "referral", p.interval_referral
        elif out or self.side_effects:
            klass, days = "uncontrolled", p.interval_uncontrolled
        else:
            klass, days = "controlled", p.interval_controlled
        base = self.date_done or self.date_planned
        return out, klass, base + relativedelta(days=days)

    @api.constrains(
        "registry_id", "sbp", "dbp", "glucose", "heart_rate", "temperature", "weight"
    )
    def _check_values(self):
        for followup in self:
            message = check_bp_values(self.env, followup.sbp, followup.dbp) or (
                followup.glucose and check_glucose_value(self.env, followup.glucose)
            )
            if not message and followup.glucose < 0:
                message = check_glucose_value(self.env, followup.glucose)
            if not message and not (0 <= followup.heart_rate <= 250):
                message = self.env._(
                    "A heart rate of %(value)s/min is impossible.",
                    value=followup.heart_rate,
                )
            if (
                not message
                and followup.temperature
                and not (30 <= followup.temperature <= 45)
            ):
                message = self.env._(
                    "A temperature of %(value)s °C is impossible.",
                    value=followup.temperature,
                )
            if not message and followup.weight and not (20 <= followup.weight <= 300):
                message = self.env._(
                    "A weight of %(value)s kg is impossible.", value=followup.weight
                )
            if message:
                raise ValidationError(message)

    @api.constrains("elder_id", "state")
    def _check_contract(self):
        for followup in self.filtered(lambda f: f.state != "cancelled"):
            if not followup.sudo().team_id:
                raise ValidationError(
                    self.env._(
                        "%(elder)s is outside every team's contract: no follow-up can be "
                        "recorded.",
                        elder=followup.elder_id.name,
                    )
                )

    def action_done(self):
        """Record the follow-up: its classification decides the next date and
        whether a referral is opened."""
        self._check_health_user()
        today = fields.Date.context_today(self)
        for followup in self:
            if followup.state != "planned":
                raise UserError(self.env._("Only a planned follow-up can be recorded."))
            if followup.disease == "diabetes" and not followup.glucose:
                raise UserError(
                    self.env._("Enter the fasting glucose of a diabetic patient.")
                )
            if followup.disease == "hypertension" and not (
                followup.sbp and followup.dbp
            ):
                raise UserError(
                    self.env._("Enter the blood pressure of a hypertensive patient.")
                )
            previous = self.sudo().search(
                [
                    ("registry_id", "=", followup.registry_id.id),
                    ("state", "=", "done"),
                    ("id", "!=", followup.id),
                ],
                order="date_done desc, id desc",
                limit=1,
            )
            followup.sudo().write(
                {
                    "state": "done",
                    "date_done": today,
                    "previous_id": previous.id,
                    "user_id": self.env.uid,
                }
            )
            # the follow-ups that were due by today are met by this one
            self.sudo().search(
                [
                    ("registry_id", "=", followup.registry_id.id),
                    ("state", "=", "planned"),
                    ("kind", "!=", "annual"),
                    ("date_planned", "<=", today),
                ]
            ).write({"state": "cancelled"})
            followup.sudo()._apply_outcome()
        return True

    def action_cancel(self):
        self._check_health_user()
        if self.filtered(lambda f: f.state != "planned"):
            raise UserError(self.env._("Only a planned follow-up can be cancelled."))
        self.sudo().write({"state": "cancelled"})
        return True

    def _apply_outcome(self):
        Referral = self.env["care.health.referral"]
        for followup in self:
            klass = followup.classification
            if klass in ("referral", "danger") and not followup.referral_id:
                urgent = klass == "danger"
                referral = Referral.create(
                    {
                        "elder_id": followup.elder_id.id,
                        "registry_id": followup.registry_id.id,
                        "followup_id": followup.id,
                        "urgency": "urgent" if urgent else "planned",
                        "reason": dict(
                            self._fields["classification"]._description_selection(
                                self.env
                            )
                        )[klass],
                        "user_id": followup.user_id.id or self.env.uid,
                    }
                )
                followup.referral_id = referral
                referral.activity_schedule(
                    "care_health.mail_activity_type_referral_send",
                    date_deadline=fields.Date.context_today(self),
                    user_id=referral.user_id.id or self.env.uid,
                    summary=self.env._("Urgent referral: send it now")
                    if urgent
                    else self.env._("Referral to a higher-level hospital"),
                )
            if klass != "controlled" and followup.next_date:
                sooner = self.search_count(
                    [
                        ("registry_id", "=", followup.registry_id.id),
                        ("state", "=", "planned"),
                        ("date_planned", "<=", followup.next_date),
                    ]
                )
                if not sooner:
                    self.create(
                        {
                            "registry_id": followup.registry_id.id,
                            "kind": "extra",
                            "date_planned": followup.next_date,
                        }
                    )
