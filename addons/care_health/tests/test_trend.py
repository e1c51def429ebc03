from datetime import datetime, timedelta

import psycopg2
from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tools import mute_logger

from .common import HealthCase

T0 = datetime(2026, 5, 4, 9, 0)


class TestTrendRules(HealthCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule_bp = cls.env.ref("care_health.trend_rule_bp")
        cls.rule_glucose = cls.env.ref("care_health.trend_rule_glucose")
        cls.rule_weight = cls.env.ref("care_health.trend_rule_weight")

    def add_reading(self, elder, at, **vals):
        with freeze_time(at):
            return self.Reading.create(
                {"elder_id": elder.id, "measured_at": at, **vals}
            )

    def interventions(self, elder, rule):
        return self.Intervention.search(
            [("elder_id", "=", elder.id), ("rule_id", "=", rule.id)]
        )

    def test_bp_three_in_seven_days_fires_once(self):
        self.add_reading(self.elder_a, T0, sbp=136, dbp=80)
        self.add_reading(self.elder_a, T0 + timedelta(days=2), sbp=128, dbp=85)
        self.assertFalse(self.interventions(self.elder_a, self.rule_bp))
        self.add_reading(
            self.elder_a, T0 + timedelta(days=3), sbp=120, dbp=78
        )  # below: not counted
        self.assertFalse(self.interventions(self.elder_a, self.rule_bp))
        self.add_reading(
            self.elder_a, T0 + timedelta(days=6, hours=23), sbp=140, dbp=90
        )
        interventions = self.interventions(self.elder_a, self.rule_bp)
        self.assertEqual(len(interventions), 1)
        self.assertEqual(len(interventions.reading_ids), 3)
        self.assertEqual(interventions.team_id, self.team_a)
        self.assertEqual(interventions.deadline, T0 + timedelta(days=6, hours=23 + 48))
        # the episode goes on: no second intervention while one is open
        self.add_reading(self.elder_a, T0 + timedelta(days=7), sbp=150, dbp=95)
        self.assertEqual(len(self.interventions(self.elder_a, self.rule_bp)), 1)

    def test_bp_outside_window_does_not_fire(self):
        self.add_reading(self.elder_a, T0, sbp=140, dbp=90)
        self.add_reading(self.elder_a, T0 + timedelta(days=4), sbp=140, dbp=90)
        self.add_reading(
            self.elder_a, T0 + timedelta(days=7, minutes=1), sbp=140, dbp=90
        )
        self.assertFalse(self.interventions(self.elder_a, self.rule_bp))

    def test_batch_of_readings_fires_once(self):
        self.Reading.create(
            [
                {
                    "elder_id": self.elder_a.id,
                    "measured_at": T0 + timedelta(hours=h),
                    "sbp": 150,
                    "dbp": 95,
                }
                for h in range(6)
            ]
        )
        self.assertEqual(len(self.interventions(self.elder_a, self.rule_bp)), 1)

    def test_glucose_twice(self):
        self.add_reading(self.elder_a, T0, glucose=7.0)
        self.add_reading(
            self.elder_a, T0 + timedelta(days=1), glucose=8.0, glucose_fasting=False
        )
        self.assertFalse(self.interventions(self.elder_a, self.rule_glucose))
        self.add_reading(self.elder_a, T0 + timedelta(days=2), glucose=6.9)
        self.assertFalse(self.interventions(self.elder_a, self.rule_glucose))
        self.add_reading(self.elder_a, T0 + timedelta(days=3), glucose=7.4)
        self.assertEqual(len(self.interventions(self.elder_a, self.rule_glucose)), 1)

    def test_weight_gain_heart_failure_only(self):
        hf = self.env.ref("care_health.condition_heart_failure")
        self.elder_b.condition_ids = [(4, hf.id)]
        for elder in (self.elder_a, self.elder_b):
            self.add_reading(elder, T0, weight=60.0)
            self.add_reading(elder, T0 + timedelta(days=1), weight=61.0)
            self.add_reading(elder, T0 + timedelta(days=3), weight=61.9)
        self.assertFalse(
            self.interventions(self.elder_b, self.rule_weight), "1.9 kg is not 2"
        )
        self.add_reading(self.elder_a, T0 + timedelta(days=3, hours=1), weight=62.5)
        self.add_reading(self.elder_b, T0 + timedelta(days=3, hours=1), weight=62.0)
        self.assertFalse(
            self.interventions(self.elder_a, self.rule_weight), "no heart failure"
        )
        self.assertEqual(
            len(self.interventions(self.elder_b, self.rule_weight)), 0, "outside 3 days"
        )
        self.add_reading(self.elder_b, T0 + timedelta(days=3, hours=2), weight=63.1)
        self.assertEqual(len(self.interventions(self.elder_b, self.rule_weight)), 1)

    def test_new_episode_after_closing(self):
        for day in range(3):
            self.add_reading(self.elder_a, T0 + timedelta(days=day), sbp=150, dbp=95)
        first = self.interventions(self.elder_a, self.rule_bp)
        first.write({"check_call": True, "outcome": "medication"})
        first.with_user(self.member_a).action_done()
        self.add_reading(self.elder_a, T0 + timedelta(days=3), sbp=152, dbp=96)
        self.assertEqual(len(self.interventions(self.elder_a, self.rule_bp)), 2)

    def test_unique_open_intervention_in_database(self):
        for day in range(3):
            self.add_reading(self.elder_a, T0 + timedelta(days=day), sbp=150, dbp=95)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.UniqueViolation),
            self.cr.savepoint(),
        ):
            self.Intervention.sudo().create(
                {
                    "elder_id": self.elder_a.id,
                    "rule_id": self.rule_bp.id,
                    "deadline": T0,
                }
            )

    def test_escalation_after_48_hours(self):
        with freeze_time(T0):
            for day in range(3):
                self.Reading.create(
                    {
                        "elder_id": self.elder_a.id,
                        "measured_at": T0 - timedelta(days=day),
                        "sbp": 150,
                        "dbp": 95,
                    }
                )
        intervention = self.interventions(self.elder_a, self.rule_bp)
        self.assertEqual(intervention.deadline, T0 + timedelta(hours=48))
        escalation = self.env.ref("care_health.mail_activity_type_escalation")
        with freeze_time(T0 + timedelta(hours=47, minutes=59)):
            self.assertFalse(self.Intervention._cron_escalate())
        self.assertFalse(intervention.escalated)
        with freeze_time(T0 + timedelta(hours=48, minutes=1)):
            self.assertEqual(self.Intervention._cron_escalate(), intervention)
            self.assertTrue(intervention.overdue)
            self.assertIn(
                intervention, self.Intervention.search([("overdue", "=", True)])
            )
        self.assertTrue(intervention.escalated)
        activity = intervention.activity_ids.filtered(
            lambda a: a.activity_type_id == escalation
        )
        self.assertEqual(activity.user_id, self.leader)
        # once only
        with freeze_time(T0 + timedelta(hours=50)):
            self.assertFalse(self.Intervention._cron_escalate())
        # handled late: not on time
        intervention.write({"check_visit": True, "outcome": "resolved"})
        with freeze_time(T0 + timedelta(hours=50)):
            intervention.with_user(self.member_a).action_done()
        self.assertFalse(intervention.on_time)

    def test_share_within_48_hours(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "care_health.intervention_hours", "24"
        )
        with freeze_time(T0):
            for day in range(3):
                self.Reading.create(
                    {
                        "elder_id": self.elder_a.id,
                        "measured_at": T0 - timedelta(days=day),
                        "sbp": 150,
                        "dbp": 95,
                    }
                )
                self.Reading.create(
                    {
                        "elder_id": self.elder_a.id,
                        "measured_at": T0 - timedelta(days=day),
                        "glucose": 9.0,
                    }
                )
        bp = self.interventions(self.elder_a, self.rule_bp)
        glucose = self.interventions(self.elder_a, self.rule_glucose)
        self.assertEqual(bp.deadline, T0 + timedelta(hours=24), "the setting")
        (bp | glucose).write({"check_call": True, "outcome": "resolved"})
        with freeze_time(T0 + timedelta(hours=10)):
            bp.with_user(self.member_a).action_done()
        with freeze_time(T0 + timedelta(hours=30)):
            glucose.with_user(self.member_a).action_done()
            self.assertTrue(bp.on_time)
            self.assertFalse(glucose.on_time)
            self.team_a.invalidate_recordset()
            self.assertAlmostEqual(self.team_a.intervention_ontime_rate, 50.0)

    def test_close_needs_outcome_and_checklist(self):
        for day in range(3):
            self.add_reading(self.elder_a, T0 + timedelta(days=day), sbp=150, dbp=95)
        intervention = self.interventions(self.elder_a, self.rule_bp)
        with self.assertRaisesRegex(UserError, "outcome"):
            intervention.with_user(self.member_a).action_done()
        intervention.outcome = "resolved"
        with self.assertRaisesRegex(UserError, "call or the home visit"):
            intervention.with_user(self.member_a).action_done()
        self.assertEqual(intervention.state, "open")
