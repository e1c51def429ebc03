from odoo import api, fields, models
from odoo.exceptions import ValidationError

# measure: (label, unit, plausible low, plausible high)
MEASURES = {
    "heart_rate": ("Heart rate", "bpm", 20, 250),
    "systolic": ("Systolic pressure", "mmHg", 50, 280),
    "diastolic": ("Diastolic pressure", "mmHg", 20, 180),
    "glucose": ("Blood glucose", "mmol/L", 0.6, 35.0),
    "spo2": ("SpO2", "%", 40, 100),
    "temperature": ("Body temperature", "°C", 30.0, 44.0),
}
MEASURE_SELECTION = [
    ("heart_rate", "Heart rate"),
    ("systolic", "Systolic pressure"),
    ("diastolic", "Diastolic pressure"),
    ("glucose", "Blood glucose"),
    ("spo2", "SpO2"),
    ("temperature", "Body temperature"),
]
SEVERITY = [("warning", "Warning"), ("critical", "Critical")]


class CareVitalReading(models.Model):
    _name = "care.vital.reading"
    _inherit = ["care.guard.mixin"]
    _description = "Vital-sign Reading"
    _order = "measured_at desc, id desc"
    _check_company_auto = True

    elder_id = fields.Many2one(
        "care.elder", required=True, index=True, ondelete="cascade", check_company=True
    )
    device_id = fields.Many2one(
        "care.device", index="btree_not_null", check_company=True
    )
    event_id = fields.Many2one("care.device.event", index="btree_not_null")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    measured_at = fields.Datetime(required=True, default=fields.Datetime.now)
    heart_rate = fields.Integer("Heart rate (bpm)", aggregator="avg")
    systolic = fields.Integer("Systolic (mmHg)", aggregator="avg")
    diastolic = fields.Integer("Diastolic (mmHg)", aggregator="avg")
    glucose = fields.Float("Glucose (mmol/L)", digits=(4, 1), aggregator="avg")
    spo2 = fields.Integer("SpO2 (%)", aggregator="avg")
    temperature = fields.Float("Temperature (°C)", digits=(3, 1), aggregator="avg")
    severity = fields.Selection(SEVERITY, readonly=True)
    breach = fields.Char("Out of range", readonly=True)
    ticket_id = fields.Many2one("helpdesk.ticket", readonly=True)

    # the evaluation and the alert it raised: set by _check_thresholds only
    _care_protected_fields = ("severity", "breach", "ticket_id", "event_id")

    def init(self):
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS care_vital_reading_elder_time "
            "ON care_vital_reading (elder_id, measured_at DESC)"
        )

    @api.constrains("measured_at", *MEASURES)
    def _check_plausible(self):
        for reading in self:
            message = reading._implausible()
            if message:
                raise ValidationError(message)
            if not any(reading[m] for m in MEASURES):
                raise ValidationError(
                    self.env._("A reading needs at least one measure.")
                )

    def _check_thresholds(self):
        """Set severity and breach; open an alert ticket and tell the doctor."""
        Ticket = self.env["helpdesk.ticket"]
        for reading in self.sudo():
            severity, breaches = reading._evaluate()
            if not severity:
                continue
            reading.write({"severity": severity, "breach": "; ".join(breaches)})
            # the values go to the ticket's medical card only: the ticket's
            # name, description and chatter say that there is an alert
            ticket = Ticket._care_alarm_ticket(
                reading.elder_id,
                "vital_abnormal",
                "3" if severity == "critical" else "2",
                event=reading.event_id,
                device=reading.device_id,
                medical_detail=reading.breach,
            )
            reading.ticket_id = ticket
            reading._notify_doctor()

    def _notify_doctor(self):
        """Tell the elder's family doctor (a contact, maybe a user) of a breach.

        The elder's chatter is read by every role that reads the elder
        (dispatchers, finance...): it only says that an alert was raised and
        where to look. The readings stay on the reading and on the ticket's
        medical card, which only the medical groups read.
        """
        self.ensure_one()
        elder = self.elder_id.sudo()
        doctor = elder.doctor_id
        body = self.env._(
            "A vital-sign alert was raised for %(elder)s (measured %(date)s): "
            "see alarm %(ticket)s.",
            elder=elder.display_name,
            date=fields.Datetime.to_string(self.measured_at),
            ticket=self.ticket_id.number or "",
        )
        elder.message_post(
            body=body,
            partner_ids=doctor.ids,
            message_type="notification",
            subtype_xmlid="mail.mt_note",
        )
        user = doctor.user_ids[:1]
        if user and self.ticket_id:
            # a follower reads the ticket (helpdesk_mgmt's rule for internal users)
            self.ticket_id.sudo().message_subscribe(partner_ids=doctor.ids)
            self.ticket_id.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Review the vital-sign alert"),
                note=body,
                user_id=user.id,
            )

    def _implausible(self):
        return implausible({m: self[m] for m in MEASURES}, self.env)

    def _evaluate(self):
        """Compare the reading with the elder's thresholds.

        Returns ``(severity, [breach texts])``; the per-elder override of a
        measure replaces the default thresholds of that measure.
        """
        self.ensure_one()
        thresholds = self.env["care.vital.threshold"]._for_elder(self.elder_id)
        worst, breaches = False, []
        for threshold in thresholds:
            value = self[threshold.measure]
            if not value:
                continue
            text = threshold._breach(value)
            if text:
                breaches.append(text)
                if threshold.severity == "critical":
                    worst = "critical"
                elif not worst:
                    worst = "warning"
        return worst, breaches


def implausible(values, env):
    """The message for the first physically impossible value, or False."""
    labels = dict(
        env["care.vital.threshold"]._fields["measure"]._description_selection(env)
    )
    for measure, value in values.items():
        if value in (None, False, 0):
            continue
        _label, unit, low, high = MEASURES[measure]
        if not low <= value <= high:
            return env._(
                "%(measure)s %(value)s %(unit)s is not a possible reading "
                "(expected %(low)s–%(high)s).",
                measure=labels[measure],
                value=value,
                unit=unit,
                low=low,
                high=high,
            )
    sys_, dia = values.get("systolic"), values.get("diastolic")
    if sys_ and dia and dia >= sys_:
        return env._("The diastolic pressure must be lower than the systolic pressure.")
    return False


class CareVitalThreshold(models.Model):
    _name = "care.vital.threshold"
    _description = "Vital-sign Threshold"
    _order = "elder_id desc, measure, severity desc"
    _check_company_auto = True

    elder_id = fields.Many2one(
        "care.elder",
        index=True,
        ondelete="cascade",
        check_company=True,
        help="Leave empty for a default that applies to every elder without an "
        "override of this measure.",
    )
    company_id = fields.Many2one(
        "res.company",
        help="Empty: the default of every company.",
    )
    measure = fields.Selection(MEASURE_SELECTION, required=True)
    low = fields.Float("Alarm below", help="Alarm when the value is below this.")
    high = fields.Float(
        "Alarm at or above", help="Alarm when the value reaches or exceeds this."
    )
    severity = fields.Selection(SEVERITY, required=True, default="warning")
    note = fields.Char(translate=True)
    active = fields.Boolean(default=True)

    @api.model_create_multi
    def create(self, vals_list):
        # an elder's override belongs to the elder's company
        for vals in vals_list:
            if vals.get("elder_id") and "company_id" not in vals:
                elder = self.env["care.elder"].browse(vals["elder_id"])
                vals["company_id"] = elder.company_id.id
        return super().create(vals_list)

    @api.onchange("elder_id")
    def _onchange_elder_id(self):
        if self.elder_id:
            self.company_id = self.elder_id.company_id

    @api.constrains("measure", "low", "high")
    def _check_bounds(self):
        for threshold in self:
            if not threshold.low and not threshold.high:
                raise ValidationError(
                    self.env._(
                        "A threshold needs a lower bound, an upper bound or both."
                    )
                )
            if threshold.low and threshold.high and threshold.low >= threshold.high:
                raise ValidationError(
                    self.env._("The lower bound must be below the upper bound.")
                )

    @api.model
    def _for_elder(self, elder):
        rows = self.sudo().search(
            [
                "|",
                ("elder_id", "=", elder.id),
                ("elder_id", "=", False),
                "|",
                ("company_id", "=", False),
                ("company_id", "=", elder.company_id.id),
            ]
        )
        overridden = set(rows.filtered("elder_id").mapped("measure"))
        return rows.filtered(lambda t: t.elder_id or t.measure not in overridden)

    def _breach(self, value):
        self.ensure_one()
        label = dict(self._fields["measure"]._description_selection(self.env))[
            self.measure
        ]
        unit = MEASURES[self.measure][1]
        if self.low and value < self.low:
            return self.env._(
                "%(measure)s %(value)s %(unit)s below %(bound)s",
                measure=label,
                value=value,
                unit=unit,
                bound=self.low,
            )
        if self.high and value >= self.high:
            return self.env._(
                "%(measure)s %(value)s %(unit)s at or above %(bound)s",
                measure=label,
                value=value,
                unit=unit,
                bound=self.high,
            )
        return False
