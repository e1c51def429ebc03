from datetime import datetime, timedelta

from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from odoo.addons.care_health.tests.common import HealthCase

T0 = datetime(2026, 5, 4, 9, 0)


class TestDeviceVitals(HealthCase):
    def vital(self, elder, at, **vals):
        return (
            self.env["care.vital.reading"]
            .sudo()
            .create({"elder_id": elder.id, "measured_at": at, **vals})
        )

    def test_device_vitals_feed_trend_rules(self):
        rule = self.env.ref("care_health.trend_rule_bp")
        for day in range(3):
            vital = self.vital(
                self.elder_a, T0 + timedelta(days=day), systolic=150, diastolic=95
            )
        reading = self.Reading.search([("vital_id", "=", vital.id)])
        self.assertEqual(reading.source, "device")
        self.assertEqual(
            (reading.sbp, reading.dbp, reading.bp_class), (150, 95, "grade_1")
        )
        interventions = self.Intervention.search(
            [("elder_id", "=", self.elder_a.id), ("rule_id", "=", rule.id)]
        )
        self.assertEqual(len(interventions), 1)
        self.assertEqual(len(interventions.reading_ids), 3)

    def test_only_contracted_elders_and_useful_values(self):
        outsider = self.make_elder("未签约老人")
        self.vital(outsider, T0, systolic=150, diastolic=95)
        self.assertFalse(self.Reading.search([("elder_id", "=", outsider.id)]))
        self.vital(self.elder_a, T0, spo2=97)
        self.assertFalse(self.Reading.search([("elder_id", "=", self.elder_a.id)]))

    def test_device_glucose_is_not_fasting(self):
        rule = self.env.ref("care_health.trend_rule_glucose")
        for day in range(2):
            self.vital(self.elder_a, T0 + timedelta(days=day), glucose=9.0)
        readings = self.Reading.search([("elder_id", "=", self.elder_a.id)])
        self.assertEqual(len(readings), 2)
        self.assertFalse(any(readings.mapped("glucose_fasting")))
        self.assertFalse(
            self.Intervention.search(
                [("elder_id", "=", self.elder_a.id), ("rule_id", "=", rule.id)]
            )
        )

    def test_doctor_and_health_team_both_read_the_medical_fields(self):
        """care_devices' family doctor and care_health's team member each
        read the medical part of the archive, whichever addon loaded last."""
        self.elder_a.sudo().write(
            {"medications": "氨氯地平 5mg qd", "allergies": "青霉素"}
        )
        doctor = new_test_user(
            self.env,
            login="hd_doctor",
            groups="base.group_user,care_devices.group_care_family_doctor",
        )
        fields_ = ["medications", "allergies", "condition_ids", "treatment_plan"]
        for user in (doctor, self.member_a):
            values = self.elder_a.with_user(user).read(fields_)[0]
            self.assertEqual(values["medications"], "氨氯地平 5mg qd", user.login)
            self.assertEqual(values["allergies"], "青霉素", user.login)
        with self.assertRaises(AccessError):
            self.elder_a.with_user(self.dispatcher).read(["medications"])
