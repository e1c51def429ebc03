"""Ability assessments: GB/T 42195-2022, Barthel ADL and AD8.

The 26 GB/T 42195 items, the 10 Barthel items and the 8 AD8 questions are
declared once in the tables below; their fields are generated from them so the
scoring code, the views and the value checks read the same source.
"""

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .care_elder import BARTHEL_BANDS, GBT_LEVELS, MANAGER_GROUP


def _scale(*labels):
    """Selection from the highest score down: _scale('a', 'b') -> 1 a, 0 b."""
    top = len(labels) - 1
    return [(str(top - i), f"{top - i} - {label}") for i, label in enumerate(labels)]


GENERIC = _scale(
    "Independent, needs no help",
    "Completes it with guidance or prompting",
    "Needs some help, does most of it",
    "Mainly relies on help, can cooperate",
    "Fully dependent, cannot cooperate",
)
DEGREE = _scale(
    "Normal", "Mild difficulty", "Moderate difficulty", "Severe difficulty", "Unable"
)

# (field, code, dimension, label, selection)
GBT_ITEMS = [
    (
        "gbt_b1_1",
        "B.1.1",
        "self_care",
        "Eating",
        _scale(
            "Eats independently with utensils, no choking",
            "With prompting or an aid, no choking",
            "A little hands-on help, chokes occasionally",
            "A lot of hands-on help, chokes often",
            "Fed by others, dysphagia or tube feeding",
        ),
    ),
    ("gbt_b1_2", "B.1.2", "self_care", "Grooming", GENERIC),
    ("gbt_b1_3", "B.1.3", "self_care", "Bathing", GENERIC),
    ("gbt_b1_4", "B.1.4", "self_care", "Upper-body dressing", GENERIC),
    ("gbt_b1_5", "B.1.5", "self_care", "Trousers, shoes and socks", GENERIC),
    (
        "gbt_b1_6",
        "B.1.6",
        "self_care",
        "Urinary continence",
        _scale(
            "Normal",
            "Worse at night, or uses pads unaided",
            "Occasional incontinence (<1/day, >1/week), or a little help",
            "Incontinent most days (1/day or more), or a lot of help",
            "Totally incontinent or indwelling catheter",
        ),
    ),
    (
        "gbt_b1_7",
        "B.1.7",
        "self_care",
        "Bowel continence",
        _scale(
            "Normal",
            "Occasional constipation or incontinence, or uses aids unaided",
            "Frequent (<1/day, >1/week), or a little help",
            "Most of the time (1/day or more), or a lot of help",
            "Severe constipation or total incontinence",
        ),
    ),
    ("gbt_b1_8", "B.1.8", "self_care", "Toileting", GENERIC),
    ("gbt_b2_1", "B.2.1", "mobility", "Turning in bed", GENERIC),
    ("gbt_b2_2", "B.2.2", "mobility", "Bed-chair transfer", GENERIC),
    (
        "gbt_b2_3",
        "B.2.3",
        "mobility",
        "Walking on level ground (50 m)",
        _scale(
            "Walks about 50 m alone, no fall risk",
            "Walks 50 m with fall risk: supervision, cane or walker",
            "Needs a little support",
            "Needs a lot of support",
            "Cannot walk",
        ),
    ),
    (
        "gbt_b2_4",
        "B.2.4",
        "mobility",
        "Stairs (10-15 steps)",
        _scale(
            "Independent",
            "With prompting",
            "With help, mainly self",
            "Mainly or fully dependent",
        ),
    ),
    (
        "gbt_b3_1",
        "B.3.1",
        "mental",
        "Time orientation",
        _scale(
            "Knows the year and month (date may be a day off)",
            "Unsure of the month or date",
            "Knows only the half-year or season",
            "Knows only morning/afternoon or day/night",
            "No sense of time",
        ),
    ),
    (
        "gbt_b3_2",
        "B.3.2",
        "mental",
        "Place orientation",
        _scale(
            "Goes out alone within the daily range",
            "Mild disorientation",
            "Moderate disorientation",
            "Severe disorientation",
            "Cannot go out alone, no sense of place",
        ),
    ),
    (
        "gbt_b3_3",
        "B.3.3",
        "mental",
        "Person orientation",
        _scale(
            "Knows co-residents and their relationships",
            "Mild difficulty recognising people",
            "Moderate difficulty recognising people",
            "Severe difficulty recognising people",
            "Recognises nobody, including self",
        ),
    ),
    (
        "gbt_b3_4",
        "B.3.4",
        "mental",
        "Memory",
        _scale(
            "Normal",
            "Mild: recalls 0-1 of 3 words after 5 minutes",
            "Moderate: recent memory lost",
            "Severe: remote memory lost",
            "Complete memory loss",
        ),
    ),
    ("gbt_b3_5", "B.3.5", "mental", "Comprehension", DEGREE),
    ("gbt_b3_6", "B.3.6", "mental", "Expression", DEGREE),
    (
        "gbt_b3_7",
        "B.3.7",
        "mental",
        "Aggressive behaviour",
        _scale(
            "None",
            "Physical or verbal aggression in the past month",
        ),
    ),
    (
        "gbt_b3_8",
        "B.3.8",
        "mental",
        "Depressive symptoms",
        _scale(
            "None",
            "Negative mood in the past month",
        ),
    ),
    (
        "gbt_b3_9",
        "B.3.9",
        "mental",
        "Consciousness",
        _scale(
            "Alert",
            "Somnolent or confused",
            "Stupor or coma",
        ),
    ),
    (
        "gbt_b4_1",
        "B.4.1",
        "perception",
        "Vision (best corrected)",
        _scale(
            "Normal",
            "Reads large print only, or recognises objects only",
            "Sees light, colour and shape only, or blind",
        ),
    ),
    (
        "gbt_b4_2",
        "B.4.2",
        "perception",
        "Hearing (with usual aids)",
        _scale(
            "Normal",
            "Cannot hear soft speech or speech beyond 2 m",
            "Hears only loud, slow speech in part, or deaf",
        ),
    ),
    (
        "gbt_b4_3",
        "B.4.3",
        "perception",
        "Daily affairs (laundry, shopping, medication)",
        _scale(
            "Independent",
            "Needs supervision",
            "Needs a little help",
            "Needs a lot of help",
            "Fully dependent",
        ),
    ),
    (
        "gbt_b4_4",
        "B.4.4",
        "perception",
        "Going out by transport",
        _scale(
            "Rides a bike or takes public transport alone",
            "Takes a taxi alone only",
            "Takes public transport only when accompanied",
            "Only by car with help, or cannot go out",
        ),
    ),
    (
        "gbt_b4_5",
        "B.4.5",
        "perception",
        "Social interaction",
        _scale(
            "Adapts well socially",
            "Mild difficulty",
            "Moderate difficulty",
            "Severe difficulty",
            "Cannot interact",
        ),
    ),
]
GBT_DIMENSIONS = ("self_care", "mobility", "mental", "perception")

_B3 = [("10", "10 - Independent"), ("5", "5 - Needs some help"), ("0", "0 - Dependent")]
_B2 = [("5", "5 - Independent"), ("0", "0 - Dependent")]
_B4 = [
    ("15", "15 - Independent"),
    ("10", "10 - A little help or supervision"),
    ("5", "5 - A lot of help"),
    ("0", "0 - Unable"),
]
BARTHEL_ITEMS = [
    ("barthel_feeding", "Feeding", _B3),
    ("barthel_bathing", "Bathing", _B2),
    ("barthel_grooming", "Grooming", _B2),
    ("barthel_dressing", "Dressing", _B3),
    (
        "barthel_bowels",
        "Bowels",
        [
            ("10", "10 - Continent"),
            ("5", "5 - Occasional accident (<1/week)"),
            ("0", "0 - Incontinent"),
        ],
    ),
    (
        "barthel_bladder",
        "Bladder",
        [
            ("10", "10 - Continent"),
            ("5", "5 - Occasional accident (<1/24 h)"),
            ("0", "0 - Incontinent or catheter"),
        ],
    ),
    ("barthel_toilet", "Toilet use", _B3),
    ("barthel_transfer", "Bed-chair transfer", _B4),
    (
        "barthel_mobility",
        "Walking 45 m on level ground",
        [
            ("15", "15 - Independent"),
            ("10", "10 - Walks 45 m with one person's help"),
            ("5", "5 - Wheelchair-independent for 45 m"),
            ("0", "0 - Immobile or under 45 m"),
        ],
    ),
    ("barthel_stairs", "Stairs", _B3),
]

_AD8 = [("yes", "Yes, a change"), ("no", "No change"), ("unknown", "Don't know")]
AD8_ITEMS = [
    ("ad8_judgment", "Problems with judgment (e.g. bad financial decisions)"),
    ("ad8_interest", "Less interest in hobbies or activities"),
    ("ad8_repeats", "Repeats the same questions, stories or statements"),
    ("ad8_learning", "Trouble learning to use a tool or appliance"),
    ("ad8_month", "Forgets the correct month or year"),
    ("ad8_finances", "Trouble handling complicated financial affairs"),
    ("ad8_appointments", "Trouble remembering appointments"),
    ("ad8_daily", "Daily problems with thinking or memory"),
]

ITEM_SELECTIONS = {
    **{fname: sel for fname, _code, _dim, _label, sel in GBT_ITEMS},
    **{fname: sel for fname, _label, sel in BARTHEL_ITEMS},
    **{fname: _AD8 for fname, _label in AD8_ITEMS},
}
TYPE_ITEMS = {
    "gbt42195": [item[0] for item in GBT_ITEMS],
    "barthel": [item[0] for item in BARTHEL_ITEMS],
    "ad8": [item[0] for item in AD8_ITEMS],
}
RISK_FIELDS = (
    "risk_falls",
    "risk_wandering",
    "risk_choking",
    "risk_self_harm",
    "risk_other",
)
# what may still change on an assessment that is no longer a draft: its
# status (through the actions), the cron's reminder flag and the chatter
UNLOCKED_FIELDS = {"state", "reminder_done", "date_confirmed", "confirmed_uid"}
UNLOCKED_PREFIXES = ("message_", "activity_", "website_message_")


def gbt_preliminary_level(total):
    """GB/T 42195-2022 C.3: total score (0-90) to level 0-4."""
    if total >= 90:
        return 0
    if total >= 66:
        return 1
    if total >= 46:
        return 2
    if total >= 30:
        return 3
    return 4


def barthel_band(score):
    if score >= 100:
        return "independent"
    if score >= 61:
        return "mild"
    if score >= 41:
        return "moderate"
    return "severe"


class CareAssessment(models.Model):
    _name = "care.assessment"
    _description = "Ability Assessment"
    _inherit = ["mail.thread", "mail.activity.mixin", "care.guard.mixin"]
    # the status moves only through the actions, which check who may move it;
    # the confirmation stamp and the reminder flag are the code's own
    _care_protected_fields = (
        "state",
        "date_confirmed",
        "confirmed_uid",
        "reminder_done",
    )
    _order = "date desc, id desc"
    _check_company_auto = True

    elder_id = fields.Many2one(
        "care.elder",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        related="elder_id.company_id", store=True, index=True, precompute=True
    )
    assessment_type = fields.Selection(
        [
            ("gbt42195", "GB/T 42195-2022 ability assessment"),
            ("barthel", "Barthel ADL index"),
            ("ad8", "AD8 dementia screen"),
        ],
        string="Type",
        required=True,
        default="gbt42195",
        tracking=True,
    )
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Confirmed"), ("cancel", "Cancelled")],
        string="Status",
        default="draft",
        required=True,
        tracking=True,
        index=True,
    )
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    valid_until = fields.Date(
        compute="_compute_valid_until",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    reason = fields.Selection(
        [
            ("first", "First assessment"),
            ("routine", "Routine reassessment"),
            ("immediate", "Immediate (condition changed)"),
            ("review", "Review of a disputed result"),
            ("other", "Other"),
        ],
        default="first",
    )
    assessor_ids = fields.Many2many(
        "res.users",
        string="Assessors",
        default=lambda self: self.env.user,
        help="GB/T 42195 assessments are usually made by two assessors.",
    )
    organisation = fields.Char(string="Assessing Organisation")
    informant = fields.Selection(
        [
            ("self", "The elder"),
            ("spouse", "Spouse"),
            ("child", "Child"),
            ("relative", "Other relative"),
            ("caregiver", "Hired caregiver"),
            ("committee", "Residents' committee staff"),
            ("other", "Other"),
        ],
        string="Information From",
    )
    note = fields.Html()
    reminder_done = fields.Boolean(
        copy=False, help="A reassessment reminder was scheduled."
    )
    date_confirmed = fields.Datetime(
        string="Confirmed On",
        copy=False,
        readonly=True,
        help="When the assessment was last confirmed. Once confirmed, an "
        "assessment can only be reopened by a care manager.",
    )
    confirmed_uid = fields.Many2one(
        "res.users", string="Confirmed By", copy=False, readonly=True
    )

    # C.4 change rules --------------------------------------------
    coma = fields.Boolean(
        string="In a coma (A.5.11)",
        help="An elder in a coma is rated 4 - completely lost.",
    )
    dementia_diagnosed = fields.Boolean(
        string="Diagnosed dementia (F00-F03)",
        compute="_compute_diagnoses",
        store=True,
        readonly=False,
        precompute=True,
    )
    mental_disorder_diagnosed = fields.Boolean(
        string="Other diagnosed mental disorder (F04-F99)",
        compute="_compute_diagnoses",
        store=True,
        readonly=False,
        precompute=True,
    )
    risk_falls = fields.Integer(string="Falls in the past 30 days")
    risk_wandering = fields.Integer(string="Wandering (lost) in the past 30 days")
    risk_choking = fields.Integer(string="Choking in the past 30 days")
    risk_self_harm = fields.Integer(string="Suicide or self-harm in the past 30 days")
    risk_other = fields.Integer(string="Other care-risk events in the past 30 days")
    risk_events = fields.Integer(
        string="Care-risk events (30 days)", compute="_compute_gbt_scores", store=True
    )

    # GB/T 42195 results ------------------------------------------
    for _fname, _code, _dim, _label, _sel in GBT_ITEMS:
        locals()[_fname] = fields.Selection(_sel, string=f"{_code} {_label}")
    self_care_score = fields.Integer(
        string="Self-care (/32)", compute="_compute_gbt_scores", store=True
    )
    mobility_score = fields.Integer(
        string="Basic mobility (/15)", compute="_compute_gbt_scores", store=True
    )
    mental_score = fields.Integer(
        string="Mental state (/28)", compute="_compute_gbt_scores", store=True
    )
    perception_score = fields.Integer(
        string="Perception and social (/15)", compute="_compute_gbt_scores", store=True
    )
    total_score = fields.Integer(
        string="Total (/90)", compute="_compute_gbt_scores", store=True
    )
    preliminary_level = fields.Selection(
        GBT_LEVELS,
        compute="_compute_gbt_scores",
        store=True,
    )
    final_level = fields.Selection(
        GBT_LEVELS,
        compute="_compute_gbt_scores",
        store=True,
        index=True,
    )
    level_change_note = fields.Char(
        string="Level Change (C.4)",
        compute="_compute_level_change_note",
        help="Why the final level differs from the preliminary one, in the reader's "
        "language.",
    )

    # Barthel -----------------------------------------------------
    for _fname, _label, _sel in BARTHEL_ITEMS:
        locals()[_fname] = fields.Selection(_sel, string=_label)
    barthel_score = fields.Integer(
        string="Barthel Score (/100)", compute="_compute_barthel", store=True
    )
    barthel_band = fields.Selection(
        BARTHEL_BANDS, string="Dependency", compute="_compute_barthel", store=True
    )

    # AD8 ---------------------------------------------------------
    for _fname, _label in AD8_ITEMS:
        locals()[_fname] = fields.Selection(_AD8, string=_label)
    ad8_score = fields.Integer(
        string="AD8 Score (/8)", compute="_compute_ad8", store=True
    )
    ad8_positive = fields.Boolean(
        string="Positive Screen",
        compute="_compute_ad8",
        store=True,
        help="Two or more changes: refer for a fuller cognitive assessment.",
    )
    del _fname, _label, _sel, _code, _dim

    is_complete = fields.Boolean(compute="_compute_is_complete")

    _sql_constraints = [
        (
            "risk_counts_positive",
            "CHECK(risk_falls >= 0 AND risk_wandering >= 0 AND risk_choking >= 0 "
            "AND risk_self_harm >= 0 AND risk_other >= 0)",
            "Care-risk event counts cannot be negative.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("date")
    def _compute_valid_until(self):
        months = self._reassessment_months()
        for assessment in self:
            if assessment.date:
                assessment.valid_until = assessment.date + relativedelta(months=months)

    @api.depends("elder_id")
    def _compute_diagnoses(self):
        for assessment in self:
            conditions = assessment.elder_id.sudo().condition_ids
            assessment.dementia_diagnosed = any(conditions.mapped("is_dementia"))
            assessment.mental_disorder_diagnosed = any(
                conditions.mapped("is_mental_disorder")
            )

    @api.depends(
        "assessment_type",
        "coma",
        "dementia_diagnosed",
        "mental_disorder_diagnosed",
        *RISK_FIELDS,
        *TYPE_ITEMS["gbt42195"],
    )
    def _compute_gbt_scores(self):
        cumulative = self._c4_cumulative()
        for rec in self:
            rec.risk_events = sum(rec[fname] or 0 for fname in RISK_FIELDS)
            subtotals = dict.fromkeys(GBT_DIMENSIONS, 0)
            values = [rec[item[0]] for item in GBT_ITEMS]
            for item, value in zip(GBT_ITEMS, values, strict=True):
                subtotals[item[2]] += int(value or 0)
            rec.self_care_score = subtotals["self_care"]
            rec.mobility_score = subtotals["mobility"]
            rec.mental_score = subtotals["mental"]
            rec.perception_score = subtotals["perception"]
            rec.total_score = sum(subtotals.values())
            if rec.assessment_type != "gbt42195" or not all(values):
                rec.preliminary_level = rec.final_level = False
                continue
            preliminary = gbt_preliminary_level(rec.total_score)
            rec.preliminary_level = str(preliminary)
            rec.final_level = str(rec._apply_c4(preliminary, cumulative))

    def _c4_reasons(self):
        """The C.4 raise rules that apply (coma is handled apart)."""
        self.ensure_one()
        reasons = []
        if self.dementia_diagnosed or self.mental_disorder_diagnosed:
            reasons.append(self.env._("diagnosed dementia or mental disorder"))
        if self.risk_events >= 2:
            reasons.append(
                self.env._(
                    "%(count)s care-risk events in 30 days", count=self.risk_events
                )
            )
        return reasons

    def _apply_c4(self, preliminary, cumulative):
        """GB/T 42195 C.4: the final level (0-4) from the preliminary one."""
        self.ensure_one()
        if self.coma:
            return 4
        reasons = self._c4_reasons()
        if not reasons:
            return preliminary
        return min(4, preliminary + (len(reasons) if cumulative else 1))

    @api.depends("preliminary_level", "final_level", "coma", "risk_events")
    @api.depends_context("lang")
    def _compute_level_change_note(self):
        for rec in self:
            if not rec.final_level:
                rec.level_change_note = False
            elif rec.coma:
                rec.level_change_note = self.env._("Coma: rated completely lost")
            elif not (reasons := rec._c4_reasons()):
                rec.level_change_note = False
            elif rec.final_level == rec.preliminary_level:
                rec.level_change_note = self.env._(
                    "Already at the highest level (%(reasons)s)",
                    reasons="; ".join(reasons),
                )
            else:
                rec.level_change_note = self.env._(
                    "Raised by %(raises)s: %(reasons)s",
                    raises=int(rec.final_level) - int(rec.preliminary_level),
                    reasons="; ".join(reasons),
                )

    @api.depends("assessment_type", *TYPE_ITEMS["barthel"])
    def _compute_barthel(self):
        for rec in self:
            values = [rec[fname] for fname in TYPE_ITEMS["barthel"]]
            if rec.assessment_type != "barthel" or not all(values):
                rec.barthel_score = 0
                rec.barthel_band = False
                continue
            rec.barthel_score = sum(int(v) for v in values)
            rec.barthel_band = barthel_band(rec.barthel_score)

    @api.depends("assessment_type", *TYPE_ITEMS["ad8"])
    def _compute_ad8(self):
        for rec in self:
            score = sum(1 for fname in TYPE_ITEMS["ad8"] if rec[fname] == "yes")
            rec.ad8_score = score if rec.assessment_type == "ad8" else 0
            rec.ad8_positive = rec.assessment_type == "ad8" and score >= 2

    @api.depends("assessment_type", *ITEM_SELECTIONS)
    def _compute_is_complete(self):
        for rec in self:
            rec.is_complete = not rec._missing_items()

    @api.depends("elder_id", "assessment_type", "date")
    def _compute_display_name(self):
        types = dict(self._fields["assessment_type"]._description_selection(self.env))
        for rec in self:
            rec.display_name = " - ".join(
                filter(
                    None,
                    [
                        rec.elder_id.name,
                        types.get(rec.assessment_type),
                        str(rec.date or ""),
                    ],
                )
            )

    # ------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------
    @api.model
    def _param(self, key, default):
        return self.env["ir.config_parameter"].sudo().get_param(key, default)

    @api.model
    def _c4_cumulative(self):
        return self._param("elder_crm.c4_cumulative_raises", "False") in (
            "True",
            "1",
            "true",
        )

    @api.model
    def _reassessment_months(self):
        return int(self._param("elder_crm.reassessment_months", 6) or 6)

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    def _missing_items(self):
        self.ensure_one()
        return [
            self._fields[fname].string
            for fname in TYPE_ITEMS.get(self.assessment_type, [])
            if not self[fname]
        ]

    @api.model
    def _check_item_vals(self, vals):
        """Refuse an item value outside its scale with a message naming it.

        Integers are accepted for convenience (RPC scripts) and stored as the
        selection key.
        """
        for fname, selection in ITEM_SELECTIONS.items():
            if fname not in vals or vals[fname] in (False, None, ""):
                continue
            value = vals[fname]
            if isinstance(value, int) and not isinstance(value, bool):
                value = str(value)
            allowed = [key for key, _label in selection]
            if value not in allowed:
                raise ValidationError(
                    self.env._(
                        "%(item)s: %(value)s is not a valid answer. Allowed: %(allowed)s.",
                        item=self._fields[fname]._description_string(self.env),
                        value=vals[fname],
                        allowed=", ".join(allowed),
                    )
                )
            vals[fname] = value
        return vals

    @api.constrains("valid_until", "date")
    def _check_dates(self):
        months = self._reassessment_months()
        for rec in self:
            if rec.valid_until and rec.date and rec.valid_until < rec.date:
                raise ValidationError(
                    self.env._("An assessment cannot expire before its date.")
                )
            if (
                rec.valid_until
                and rec.date
                and rec.valid_until > rec.date + relativedelta(months=months)
            ):
                raise ValidationError(
                    self.env._(
                        "An assessment is valid for at most %(months)s months after "
                        "its date.",
                        months=months,
                    )
                )
            if rec.date and rec.date > fields.Date.context_today(rec):
                raise ValidationError(
                    self.env._("An assessment cannot be dated in the future.")
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_item_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        vals = self._check_item_vals(dict(vals))
        locked = [
            fname
            for fname in vals
            if fname not in UNLOCKED_FIELDS and not fname.startswith(UNLOCKED_PREFIXES)
        ]
        # for everyone, superuser included: a confirmed result is evidence
        # (the elder's level and the vouchers read it); a manager reopens it
        if locked and self.filtered(lambda a: a.state != "draft"):
            raise UserError(
                self.env._(
                    "A confirmed or cancelled assessment cannot be changed (%(fields)s). "
                    "Make a new assessment, or ask a care manager to reopen it.",
                    fields=", ".join(
                        self._fields[fname]._description_string(self.env)
                        for fname in locked
                        if fname in self._fields
                    ),
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done(self):
        if self.filtered(lambda a: a.state == "done" or a.date_confirmed):
            raise UserError(
                self.env._(
                    "A confirmed assessment cannot be deleted; cancel it instead."
                )
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _check_assessor(self):
        """Only who may write assessments moves their status (reception,
        care managers); checked before the status is written as superuser."""
        self.check_access("write")

    def _check_reopen(self):
        """A confirmed assessment is reopened or cancelled by a care manager."""
        # a confirmed one, or one confirmed before it was cancelled (assessments
        # confirmed before the stamp existed are confirmed by their status)
        once_confirmed = self.filtered(lambda a: a.state == "done" or a.date_confirmed)
        if once_confirmed and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._(
                    "Only a care manager can cancel or reopen a confirmed assessment."
                )
            )

    def action_confirm(self):
        self._check_assessor()
        for rec in self:
            if rec.state != "draft":
                raise UserError(
                    self.env._(
                        "%(assessment)s is not a draft: only a draft can be confirmed.",
                        assessment=rec.display_name,
                    )
                )
            missing = rec._missing_items()
            if missing:
                raise UserError(
                    self.env._(
                        "Answer every item before confirming the assessment. Missing: %(items)s",
                        items=", ".join(missing),
                    )
                )
        self.sudo().write(
            {
                "state": "done",
                "date_confirmed": fields.Datetime.now(),
                "confirmed_uid": self.env.uid,
            }
        )
        return True

    def action_reset_draft(self):
        self._check_assessor()
        self._check_reopen()
        reopened = self.filtered(lambda a: a.state == "done")
        for rec in reopened:
            # the trace of what the result was before it is reopened
            # logged, not posted: a user without an e-mail address may do it
            rec._message_log(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Reopened. The confirmed result was: total %(total)s, level "
                    "%(level)s, Barthel %(barthel)s, AD8 %(ad8)s.",
                    total=rec.total_score,
                    level=rec.final_level or "-",
                    barthel=rec.barthel_score,
                    ad8=rec.ad8_score,
                ),
            )
        self.sudo().write({"state": "draft", "reminder_done": False})
        return True

    def action_cancel(self):
        self._check_assessor()
        self._check_reopen()
        self.sudo().write({"state": "cancel"})
        return True

    # ------------------------------------------------------------------
    # Cron: reassessment reminders
    # ------------------------------------------------------------------
    @api.model
    def _cron_reassessment_reminders(self):
        """Schedule a reminder on elders whose current assessment lapses soon."""
        days = int(self._param("elder_crm.reassessment_reminder_days", 14) or 14)
        horizon = fields.Date.context_today(self) + relativedelta(days=days)
        candidates = self.search(
            [
                ("state", "=", "done"),
                ("reminder_done", "=", False),
                ("valid_until", "<=", horizon),
            ]
        )
        latest = {}
        newer = self.search(
            [
                ("state", "=", "done"),
                ("elder_id", "in", candidates.elder_id.ids),
            ]
        )
        for rec in newer:
            key = (rec.elder_id.id, rec.assessment_type)
            if key not in latest or (rec.date, rec.id) > (
                latest[key].date,
                latest[key].id,
            ):
                latest[key] = rec
        activity_type = self.env.ref("elder_crm.mail_activity_type_reassessment")
        types = dict(self._fields["assessment_type"]._description_selection(self.env))
        reminded = self.browse()
        for rec in candidates:
            if latest.get((rec.elder_id.id, rec.assessment_type)) != rec:
                reminded |= rec  # superseded: nothing to remind
                continue
            rec.elder_id.activity_schedule(
                activity_type_id=activity_type.id,
                date_deadline=rec.valid_until,
                summary=self.env._(
                    "Reassess: %(type)s", type=types[rec.assessment_type]
                ),
                user_id=(
                    rec.elder_id.responsible_id or rec.assessor_ids[:1] or self.env.user
                ).id,
            )
            reminded |= rec
        reminded.sudo().write({"reminder_done": True})
        return len(reminded)
