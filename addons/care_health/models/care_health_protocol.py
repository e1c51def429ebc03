from odoo import api, fields, models
from odoo.exceptions import ValidationError

DISEASES = [
    ("hypertension", "Hypertension"),
    ("diabetes", "Type 2 Diabetes"),
]


class CareHealthProtocol(models.Model):
    """The follow-up rules of one disease: thresholds and intervals a manager
    can adjust; the national defaults (basic public health service
    specification, 3rd edition) are shipped as data."""

    _name = "care.health.protocol"
    _description = "Follow-up Protocol"
    _order = "disease"

    name = fields.Char(required=True, translate=True)
    disease = fields.Selection(DISEASES, required=True)
    company_id = fields.Many2one("res.company")
    sbp_target = fields.Integer(
        string="Systolic Target (mmHg)",
        default=140,
        help="Controlled below this value.",
    )
    dbp_target = fields.Integer(
        string="Diastolic Target (mmHg)",
        default=90,
        help="Controlled below this value.",
    )
    glucose_target = fields.Float(
        string="Fasting Glucose Target (mmol/L)",
        default=7.0,
        digits=(4, 1),
        help="Controlled below this value (diabetes).",
    )
    sbp_danger = fields.Integer(string="Danger Systolic (mmHg)", default=180)
    dbp_danger = fields.Integer(string="Danger Diastolic (mmHg)", default=110)
    glucose_danger_high = fields.Float(
        string="Danger Glucose at or above (mmol/L)", default=16.7, digits=(4, 1)
    )
    glucose_danger_low = fields.Float(
        string="Danger Glucose at or below (mmol/L)", default=3.9, digits=(4, 1)
    )
    heart_rate_danger = fields.Integer(
        string="Danger Heart Rate above (/min)", default=100
    )
    temperature_danger = fields.Float(
        string="Danger Temperature above (°C)", default=39.0, digits=(3, 1)
    )
    interval_controlled = fields.Integer(
        string="Planned Interval (days)",
        default=90,
        help="Days between the routine follow-ups: 90 gives at least four a year.",
    )
    interval_uncontrolled = fields.Integer(
        string="Interval when Uncontrolled (days)", default=14
    )
    interval_referral = fields.Integer(
        string="Referral Follow-up within (days)", default=14
    )

    _sql_constraints = [
        (
            "disease_company_uniq",
            "unique(disease, company_id)",
            "One protocol per disease.",
        ),
    ]

    @api.constrains(
        "sbp_target",
        "dbp_target",
        "sbp_danger",
        "dbp_danger",
        "glucose_target",
        "glucose_danger_high",
        "glucose_danger_low",
        "interval_controlled",
        "interval_uncontrolled",
        "interval_referral",
    )
    def _check_values(self):
        for protocol in self:
            if not (0 < protocol.sbp_target < protocol.sbp_danger) or not (
                0 < protocol.dbp_target < protocol.dbp_danger
            ):
                raise ValidationError(
                    self.env._(
                        "The blood pressure targets must be positive and below the danger values."
                    )
                )
            if not (
                0
                < protocol.glucose_danger_low
                < protocol.glucose_target
                < protocol.glucose_danger_high
            ):
                raise ValidationError(
                    self.env._(
                        "The glucose values must rise: low danger, then target, then high danger."
                    )
                )
            if (
                min(
                    protocol.interval_controlled,
                    protocol.interval_uncontrolled,
                    protocol.interval_referral,
                )
                < 1
                or protocol.interval_controlled > 92
            ):
                raise ValidationError(
                    self.env._(
                        "Intervals are at least one day, and the planned interval at most "
                        "92 days (at least four follow-ups a year)."
                    )
                )

    @api.model
    def _for_disease(self, disease, company=None):
        company = company or self.env.company
        protocols = self.sudo().search(
            [("disease", "=", disease), ("company_id", "in", [company.id, False])],
            order="company_id",
        )
        return protocols[:1]


class CareHealthSymptom(models.Model):
    _name = "care.health.symptom"
    _description = "Symptom"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    is_danger = fields.Boolean(
        string="Danger Sign",
        help="Reported at a follow-up, it calls for an urgent referral.",
    )
    disease = fields.Selection(DISEASES, help="Empty: relevant to both diseases.")
    active = fields.Boolean(default=True)
