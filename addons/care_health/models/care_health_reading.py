from collections import defaultdict, deque
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .care_health_common import (
    BP_CLASSES,
    bp_class,
    check_bp_values,
    check_glucose_value,
)


class CareHealthReading(models.Model):
    """One vital-sign reading, entered by hand, at a follow-up or from a
    device (through a glue addon). New readings run the trend rules."""

    _name = "care.health.reading"
    _description = "Health Reading"
    _inherit = ["care.health.record.mixin", "care.guard.mixin"]
    _order = "measured_at desc, id desc"

    measured_at = fields.Datetime(
        required=True, default=fields.Datetime.now, index=True
    )
    source = fields.Selection(
        [("manual", "Entered by Hand"), ("home", "Home Monitor"), ("device", "Device")],
        default="manual",
        required=True,
    )
    sbp = fields.Integer(string="Systolic (mmHg)")
    dbp = fields.Integer(string="Diastolic (mmHg)")
    heart_rate = fields.Integer(string="Heart Rate (/min)")
    glucose = fields.Float(string="Glucose (mmol/L)", digits=(4, 1))
    glucose_fasting = fields.Boolean(string="Fasting", default=True)
    weight = fields.Float(string="Weight (kg)", digits=(5, 1))
    bp_class = fields.Selection(
        BP_CLASSES, string="BP Class", compute="_compute_bp_class", store=True
    )
    note = fields.Char()

    @api.depends("sbp", "dbp")
    def _compute_bp_class(self):
        for reading in self:
            reading.bp_class = bp_class(reading.sbp, reading.dbp)

    @api.constrains("elder_id", "sbp", "dbp", "glucose", "heart_rate", "weight")
    def _check_values(self):
        for reading in self:
            message = check_bp_values(self.env, reading.sbp, reading.dbp)
            if not message and reading.glucose < 0:
                message = check_glucose_value(self.env, reading.glucose)
            if not message and reading.glucose:
                message = check_glucose_value(self.env, reading.glucose)
            if not message and not (0 <= reading.heart_rate <= 250):
                message = self.env._(
                    "A heart rate of %(value)s/min is impossible.",
                    value=reading.heart_rate,
                )
            if not message and reading.weight and not (20 <= reading.weight <= 300):
                message = self.env._(
                    "A weight of %(value)s kg is impossible.", value=reading.weight
                )
            if not message and not (
                reading.sbp or reading.heart_rate or reading.glucose or reading.weight
            ):
                message = self.env._("A reading holds at least one value.")
            if message:
                raise ValidationError(message)

    @api.model_create_multi
    def create(self, vals_list):
        readings = super().create(vals_list)
        readings.sudo()._run_trend_rules()
        return readings

    def _run_trend_rules(self):
        rules = (
            self.env["care.health.trend.rule"].sudo().search([("active", "=", True)])
        )
        for rule in rules:
            rule._evaluate(self)


class CareHealthTrendRule(models.Model):
    """A rule on the readings stream: enough qualifying readings of an elder
    within a window open one intervention (one open per rule and elder)."""

    _name = "care.health.trend.rule"
    _description = "Trend Rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    kind = fields.Selection(
        [
            ("bp", "Raised Blood Pressure"),
            ("glucose", "Raised Fasting Glucose"),
            ("weight_gain", "Weight Gain"),
        ],
        required=True,
    )
    sbp_min = fields.Integer(string="Systolic at or above", default=135)
    dbp_min = fields.Integer(string="Diastolic at or above", default=85)
    glucose_min = fields.Float(
        string="Fasting Glucose at or above", default=7.0, digits=(4, 1)
    )
    weight_gain = fields.Float(
        string="Weight Gain (kg) at least", default=2.0, digits=(4, 1)
    )
    min_count = fields.Integer(string="Readings Needed", default=3)
    window_days = fields.Integer(string="Within (days)", default=7)
    condition_id = fields.Many2one(
        "care.condition",
        string="Only for Condition",
        help="Empty: every elder; otherwise only elders with this condition.",
    )
    deadline_hours = fields.Integer(
        string="Deadline (hours)", help="0: the default of the settings (48 hours)."
    )

    @api.constrains("min_count", "window_days", "weight_gain", "kind")
    def _check_values(self):
        for rule in self:
            if rule.window_days < 1 or (
                rule.kind != "weight_gain" and rule.min_count < 1
            ):
                raise ValidationError(
                    self.env._(
                        "A trend rule needs a window of at least one day and one reading."
                    )
                )
            if rule.kind == "weight_gain" and rule.weight_gain <= 0:
                raise ValidationError(
                    self.env._("The weight gain of a rule must be positive.")
                )

    def _qualifies_domain(self):
        self.ensure_one()
        if self.kind == "bp":
            return [
                "|",
                ("sbp", ">=", self.sbp_min),
                ("dbp", ">=", self.dbp_min),
                ("sbp", ">", 0),
            ]
        if self.kind == "glucose":
            return [("glucose", ">=", self.glucose_min), ("glucose_fasting", "=", True)]
        return [("weight", ">", 0)]

    def _evaluate(self, new_readings):
        """Check the rule for the elders of ``new_readings`` in two queries
        (the new qualifying readings, then the series around them) and one
        pass over each elder's series; open interventions where it fires.
        A window fires only if it holds one of the new readings, so a late
        (back-dated) reading can complete a window that ends after it."""
        self.ensure_one()
        Intervention = self.env["care.health.intervention"]
        domain = self._qualifies_domain()
        if self.condition_id:
            domain = [*domain, ("elder_id.condition_ids", "in", self.condition_id.ids)]
        new = self._fetch([("id", "in", new_readings.ids), *domain])
        if not new:
            return Intervention
        window = timedelta(days=self.window_days)
        new_ids = {row[3] for row in new}
        series_rows = self._fetch(
            [
                ("elder_id", "in", list({row[0] for row in new})),
                ("measured_at", ">=", min(row[1] for row in new) - window),
                ("measured_at", "<=", max(row[1] for row in new) + window),
                *domain,
            ]
        )
        by_elder = defaultdict(list)
        for row in series_rows:
            by_elder[row[0]].append(row)
        fired = {}
        for elder_id, series in by_elder.items():
            reading_ids = self._scan(series, window, new_ids)
            if reading_ids:
                fired[elder_id] = reading_ids
        return Intervention._open_for_rule(self, fired)

    def _fetch(self, domain):
        """(elder id, measured at, weight, id) of the readings matching
        ``domain``, by elder and time."""
        Reading = self.env["care.health.reading"].sudo()
        Reading.flush_model()
        query = Reading._search(domain)
        table = Reading._table
        query.order = SQL(
            "%s, %s, %s",
            SQL.identifier(table, "elder_id"),
            SQL.identifier(table, "measured_at"),
            SQL.identifier(table, "id"),
        )
        self.env.cr.execute(
            query.select(
                SQL.identifier(table, "elder_id"),
                SQL.identifier(table, "measured_at"),
                SQL.identifier(table, "weight"),
                SQL.identifier(table, "id"),
            )
        )
        return self.env.cr.fetchall()

    def _scan(self, series, window, new_ids):
        """Slide the window over one elder's time-ordered series; the reading
        ids of the first window that fires and holds a new reading, or []."""
        start, new_inside = 0, 0
        lows = deque()  # indexes of increasing weights: the window's minimum first
        for end, (_elder, at, weight, rid) in enumerate(series):
            new_inside += rid in new_ids
            while series[start][1] < at - window:
                new_inside -= series[start][3] in new_ids
                start += 1
            if self.kind == "weight_gain":
                while lows and lows[0] < start:
                    lows.popleft()
                fires = bool(lows) and weight - series[lows[0]][2] >= self.weight_gain
                while lows and series[lows[-1]][2] >= weight:
                    lows.pop()
                lows.append(end)
            else:
                fires = end - start + 1 >= self.min_count
            if fires and new_inside:
                return [row[3] for row in series[start : end + 1]]
        return []
