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

    def followup_done(self, lead):
        kind = self.env.ref("care_reception.mail_activity_type_followup")
        lead.activity_ids.filtered(lambda a: a.activity_type_id == kind).action_done()

    def test_share_of_first_follow_ups_on_time(self):
        t1 = T0 + timedelta(days=1)
        with freeze_time(t1):
            on_time = self.make_lead(name="D", care_intent="high")
            late = self.make_lead(name="E", care_intent="high")
            weekly = self.make_lead(
                name="F", care_intent="hesitant", user_id=self.li.id
            )
            pending = self.make_lead(name="G", care_intent="high")
        with freeze_time(t1 + timedelta(hours=20)):
            self.followup_done(on_time)
            on_time.stage_id = self.stage_questionnaire
        with freeze_time(t1 + timedelta(hours=30)):
            self.followup_done(late)
            self.followup_done(on_time)  # the second one does not count
        with freeze_time(t1 + timedelta(days=6)):
            self.followup_done(weekly)
        leads = on_time | late | weekly | pending
        self.assertEqual(
            leads.mapped("care_first_followup_on_time"), ["yes", "no", "yes", False]
        )
        Report = self.env["care.funnel.report"]
        [total] = Report.read_group(
            [("lead_id", "in", leads.ids)],
            ["followup_on_time:avg", "followup_measured:sum", "reached:sum"],
            [],
        )
        # D has two stage rows, counted once: 2 of the 3 followed up on time
        self.assertEqual(total["reached"], 5)
        self.assertEqual(total["followup_measured"], 3)
        self.assertAlmostEqual(total["followup_on_time"], 200 / 3)
        by_user = Report.read_group(
            [("lead_id", "in", leads.ids)], ["followup_on_time:avg"], ["user_id"]
        )
        self.assertEqual(
            {g["user_id"][0]: g["followup_on_time"] for g in by_user},
            {self.wang.id: 50.0, self.li.id: 100.0},
        )

    def test_funnel_by_tag(self):
        care = self.env.ref("care_reception.tag_disability_care")
        value = self.env.ref("care_reception.tag_value")
        self.a.tag_ids = care | value
        self.b.tag_ids = care
        Report = self.env["care.funnel.tag.report"]
        groups = Report.read_group(
            [*self.domain, ("stage_id", "=", self.stage_new.id)],
            ["reached:sum", "converted:sum"],
            ["tag_id"],
        )
        self.assertEqual(
            {g["tag_id"][0]: (g["reached"], g["converted"]) for g in groups},
            {care.id: (2, 2), value.id: (1, 1)},
            "C has no tag; A counts under both of its tags",
        )
        rows = Report.search([*self.domain, ("tag_id", "=", care.id)])
        self.assertEqual(len(rows), 4, "A and B, two stages each")
        self.assertEqual(len(set(rows.ids)), 4)
