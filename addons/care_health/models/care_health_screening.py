from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .care_health_common import BP_CLASSES, bp_class, check_bp_values

# Chinese T2DM guideline 2017: any one criterion marks an adult at high risk
TICKED_CRITERIA = (
    "prediabetes",
    "sedentary",
    "family_history",
    "gestational_history",
    "hypertension_treated",
    "dyslipidaemia",
    "ascvd",
    "steroid_diabetes",
    "pcos",
    "drugs",
)
GLUCOSE_TEST_DAYS = 14


class CareHealthScreening(models.Model):
    """Diabetes risk screening (2017 high-risk criteria) and hypertension
    screening from 35: results flag the elder and plan a fasting glucose test."""

    _name = "care.health.screening"
    _description = "Risk Screening"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "care.health.record.mixin",
        "care.guard.mixin",
    ]
    _order = "date desc, id desc"
    _care_protected_fields = ("state",)

    name = fields.Char(compute="_compute_name", store=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Done")],
        default="draft",
        required=True,
        tracking=True,
    )
    height_cm = fields.Float(string="Height (cm)", digits=(5, 1))
    weight_kg = fields.Float(string="Weight (kg)", digits=(5, 1))
    waist_cm = fields.Float(string="Waist (cm)", digits=(5, 1))
    sbp = fields.Integer(string="Systolic (mmHg)")
    dbp = fields.Integer(string="Diastolic (mmHg)")
    bmi = fields.Float(
        string="BMI", compute="_compute_measures", store=True, digits=(4, 1)
    )
    bp_class = fields.Selection(
        BP_CLASSES, string="BP Class", compute="_compute_measures", store=True
    )
    age = fields.Integer(compute="_compute_measures", store=True)
    prediabetes = fields.Boolean(string="Prediabetes (IFG/IGT) History")
    sedentary = fields.Boolean(string="Sedentary Life")
    family_history = fields.Boolean(string="First-degree Relative with Type 2 Diabetes")
    gestational_history = fields.Boolean(string="Gestational Diabetes History")
    hypertension_treated = fields.Boolean(string="Hypertension under Treatment")
    dyslipidaemia = fields.Boolean(
        help="HDL-C ≤ 0.91 or TG ≥ 2.22 mmol/L, or under treatment.",
    )
    ascvd = fields.Boolean(string="Atherosclerotic Cardiovascular Disease")
    steroid_diabetes = fields.Boolean(string="Transient Steroid Diabetes History")
    pcos = fields.Boolean(string="PCOS or Signs of Insulin Resistance")
    drugs = fields.Boolean(
        string="Long-term Antipsychotics, Antidepressants or Statins"
    )
    crit_age = fields.Boolean(
        string="Age 40 or Over", compute="_compute_criteria", store=True
    )
    crit_bmi = fields.Boolean(
        string="BMI 24 or Over", compute="_compute_criteria", store=True
    )
    crit_waist = fields.Boolean(
        string="Central Obesity", compute="_compute_criteria", store=True
    )
    crit_bp = fields.Boolean(
        string="Blood Pressure 140/90 or Over", compute="_compute_criteria", store=True
    )
    criteria_count = fields.Integer(compute="_compute_criteria", store=True)
    high_risk = fields.Boolean(
        string="Diabetes High Risk", compute="_compute_criteria", store=True
    )
    hypertension_suspect = fields.Boolean(
        string="Suspected Hypertension",
        compute="_compute_criteria",
        store=True,
        help="35 or over with a reading of 140/90 or more: confirm on other days.",
    )
    glucose_test_date = fields.Date(
        string="Fasting Glucose Test Planned", readonly=True
    )

    def write(self, vals):
        editable = {"message_main_attachment_id"}
        if (
            not self.env.su
            and set(vals) - editable
            and self.filtered(lambda s: s.state == "done")
        ):
            raise UserError(
                self.env._(
                    "A confirmed screening cannot be changed: record a new screening."
                )
            )
        return super().write(vals)

    @api.depends("elder_id.name", "date")
    def _compute_name(self):
        for screening in self:
            screening.name = f"{screening.elder_id.name or ''} {screening.date or ''}"

    @api.depends(
        "height_cm",
        "weight_kg",
        "sbp",
        "dbp",
        "date",
        "elder_id.birth_date",
        "elder_id.age",
    )
    def _compute_measures(self):
        for screening in self:
            height_m = screening.height_cm / 100.0
            screening.bmi = (
                round(screening.weight_kg / (height_m * height_m), 1)
                if height_m > 0 and screening.weight_kg > 0
                else 0.0
            )
            screening.bp_class = bp_class(screening.sbp, screening.dbp)
            birth = screening.elder_id.sudo().birth_date
            if birth and screening.date:
                screening.age = relativedelta(screening.date, birth).years
            else:
                screening.age = screening.elder_id.sudo().age

    @api.depends(
        "age", "bmi", "waist_cm", "sbp", "dbp", "elder_id.gender", *TICKED_CRITERIA
    )
    def _compute_criteria(self):
        for screening in self:
            gender = screening.elder_id.sudo().gender
            waist_limit = 85 if gender == "female" else 90
            raised_bp = bool(
                screening.sbp and (screening.sbp >= 140 or screening.dbp >= 90)
            )
            screening.crit_age = screening.age >= 40
            screening.crit_bmi = screening.bmi >= 24
            screening.crit_waist = (
                bool(screening.waist_cm) and screening.waist_cm >= waist_limit
            )
            screening.crit_bp = raised_bp or screening.hypertension_treated
            count = sum(
                [
                    screening.crit_age,
                    screening.crit_bmi,
                    screening.crit_waist,
                    screening.crit_bp,
                ]
                + [
                    screening[name]
                    for name in TICKED_CRITERIA
                    if name != "hypertension_treated"
                ]
            )
            screening.criteria_count = count
            screening.high_risk = count > 0
            screening.hypertension_suspect = screening.age >= 35 and raised_bp

    @api.constrains("height_cm", "weight_kg", "waist_cm", "sbp", "dbp")
    def _check_values(self):
        for screening in self:
            message = check_bp_values(self.env, screening.sbp, screening.dbp)
            if (
                not message
                and (screening.weight_kg or screening.height_cm)
                and not (50 <= screening.height_cm <= 250)
            ):
                message = self.env._(
                    "A height of %(value)s cm is impossible: the BMI needs a height "
                    "between 50 and 250 cm.",
                    value=screening.height_cm,
                )
            if (
                not message
                and screening.weight_kg
                and not (20 <= screening.weight_kg <= 300)
            ):
                message = self.env._(
                    "A weight of %(value)s kg is impossible.", value=screening.weight_kg
                )
            if (
                not message
                and screening.waist_cm
                and not (30 <= screening.waist_cm <= 250)
            ):
                message = self.env._(
                    "A waist of %(value)s cm is impossible.", value=screening.waist_cm
                )
            if message:
                raise ValidationError(message)

    @api.constrains("elder_id")
    def _check_contract(self):
        for screening in self:
            if not screening.sudo().team_id:
                raise ValidationError(
                    self.env._(
                        "%(elder)s is outside every team's contract: sign a (basic) "
                        "contract before screening.",
                        elder=screening.elder_id.name,
                    )
                )

    def action_done(self):
        """Confirm the screening: tags on the elder, and a fasting glucose test
        planned for the high-risk."""
        self._check_health_user()
        if self.filtered(lambda s: s.state != "draft"):
            raise UserError(self.env._("This screening is already confirmed."))
        today = fields.Date.context_today(self)
        tag_risk = self.env.ref("care_health.tag_diabetes_high_risk")
        tag_bp = self.env.ref("care_health.tag_hypertension_suspect")
        for screening in self.sudo():
            vals = {"state": "done"}
            tags = []
            if screening.high_risk:
                tags.append((4, tag_risk.id))
                due = today + relativedelta(days=GLUCOSE_TEST_DAYS)
                vals["glucose_test_date"] = due
                screening.activity_schedule(
                    "care_health.mail_activity_type_glucose_test",
                    date_deadline=due,
                    user_id=(screening.team_id.leader_id or self.env.user).id,
                )
            else:
                tags.append((3, tag_risk.id))
            tags.append((4 if screening.hypertension_suspect else 3, tag_bp.id))
            screening.write(vals)
            screening.elder_id.partner_id.write({"category_id": tags})
        return True
