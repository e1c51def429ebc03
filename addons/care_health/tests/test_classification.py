from datetime import date, timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import mute_logger

from ..models.care_health_common import bp_class
from .common import HealthCase


class TestBloodPressureClass(HealthCase):
    def test_bp_class_borders(self):
        cases = [
            (119, 79, "normal"),
            (120, 79, "high_normal"),
            (119, 80, "high_normal"),
            (139, 89, "high_normal"),
            (140, 89, "isolated_systolic"),
            (190, 85, "isolated_systolic"),
            (139, 90, "grade_1"),
            (140, 90, "grade_1"),
            (159, 99, "grade_1"),
            (160, 99, "grade_2"),
            (150, 100, "grade_2"),
            (179, 109, "grade_2"),
            (180, 100, "grade_3"),
            (150, 110, "grade_3"),
        ]
        for sbp, dbp, expected in cases:
            with self.subTest(sbp=sbp, dbp=dbp):
                self.assertEqual(bp_class(sbp, dbp), expected)
        # computed and stored on every reading
        readings = self.Reading.create(
            [{"elder_id": self.elder_a.id, "sbp": s, "dbp": d} for s, d, _e in cases]
        )
        self.assertEqual(readings.mapped("bp_class"), [e for _s, _d, e in cases])

    def test_reading_recomputes_class(self):
        reading = self.Reading.create(
            {"elder_id": self.elder_a.id, "sbp": 118, "dbp": 70}
        )
        self.assertEqual(reading.bp_class, "normal")
        reading.write({"sbp": 165})
        self.assertEqual(reading.bp_class, "isolated_systolic")

    @mute_logger("odoo.sql_db")
    def test_impossible_reading_refused(self):
        count = self.Reading.search_count([])
        for vals, text in (
            ({}, "at least one value"),
            ({"sbp": 80, "dbp": 95}, "must be higher"),
            ({"glucose": -0.5}, "impossible"),
            ({"glucose": 80.0}, "impossible"),
            ({"weight": 5.0}, "impossible"),
        ):
            with self.subTest(vals=vals):
                with self.assertRaisesRegex(ValidationError, text), self.cr.savepoint():
                    self.Reading.create({"elder_id": self.elder_a.id, **vals})
        self.assertEqual(self.Reading.search_count([]), count)


class TestFollowupClassification(HealthCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.htn = cls.register(cls.elder_a, "hypertension")
        cls.dm = cls.register(cls.elder_a, "diabetes")

    def classify(self, registry, **vals):
        return self.followup(registry, **vals).classification

    def test_hypertension_cutoffs(self):
        cases = [
            ({"sbp": 139, "dbp": 89}, "controlled"),
            ({"sbp": 140, "dbp": 80}, "uncontrolled"),
            ({"sbp": 130, "dbp": 90}, "uncontrolled"),
            ({"sbp": 130, "dbp": 80, "side_effects": True}, "uncontrolled"),
            ({"sbp": 130, "dbp": 80, "new_complication": True}, "referral"),
            ({"sbp": 179, "dbp": 109}, "uncontrolled"),
            ({"sbp": 180, "dbp": 100}, "danger"),
            ({"sbp": 150, "dbp": 110}, "danger"),
            ({"sbp": 130, "dbp": 80, "heart_rate": 100}, "controlled"),
            ({"sbp": 130, "dbp": 80, "heart_rate": 101}, "danger"),
        ]
        for vals, expected in cases:
            with self.subTest(vals=vals):
                self.assertEqual(self.classify(self.htn, **vals), expected)

    def test_danger_symptom(self):
        headache = self.env.ref("care_health.symptom_headache")
        numb = self.env.ref("care_health.symptom_numbness")
        self.assertEqual(
            self.classify(self.htn, sbp=130, dbp=80, symptom_ids=[(6, 0, numb.ids)]),
            "controlled",
        )
        self.assertEqual(
            self.classify(
                self.htn, sbp=130, dbp=80, symptom_ids=[(6, 0, headache.ids)]
            ),
            "danger",
        )

    def test_diabetes_cutoffs(self):
        cases = [
            ({"glucose": 6.9}, "controlled"),
            ({"glucose": 7.0}, "uncontrolled"),
            ({"glucose": 16.6}, "uncontrolled"),
            ({"glucose": 16.7}, "danger"),
            ({"glucose": 4.0}, "controlled"),
            ({"glucose": 3.9}, "danger"),
            ({"glucose": 6.0, "temperature": 39.0}, "controlled"),
            ({"glucose": 6.0, "temperature": 39.1}, "danger"),
            ({"glucose": 6.0, "sbp": 182, "dbp": 95}, "danger"),
        ]
        for vals, expected in cases:
            with self.subTest(vals=vals):
                self.assertEqual(self.classify(self.dm, **vals), expected)

    def test_no_reading_no_classification(self):
        self.assertFalse(self.classify(self.htn))
        self.assertFalse(self.classify(self.dm, sbp=150, dbp=95))

    def test_twice_uncontrolled_refers(self):
        for registry, bad, good in (
            (self.htn, {"sbp": 150, "dbp": 95}, {"sbp": 130, "dbp": 80}),
            (self.dm, {"glucose": 8.0}, {"glucose": 6.0}),
        ):
            with self.subTest(disease=registry.disease):
                first = self.followup(registry, **bad)
                first.action_done()
                self.assertEqual(first.classification, "uncontrolled")
                second = self.followup(registry, **bad)
                second.action_done()
                self.assertEqual(second.previous_id, first)
                self.assertEqual(second.classification, "referral")
                self.assertEqual(second.referral_id.urgency, "planned")
                # back in target: controlled, and the next bad one is a first again
                third = self.followup(registry, **good)
                third.action_done()
                self.assertEqual(third.classification, "controlled")
                fourth = self.followup(registry, **bad)
                fourth.action_done()
                self.assertEqual(fourth.classification, "uncontrolled")
                registry.invalidate_recordset()
                self.assertEqual(registry.last_followup_id, fourth)
                self.assertEqual(registry.last_classification, "uncontrolled")

    def test_schedule_after_each_outcome(self):
        """Next date: controlled +90 days, uncontrolled +14, referral/danger +14;
        a sooner follow-up is planned when the schedule has none."""
        # the day as the follow-up code sees it (the user's time zone)
        today = fields.Date.context_today(self.Followup)
        controlled = self.followup(self.htn, sbp=120, dbp=75)
        controlled.action_done()
        self.assertEqual(controlled.next_date, today + timedelta(days=90))
        for vals, klass in (
            ({"sbp": 150, "dbp": 95}, "uncontrolled"),
            ({"sbp": 185, "dbp": 95}, "danger"),
        ):
            followup = self.followup(self.htn, **vals)
            followup.action_done()
            self.assertEqual(followup.classification, klass)
            self.assertEqual(followup.next_date, today + timedelta(days=14))
            self.assertTrue(
                self.Followup.search_count(
                    [
                        ("registry_id", "=", self.htn.id),
                        ("state", "=", "planned"),
                        ("date_planned", "=", today + timedelta(days=14)),
                    ]
                ),
                "a follow-up within 2 weeks is planned",
            )

    def test_danger_opens_urgent_referral(self):
        followup = self.followup(self.dm, glucose=18.0)
        followup.action_done()
        self.assertEqual(followup.classification, "danger")
        referral = followup.referral_id
        self.assertEqual(referral.urgency, "urgent")
        self.assertEqual(referral.elder_id, self.elder_a)
        self.assertEqual(referral.state, "draft")
        self.assertTrue(
            referral.activity_ids, "the urgent referral is on the worklist at once"
        )

    def test_recorded_followup_is_locked(self):
        followup = self.followup(self.htn, sbp=150, dbp=95)
        followup.with_user(self.member_a).action_done()
        self.assertEqual(
            followup.user_id, self.member_a, "seen by the one who recorded it"
        )
        with self.assertRaisesRegex(UserError, "keeps its readings"):
            followup.with_user(self.member_a).write({"sbp": 120, "dbp": 70})
        followup.with_user(self.member_a).write({"lifestyle_goals": "walk daily"})
        self.assertEqual((followup.sbp, followup.classification), (150, "uncontrolled"))

    def test_protocol_adjustable(self):
        protocol = self.env.ref("care_health.protocol_hypertension")
        protocol.sbp_target = 150
        self.assertEqual(self.classify(self.htn, sbp=145, dbp=85), "controlled")
        with self.assertRaises(ValidationError), self.cr.savepoint():
            protocol.sbp_danger = 120

    @mute_logger("odoo.sql_db")
    def test_impossible_values_refused(self):
        count = self.Followup.search_count([])
        for vals, text in (
            ({"sbp": 80, "dbp": 90}, "must be higher"),
            ({"sbp": 90, "dbp": 90}, "must be higher"),
            ({"sbp": 140}, "both"),
            ({"sbp": 400, "dbp": 90}, "impossible"),
            ({"glucose": -1.0}, "impossible"),
            ({"heart_rate": 400}, "impossible"),
        ):
            with self.subTest(vals=vals):
                with self.assertRaisesRegex(ValidationError, text), self.cr.savepoint():
                    self.followup(self.htn, **vals)
        self.assertEqual(self.Followup.search_count([]), count)

    def test_action_done_needs_readings(self):
        followup = self.followup(self.dm, sbp=130, dbp=80)
        with self.assertRaisesRegex(Exception, "fasting glucose"):
            followup.action_done()
        self.assertEqual(followup.state, "planned")

    def test_no_followup_outside_contract(self):
        contract = self.env["care.health.contract"].search(
            [("elder_id", "=", self.elder_a.id)]
        )
        contract.action_close()
        count = self.Followup.search_count([])
        with (
            self.assertRaisesRegex(ValidationError, "outside every team"),
            self.cr.savepoint(),
        ):
            self.followup(self.htn, sbp=130, dbp=80)
        self.assertEqual(self.Followup.search_count([]), count)

    def test_classification_refused_to_clients(self):
        followup = self.followup(self.htn, sbp=150, dbp=95)
        as_member = followup.with_user(self.member_a)
        for vals in (
            {"classification": "controlled"},
            {"next_date": date(2030, 1, 1)},
            {"bp_class": "normal"},
            {"state": "done"},
            {"referral_id": False},
        ):
            with self.subTest(vals=vals):
                with self.assertRaises(AccessError), self.cr.savepoint():
                    as_member.write(vals)
        followup.invalidate_recordset()
        self.assertEqual(followup.classification, "uncontrolled")
        self.assertEqual(followup.state, "planned")
        # nor at creation
        with self.assertRaises(AccessError), self.cr.savepoint():
            self.Followup.with_user(self.member_a).create(
                {
                    "registry_id": self.htn.id,
                    "sbp": 150,
                    "dbp": 95,
                    "classification": "controlled",
                }
            )
