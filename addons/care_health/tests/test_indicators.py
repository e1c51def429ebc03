from datetime import date

from freezegun import freeze_time

from .common import HealthCase


class TestIndicators(HealthCase):
    def visit(self, registry, day, **vals):
        followup = self.followup(registry, date_planned=day, **vals)
        with freeze_time(day):
            followup.action_done()
        return followup

    def test_quarterly_indicators_on_known_data(self):
        third = self.make_elder("丙老人", self.team_a)
        complete = self.register(
            self.elder_a, "hypertension", registered=date(2025, 1, 1)
        )
        partial = self.register(third, "hypertension", registered=date(2025, 1, 1))
        diabetic = self.register(third, "diabetes", registered=date(2025, 1, 1))
        for month in (1, 4, 7, 10):
            self.visit(complete, date(2025, month, 15), sbp=150, dbp=95)
        # the last one of the year is controlled
        self.visit(complete, date(2025, 12, 1), sbp=128, dbp=80)
        self.visit(partial, date(2025, 5, 1), sbp=152, dbp=96)
        self.visit(diabetic, date(2025, 6, 1), glucose=6.1)
        data = self.team_a._indicators(date(2025, 1, 1), date(2025, 12, 31))[
            self.team_a.id
        ]
        self.assertEqual(data["patients"], 3)
        self.assertEqual(data["complete"], 1)
        self.assertEqual(data["followed"], 3)
        self.assertEqual(data["controlled"], 2)
        self.assertAlmostEqual(data["completion_rate"], 100 / 3)
        self.assertAlmostEqual(data["control_rate"], 200 / 3)
        # one disease, one quarter
        q2 = self.team_a._indicators(
            date(2025, 4, 1), date(2025, 6, 30), disease="hypertension"
        )
        self.assertEqual(q2[self.team_a.id]["patients"], 2)
        self.assertEqual(q2[self.team_a.id]["followed"], 2)
        self.assertEqual(q2[self.team_a.id]["controlled"], 0)
        # team B has none of these
        self.assertNotIn(
            self.team_b.id,
            self.team_b._indicators(date(2025, 1, 1), date(2025, 12, 31)),
        )
        # the computed fields of the last 12 months
        with freeze_time(date(2025, 12, 31)):
            self.team_a.invalidate_recordset()
            self.assertEqual(self.team_a.patient_count, 3)
            self.assertAlmostEqual(self.team_a.completion_rate, 33.3, places=1)
