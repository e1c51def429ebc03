from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.care_health.models.care_health_common import check_health_user


class CareHealthEventScreening(models.TransientModel):
    """Values taken at a check-up or screening day, for one attendee: they
    become a confirmed risk screening (tags, glucose test planned) and a
    reading (trend rules) of the elder."""

    _name = "care.health.event.screening"
    _description = "Screening at a Health Event"

    registration_id = fields.Many2one(
        "event.registration", required=True, ondelete="cascade"
    )
    event_id = fields.Many2one(related="registration_id.event_id")
    elder_id = fields.Many2one(related="registration_id.care_elder_id")
    height_cm = fields.Float(string="Height (cm)", digits=(5, 1))
    weight_kg = fields.Float(string="Weight (kg)", digits=(5, 1))
    waist_cm = fields.Float(string="Waist (cm)", digits=(5, 1))
    sbp = fields.Integer(string="Systolic (mmHg)")
    dbp = fields.Integer(string="Diastolic (mmHg)")
    heart_rate = fields.Integer(string="Heart Rate (/min)")
    glucose = fields.Float(string="Glucose (mmol/L)", digits=(4, 1))
    glucose_fasting = fields.Boolean(string="Fasting", default=True)
    family_history = fields.Boolean(string="First-degree Relative with Type 2 Diabetes")
    prediabetes = fields.Boolean(string="Prediabetes (IFG/IGT) History")
    sedentary = fields.Boolean(string="Sedentary Life")
    hypertension_treated = fields.Boolean(string="Hypertension under Treatment")

    @api.model
    def _screening_vals(self, wizard):
        names = (
            "height_cm",
            "weight_kg",
            "waist_cm",
            "sbp",
            "dbp",
            "family_history",
            "prediabetes",
            "sedentary",
            "hypertension_treated",
        )
        vals = {name: wizard[name] for name in names}
        vals["elder_id"] = wizard.elder_id.id
        vals["date"] = fields.Date.context_today(wizard)
        return vals

    def action_record(self):
        """Record the values: refused outside the health team, for a
        registration the caller may not change, for someone not in the
        archive, twice for one attendee, or for impossible values (nothing is
        saved then)."""
        self.ensure_one()
        check_health_user(self.env)
        registration = self.registration_id
        registration.check_access("write")
        if not registration.care_health_kind:
            raise UserError(
                self.env._(
                    "%(event)s is not a health event.", event=registration.event_id.name
                )
            )
        if registration.state == "cancel":
            raise UserError(self.env._("This registration is cancelled."))
        if not registration.care_elder_id:
            raise UserError(
                self.env._(
                    "%(name)s is not an elder of the archive yet: the reception "
                    "follows up the registration; screen them once they are "
                    "registered as an elder.",
                    name=registration.name,
                )
            )
        if registration.sudo().care_screening_id:
            raise UserError(
                self.env._(
                    "The screening of %(name)s at this event is already recorded.",
                    name=registration.name,
                )
            )
        # as the caller: the record rules refuse an elder of another team
        screening = self.env["care.health.screening"].create(self._screening_vals(self))
        screening.action_done()
        screening.sudo().event_id = registration.event_id
        if self.sbp or self.glucose or self.heart_rate or self.weight_kg:
            self.env["care.health.reading"].create(
                {
                    "elder_id": registration.care_elder_id.id,
                    "source": "manual",
                    "sbp": self.sbp,
                    "dbp": self.dbp,
                    "heart_rate": self.heart_rate,
                    "glucose": self.glucose,
                    "glucose_fasting": self.glucose_fasting,
                    "weight": self.weight_kg,
                    "note": registration.event_id.name,
                }
            )
        registration.sudo().write({"care_screening_id": screening.id, "state": "done"})
        return {
            "type": "ir.actions.act_window",
            "res_model": "care.health.screening",
            "res_id": screening.id,
            "view_mode": "form",
            "target": "current",
        }
