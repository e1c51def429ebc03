from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError

from .common import HealthCase


class TestQuarterlyReport(HealthCase):
    """The printed quarterly report per community, on known data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Community = cls.env["care.community"]
        street = Community.create({"name": "HL 街道", "kind": "street"})
        cls.east = Community.create(
            {"name": "HL 东社区", "kind": "community", "parent_id": street.id}
        )
        cls.west = Community.create(
            {"name": "HL 西社区", "kind": "community", "parent_id": street.id}
        )
        cls.elder_a.grid_id = cls.east
        cls.east_2 = cls.make_elder("东二", cls.team_a, grid_id=cls.east.id)
        cls.west_1 = cls.make_elder("西一", cls.team_a, grid_id=cls.west.id)
        cls.nowhere = cls.make_elder("无社区", cls.team_a)
        cls.rule = cls.env["care.health.trend.rule"].search([], limit=1)
        cls.hospital = cls.env["care.health.hospital"].create(
            {"name": "HL Q Hospital", "department_ids": [(0, 0, {"name": "Cardio"})]}
        )

    def visit(self, registry, day, **vals):
        followup = self.followup(registry, date_planned=day, **vals)
        with freeze_time(day):
            followup.action_done()
        return followup

    def intervention(self, elder, deadline, done_at=None, state="done"):
        return self.Intervention.create(
            {
                "elder_id": elder.id,
                "rule_id": self.rule.id,
                "deadline": deadline,
                "state": state,
                "date_done": done_at,
            }
        )

    def build(self):
        registered = date(2024, 6, 1)
        a = self.register(self.elder_a, registered=registered)
        e2 = self.register(self.east_2, "diabetes", registered=registered)
        w1 = self.register(self.west_1, registered=registered)
        self.register(self.nowhere, registered=registered)
        # elder A: 4 visits in the 12 months to 2025-06-30, controlled last
        for day in (date(2024, 9, 1), date(2024, 12, 1), date(2025, 3, 1)):
            self.visit(a, day, sbp=150, dbp=95)
        self.visit(a, date(2025, 5, 10), sbp=128, dbp=78)
        # east 2 (diabetes): one visit in Q2, uncontrolled
        self.visit(e2, date(2025, 4, 20), glucose=8.1)
        # west 1: one visit in Q2 controlled, not seen since Q1 otherwise
        self.visit(w1, date(2025, 6, 2), sbp=130, dbp=80)
        # a referral of west 1 sent and returned in Q2, one sent in Q1
        for day_sent, day_returned in (
            (date(2025, 5, 5), date(2025, 5, 20)),
            (date(2025, 2, 5), None),
        ):
            referral = self.Referral.create(
                {
                    "elder_id": self.west_1.id,
                    "registry_id": w1.id,
                    "reason": "q test",
                    "hospital_id": self.hospital.id,
                    "department_id": self.hospital.department_ids.id,
                }
            )
            with freeze_time(day_sent):
                referral.action_send()
            if day_returned:
                referral.write({"advice": "继续服药"})
                with freeze_time(day_returned):
                    referral.action_accept()
                    referral.action_seen()
                    referral.action_return()
        # interventions of east: due in Q2, one on time, one late; one in Q3
        self.intervention(
            self.elder_a, datetime(2025, 4, 3, 8), done_at=datetime(2025, 4, 2, 9)
        )
        self.intervention(
            self.east_2, datetime(2025, 6, 30, 20), done_at=datetime(2025, 7, 2, 9)
        )
        self.intervention(
            self.east_2, datetime(2025, 7, 1, 1), done_at=datetime(2025, 7, 1, 0)
        )
        self.intervention(self.west_1, datetime(2025, 5, 1, 8), state="cancelled")

    def test_figures_per_community(self):
        self.build()
        report = self.env["care.health.quarterly"].create(
            {"year": 2025, "quarter": "2"}
        )
        rows = report._indicators(date(2025, 4, 1), date(2025, 6, 30))
        east, west, none = rows[self.east.id], rows[self.west.id], rows[0]
        self.assertEqual(
            (east["patients"], east["followed"], east["complete"], east["controlled"]),
            (2, 2, 1, 1),
        )
        self.assertEqual(east["followup_rate"], 100.0)
        self.assertEqual(east["completion_rate"], 50.0)
        self.assertEqual(east["control_rate"], 50.0)
        self.assertEqual((east["interventions"], east["ontime"]), (2, 1))
        self.assertEqual(east["ontime_rate"], 50.0)
        self.assertEqual(
            (west["patients"], west["followed"], west["controlled"]), (1, 1, 1)
        )
        self.assertEqual((west["referrals"], west["returned"]), (1, 1))
        self.assertEqual(west["return_rate"], 100.0)
        self.assertEqual(west["interventions"], 0, "a cancelled one is not due")
        self.assertEqual((none["patients"], none["followed"]), (1, 0))
        self.assertEqual(none["followup_rate"], 0.0)
        # one disease, one community
        report.write({"disease": "diabetes", "community_ids": [(6, 0, self.east.ids)]})
        rows = report._indicators(date(2025, 4, 1), date(2025, 6, 30))
        self.assertEqual(set(rows), {self.east.id})
        self.assertEqual(rows[self.east.id]["patients"], 1)
        self.assertEqual(rows[self.east.id]["controlled"], 0)
        # Q1: west's first referral, elder A seen once (controlled? no)
        report.write({"disease": False, "community_ids": [(5,)]})
        rows = report._indicators(date(2025, 1, 1), date(2025, 3, 31))
        self.assertEqual(rows[self.west.id]["referrals"], 1)
        self.assertEqual(rows[self.west.id]["returned"], 0)
        self.assertEqual(rows[self.east.id]["followed"], 1)
        self.assertEqual(rows[self.east.id]["controlled"], 0)

    def test_months_and_total_lines(self):
        self.build()
        report = self.env["care.health.quarterly"].create(
            {"year": 2025, "quarter": "2", "by_month": True}
        )
        lines = report._report_lines()
        self.assertEqual(
            [line["label"] for line in lines],
            ["2025-04", "2025-05", "2025-06", "2025 Q2"],
        )
        may = lines[1]
        names = [row["name"] for row in may["communities"]]
        self.assertEqual(names[-1], "No community")
        self.assertEqual(may["total"]["patients"], 4)
        self.assertEqual(may["total"]["followed"], 1)
        self.assertEqual(may["total"]["referrals"], 1)
        quarter = lines[-1]["total"]
        self.assertEqual((quarter["patients"], quarter["followed"]), (4, 3))
        self.assertEqual(quarter["controlled"], 2)
        self.assertAlmostEqual(quarter["control_rate"], 200 / 3)

    def test_renders_through_the_report_engine(self):
        self.build()
        report = self.env["care.health.quarterly"].create(
            {"year": 2025, "quarter": "2", "by_month": True}
        )
        html, kind = self.env["ir.actions.report"]._render_qweb_html(
            "care_health.report_care_health_quarterly", report.ids
        )
        self.assertEqual(kind, "html")
        html = html.decode()
        self.assertIn("HL 街道 / HL 东社区", html)
        self.assertIn("2025 Q2", html)
        self.assertIn("66.7", html)  # the quarter's control rate
        action = report.with_user(self.leader).action_print()
        self.assertEqual(
            action["report_name"], "care_health.report_care_health_quarterly"
        )

    def test_member_sees_own_teams_other_roles_refused(self):
        self.build()
        elder_b_registry = self.register(self.elder_b, registered=date(2024, 6, 1))
        self.assertTrue(elder_b_registry)
        as_b = (
            self.env["care.health.quarterly"]
            .with_user(self.member_b)
            .create({"year": 2025, "quarter": "2"})
        )
        lines = as_b._report_lines()
        self.assertEqual(lines[-1]["total"]["patients"], 1, "team B's patient only")
        as_leader = (
            self.env["care.health.quarterly"]
            .with_user(self.leader)
            .create({"year": 2025, "quarter": "2"})
        )
        self.assertEqual(as_leader._report_lines()[-1]["total"]["patients"], 5)
        for user in (self.reception, self.dispatcher, self.finance, self.emergency):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["care.health.quarterly"].with_user(user).create(
                    {"year": 2025, "quarter": "2"}
                )
            with self.assertRaises(AccessError):
                self.env["report.care_health.report_care_health_quarterly"].with_user(
                    user
                )._get_report_values(as_leader.ids)
