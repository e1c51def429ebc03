from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import ReceptionCase

T0 = datetime(2026, 3, 2, 1, 0, 0)


@tagged("post_install", "-at_install")
class TestFunnel(ReceptionCase):
    """Funnel figures on known data: entry and exit times are exact."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        reason = cls.env.ref("care_reception.lost_reason_distance")
        with freeze_time(T0):
            cls.a = cls.make_lead(name="A")
            cls.b = cls.make_lead(name="B", user_id=cls.li.id)
            cls.c = cls.make_lead(name="C")
        with freeze_time(T0 + timedelta(hours=1)):
            cls.c.action_set_lost(lost_reason_id=reason.id)
        with freeze_time(T0 + timedelta(hours=2)):
            cls.a.stage_id = cls.stage_questionnaire
        with freeze_time(T0 + timedelta(hours=4)):
            cls.b.stage_id = cls.stage_questionnaire
        with freeze_time(T0 + timedelta(hours=5)):
            cls.a.action_set_lost(lost_reason_id=reason.id)
        cls.domain = [("lead_id", "in", (cls.a | cls.b | cls.c).ids)]

    def test_stage_times_median_and_p90(self):
        rows = {
            r["stage_id"]: r
            for r in self.env["care.funnel.report"].stage_times(self.domain)
        }
        new = rows[self.stage_new.id]
        self.assertEqual((new["reached"], new["converted"], new["dropped"]), (3, 2, 1))
        # stays of 2, 4 and 1 hours
        self.assertAlmostEqual(new["median_hours"], 2.0)
        self.assertAlmostEqual(new["p90_hours"], 3.6)
        questionnaire = rows[self.stage_questionnaire.id]
        self.assertEqual((questionnaire["reached"], questionnaire["converted"]), (2, 0))
        self.assertEqual(questionnaire["dropped"], 1)
        self.assertAlmostEqual(questionnaire["median_hours"], 3.0, msg="B still there")

    def test_read_group_by_stage_and_receptionist(self):
        Report = self.env["care.funnel.report"]
        groups = Report.read_group(
            self.domain,
            ["reached:sum", "converted:sum", "dropped:sum", "conversion:avg"],
            ["stage_id"],
        )
        new = next(g for g in groups if g["stage_id"][0] == self.stage_new.id)
        self.assertEqual((new["reached"], new["converted"], new["dropped"]), (3, 2, 1))
        self.assertAlmostEqual(new["conversion"], 200 / 3)
        by_user = Report.read_group(
            [*self.domain, ("stage_id", "=", self.stage_new.id)],
            ["reached:sum"],
            ["user_id"],
        )
        self.assertEqual(
            {g["user_id"][0]: g["reached"] for g in by_user},
            {self.wang.id: 2, self.li.id: 1},
        )

    def test_history_hours_are_exact(self):
        row = self.a.with_context(active_test=False).care_history_ids.filtered(
            lambda h: h.stage_id == self.stage_new
        )
        self.assertEqual(row.date_in, T0)
        self.assertEqual(row.date_out, T0 + timedelta(hours=2))
        self.assertAlmostEqual(row.hours, 2.0)
