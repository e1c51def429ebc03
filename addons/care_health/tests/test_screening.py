from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError

from .common import HealthCase

TICKED = (
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


class TestScreening(HealthCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 38 years old on the screening date, a woman
        cls.young = cls.make_elder(
            "年轻居民", cls.team_a, birth_date=date(1988, 1, 1), gender="female"
        )

    def screen(self, **vals):
        return self.Screening.with_user(self.member_a).create(
            {"elder_id": self.young.id, "date": date(2026, 6, 1), **vals}
        )

    def test_no_criterion(self):
        screening = self.screen(
            height_cm=160, weight_kg=55, waist_cm=80, sbp=118, dbp=76
        )
        self.assertEqual(screening.age, 38)
        self.assertAlmostEqual(screening.bmi, 21.5)
        self.assertFalse(screening.high_risk)
        self.assertEqual(screening.criteria_count, 0)

    def test_each_criterion_alone(self):
        for name in TICKED:
            with self.subTest(criterion=name):
                self.assertTrue(self.screen(**{name: True}).high_risk)
        self.assertFalse(self.screen().high_risk)

    def test_measured_criteria_at_cutoffs(self):
        self.assertFalse(self.screen(height_cm=160, weight_kg=61.3).crit_bmi)  # 23.9
        self.assertTrue(self.screen(height_cm=160, weight_kg=61.5).crit_bmi)  # 24.0
        self.assertFalse(self.screen(waist_cm=84.9).crit_waist)
        self.assertTrue(self.screen(waist_cm=85).crit_waist, "85 cm for a woman")
        man = self.make_elder(
            "男居民", self.team_a, birth_date=date(1988, 1, 1), gender="male"
        )
        as_man = self.Screening.create(
            {"elder_id": man.id, "date": date(2026, 6, 1), "waist_cm": 89}
        )
        self.assertFalse(as_man.crit_waist, "90 cm for a man")
        self.assertFalse(self.screen(sbp=139, dbp=89).crit_bp)
        self.assertTrue(self.screen(sbp=140, dbp=80).crit_bp)
        self.assertTrue(self.screen(sbp=130, dbp=90).crit_bp)
        # age 40
        self.assertFalse(self.screen(date=date(2027, 12, 31)).crit_age)
        self.assertTrue(self.screen(date=date(2028, 1, 1)).crit_age)

    def test_hypertension_screening_from_35(self):
        self.assertTrue(self.screen(sbp=142, dbp=85).hypertension_suspect)
        teen = self.make_elder("青年", self.team_a, birth_date=date(1995, 1, 1))
        as_teen = self.Screening.create(
            {"elder_id": teen.id, "date": date(2026, 6, 1), "sbp": 142, "dbp": 85}
        )
        self.assertFalse(as_teen.hypertension_suspect, "under 35")

    def test_confirm_tags_and_plans_glucose_test(self):
        tag = self.env.ref("care_health.tag_diabetes_high_risk")
        bp_tag = self.env.ref("care_health.tag_hypertension_suspect")
        screening = self.screen(family_history=True, sbp=145, dbp=92)
        screening.with_user(self.member_a).action_done()
        self.assertEqual(screening.state, "done")
        self.assertIn(tag, self.young.category_id)
        self.assertIn(bp_tag, self.young.category_id)
        self.assertTrue(screening.glucose_test_date)
        glucose = self.env.ref("care_health.mail_activity_type_glucose_test")
        self.assertEqual(screening.activity_ids.activity_type_id, glucose)
        # a later clear screening removes the flags
        clear = self.screen(sbp=118, dbp=70)
        clear.with_user(self.member_a).action_done()
        self.assertNotIn(tag, self.young.category_id)
        self.assertNotIn(bp_tag, self.young.category_id)
        self.assertFalse(clear.activity_ids)

    def test_confirmed_screening_is_locked(self):
        screening = self.screen(family_history=True)
        screening.with_user(self.member_a).action_done()
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            screening.with_user(self.member_a).write({"family_history": False})
        self.assertTrue(screening.high_risk)

    def test_impossible_measures_refused(self):
        count = self.Screening.search_count([])
        for vals, text in (
            ({"height_cm": 0, "weight_kg": 60}, "height"),
            ({"height_cm": 300, "weight_kg": 60}, "height"),
            ({"height_cm": 160, "weight_kg": 5}, "weight"),
            ({"waist_cm": 10}, "waist"),
            ({"sbp": 70, "dbp": 90}, "higher"),
        ):
            with self.subTest(vals=vals):
                with self.assertRaisesRegex(ValidationError, text), self.cr.savepoint():
                    self.screen(**vals)
        self.assertEqual(self.Screening.search_count([]), count)

    def test_computed_results_refused(self):
        screening = self.screen()
        for vals in ({"high_risk": True}, {"bmi": 30}, {"state": "done"}):
            with self.subTest(vals=vals):
                with self.assertRaises(AccessError), self.cr.savepoint():
                    screening.with_user(self.member_a).write(vals)
        self.assertFalse(screening.high_risk)
