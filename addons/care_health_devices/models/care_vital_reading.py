from odoo import api, fields, models


class CareHealthReading(models.Model):
    _inherit = "care.health.reading"

    vital_id = fields.Many2one(
        "care.vital.reading",
        string="Device Reading",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )

    _sql_constraints = [
        ("vital_uniq", "unique(vital_id)", "A device reading is copied once."),
    ]


class CareVitalReading(models.Model):
    _inherit = "care.vital.reading"

    @api.model_create_multi
    def create(self, vals_list):
        vitals = super().create(vals_list)
        vitals._care_health_copy()
        return vitals

    def _care_health_copy(self):
        """Copy the blood pressure, heart rate and glucose of device readings
        of contracted elders into the health readings (one batch), which runs
        the trend rules. Device glucose is not known to be fasting."""
        Contract = self.env["care.health.contract"].sudo()
        contracted = set(
            Contract.search(
                [("elder_id", "in", self.elder_id.ids), ("state", "=", "active")]
            ).elder_id.ids
        )
        vals_list = []
        for vital in self.sudo():
            if vital.elder_id.id not in contracted:
                continue
            vals = {}
            if vital.systolic and vital.diastolic:
                vals.update(sbp=vital.systolic, dbp=vital.diastolic)
            if vital.heart_rate:
                vals["heart_rate"] = vital.heart_rate
            if vital.glucose:
                vals.update(glucose=vital.glucose, glucose_fasting=False)
            if not vals:
                continue
            vals.update(
                elder_id=vital.elder_id.id,
                measured_at=vital.measured_at,
                source="device",
                vital_id=vital.id,
                note=vital.device_id.display_name or False,
            )
            vals_list.append(vals)
        if vals_list:
            self.env["care.health.reading"].sudo().create(vals_list)
        return True
