import datetime

from freezegun import freeze_time
from psycopg2.errors import CheckViolation

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.care_assessment import (
    BARTHEL_ITEMS,
    GBT_ITEMS,
    barthel_band,
    gbt_preliminary_level,
)
from .common import ElderCareCase, gbt_values


@tagged("post_install", "-at_install")
class TestGbt42195(ElderCareCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.elder = cls.make_elder(name="王淑芬")

    def test_items_and_maximum(self):
        self.assertEqual(len(GBT_ITEMS), 26)
        self.assertEqual(sum(int(item[4][0][0]) for item in GBT_ITEMS), 90)
        maxima = {}
        for _f, _c, dim, _l, sel in GBT_ITEMS:
            maxima[dim] = maxima.get(dim, 0) + int(sel[0][0])
        self.assertEqual(
            maxima, {"self_care": 32, "mobility": 15, "mental": 28, "perception": 15}
        )

    def test_level_at_every_cut_off(self):
        expected = {
            90: "0",
            89: "1",
            66: "1",
            65: "2",
            46: "2",
            45: "3",
            30: "3",
            29: "4",
            0: "4",
        }
        for total, level in expected.items():
            with self.subTest(total=total):
                assessment = self.make_gbt(self.elder, total, confirm=False)
                self.assertEqual(assessment.total_score, total)
                self.assertEqual(assessment.preliminary_level, level)
                self.assertEqual(assessment.final_level, level)
                self.assertFalse(assessment.level_change_note)

    def test_dimension_subtotals(self):
        assessment = self.make_gbt(self.elder, 80, confirm=False)
        # gbt_values removes points from the first items: self-care loses 10
        self.assertEqual(
            (
                assessment.self_care_score,
                assessment.mobility_score,
                assessment.mental_score,
                assessment.perception_score,
            ),
            (22, 15, 28, 15),
        )

    def test_coma_is_completely_lost(self):
        assessment = self.make_gbt(self.elder, 90, confirm=False, coma=True)
        self.assertEqual(assessment.preliminary_level, "0")
        self.assertEqual(assessment.final_level, "4")
        self.assertIn("Coma", assessment.level_change_note)

    def test_dementia_raises_one_level(self):
        assessment = self.make_gbt(
            self.elder, 70, confirm=False, dementia_diagnosed=True
        )
        self.assertEqual(
            (assessment.preliminary_level, assessment.final_level), ("1", "2")
        )

    def test_mental_disorder_raises_one_level(self):
        assessment = self.make_gbt(
            self.elder, 50, confirm=False, mental_disorder_diagnosed=True
        )
        self.assertEqual(
            (assessment.preliminary_level, assessment.final_level), ("2", "3")
        )

    def test_two_risk_events_raise_one_level(self):
        one = self.make_gbt(self.elder, 90, confirm=False, risk_falls=1)
        self.assertEqual(one.final_level, "0")
        two = self.make_gbt(self.elder, 90, confirm=False, risk_falls=1, risk_choking=1)
        self.assertEqual(two.risk_events, 2)
        self.assertEqual(two.final_level, "1")

    def test_rules_together_raise_once_by_default(self):
        assessment = self.make_gbt(
            self.elder, 70, confirm=False, dementia_diagnosed=True, risk_wandering=2
        )
        self.assertEqual(assessment.final_level, "2")

    def test_rules_add_up_when_set(self):
        self.env["ir.config_parameter"].set_param(
            "elder_crm.c4_cumulative_raises", "True"
        )
        assessment = self.make_gbt(
            self.elder, 70, confirm=False, dementia_diagnosed=True, risk_wandering=2
        )
        self.assertEqual(assessment.final_level, "3")
        capped = self.make_gbt(
            self.elder, 35, confirm=False, dementia_diagnosed=True, risk_falls=3
        )
        self.assertEqual((capped.preliminary_level, capped.final_level), ("3", "4"))

    def test_never_past_completely_lost(self):
        assessment = self.make_gbt(
            self.elder, 10, confirm=False, dementia_diagnosed=True
        )
        self.assertEqual(assessment.final_level, "4")

    def test_dementia_defaults_from_the_elder_conditions(self):
        self.elder.condition_ids = self.env.ref("elder_crm.condition_dementia")
        assessment = self.make_gbt(self.elder, 90, confirm=False)
        self.assertTrue(assessment.dementia_diagnosed)
        self.assertEqual(assessment.final_level, "1")

    def test_item_out_of_range_refused(self):
        for fname, value in (
            ("gbt_b1_1", 5),
            ("gbt_b2_4", "4"),
            ("gbt_b3_7", 2),
            ("gbt_b1_2", -1),
        ):
            with (
                self.subTest(item=fname),
                self.assertRaisesRegex(ValidationError, "not a valid answer"),
            ):
                self.Assessment.create({"elder_id": self.elder.id, fname: value})
        assessment = self.make_gbt(self.elder, 60, confirm=False)
        with self.assertRaisesRegex(ValidationError, "B.2.4"):
            assessment.write({"gbt_b2_4": 4})
        self.assertEqual(assessment.total_score, 60)

    def test_integers_accepted(self):
        assessment = self.Assessment.create({"elder_id": self.elder.id, "gbt_b1_1": 2})
        self.assertEqual(assessment.gbt_b1_1, "2")

    def test_negative_risk_count_refused(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(CheckViolation):
            self.make_gbt(self.elder, 60, confirm=False, risk_falls=-1)

    def test_incomplete_cannot_be_confirmed(self):
        values = gbt_values(60)
        del values["gbt_b4_5"]
        assessment = self.Assessment.create({"elder_id": self.elder.id, **values})
        self.assertFalse(assessment.final_level)
        with self.assertRaisesRegex(UserError, "B.4.5"):
            assessment.action_confirm()
        self.assertEqual(assessment.state, "draft")

    def test_confirmed_assessment_is_locked_and_sets_elder_level(self):
        elder = self.make_elder(name="测试锁定")
        old = self.make_gbt(elder, 70)
        self.assertEqual(elder.gbt_level, "1")
        self.assertEqual(elder.gbt_assessment_id, old)
        with self.assertRaises(UserError):
            old.write({"gbt_b1_1": "0"})
        with self.assertRaises(UserError):
            old.unlink()
        new = self.make_gbt(elder, 40)
        self.assertEqual(elder.gbt_level, "3")
        self.assertEqual(elder.gbt_assessment_id, new)
        new.action_reset_draft()
        new.action_cancel()
        self.assertEqual(
            elder.gbt_level, "1", "a cancelled assessment no longer counts"
        )

    def test_valid_until_follows_setting(self):
        self.env["ir.config_parameter"].set_param("elder_crm.reassessment_months", "12")
        assessment = self.make_gbt(self.elder, 60, date=datetime.date(2026, 1, 15))
        self.assertEqual(assessment.valid_until, datetime.date(2027, 1, 15))
        self.assertEqual(self.elder.gbt_valid_until, datetime.date(2027, 1, 15))

    def test_future_date_refused(self):
        with self.assertRaisesRegex(ValidationError, "future"):
            self.make_gbt(
                self.elder, 60, date=datetime.date.today() + datetime.timedelta(days=2)
            )

    def test_reminder_cron(self):
        elder = self.make_elder(
            name="提醒老人", responsible_id=self.users["reception"].id
        )
        with freeze_time("2026-01-10"):
            lapsing = self.make_gbt(elder, 60, date=datetime.date(2026, 1, 10))
        self.assertEqual(lapsing.valid_until, datetime.date(2026, 7, 10))
        activity_type = self.env.ref("elder_crm.mail_activity_type_reassessment")
        with freeze_time("2026-06-01"):
            self.Assessment._cron_reassessment_reminders()
        self.assertFalse(elder.activity_ids, "not yet within 14 days")
        with freeze_time("2026-06-30"):
            self.Assessment._cron_reassessment_reminders()
            self.Assessment._cron_reassessment_reminders()
        activities = elder.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        )
        self.assertEqual(len(activities), 1, "reminded once")
        self.assertEqual(activities.user_id, self.users["reception"])
        self.assertEqual(activities.date_deadline, datetime.date(2026, 7, 10))

    def test_superseded_assessment_not_reminded(self):
        elder = self.make_elder(name="已复评老人")
        with freeze_time("2026-01-10"):
            self.make_gbt(elder, 60, date=datetime.date(2026, 1, 10))
        with freeze_time("2026-06-20"):
            self.make_gbt(elder, 55, date=datetime.date(2026, 6, 20))
            self.Assessment._cron_reassessment_reminders()
        self.assertFalse(elder.activity_ids)

    def test_preliminary_level_function(self):
        self.assertEqual(
            [gbt_preliminary_level(t) for t in (90, 89, 66, 65, 46, 45, 30, 29, 0)],
            [0, 1, 1, 2, 2, 3, 3, 4, 4],
        )


@tagged("post_install", "-at_install")
class TestScreens(ElderCareCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.elder = cls.make_elder(name="刘玉兰")

    def barthel(self, score, confirm=True):
        values, remaining = {}, 100 - score
        for fname, _label, selection in BARTHEL_ITEMS:
            keys = [int(key) for key, _l in selection]
            cut = min(k for k in keys if max(keys) - k <= remaining)
            values[fname] = str(cut)
            remaining -= max(keys) - cut
        self.assertEqual(remaining, 0)
        assessment = self.Assessment.create(
            {"elder_id": self.elder.id, "assessment_type": "barthel", **values}
        )
        if confirm:
            assessment.action_confirm()
        return assessment

    def test_barthel_bands(self):
        expected = {
            100: "independent",
            95: "mild",
            65: "mild",
            60: "moderate",
            45: "moderate",
            40: "severe",
            0: "severe",
        }
        for score, band in expected.items():
            with self.subTest(score=score):
                assessment = self.barthel(score, confirm=False)
                self.assertEqual(assessment.barthel_score, score)
                self.assertEqual(assessment.barthel_band, band)
        self.assertEqual(
            [barthel_band(s) for s in (100, 99, 61, 60, 41, 40)],
            ["independent", "mild", "mild", "moderate", "moderate", "severe"],
        )

    def test_barthel_value_outside_item_scale_refused(self):
        with self.assertRaisesRegex(ValidationError, "Bathing"):
            self.Assessment.create(
                {
                    "elder_id": self.elder.id,
                    "assessment_type": "barthel",
                    "barthel_bathing": "10",
                }
            )

    def test_barthel_on_elder(self):
        self.barthel(55)
        self.assertEqual(
            (self.elder.barthel_score, self.elder.barthel_band), (55, "moderate")
        )

    def test_ad8_threshold(self):
        base = dict.fromkeys(
            (
                "ad8_judgment",
                "ad8_interest",
                "ad8_repeats",
                "ad8_learning",
                "ad8_month",
                "ad8_finances",
                "ad8_appointments",
                "ad8_daily",
            ),
            "no",
        )
        one = self.Assessment.create(
            {
                "elder_id": self.elder.id,
                "assessment_type": "ad8",
                **base,
                "ad8_month": "yes",
                "ad8_daily": "unknown",
            }
        )
        self.assertEqual((one.ad8_score, one.ad8_positive), (1, False))
        two = self.Assessment.create(
            {
                "elder_id": self.elder.id,
                "assessment_type": "ad8",
                **base,
                "ad8_month": "yes",
                "ad8_repeats": "yes",
            }
        )
        self.assertEqual((two.ad8_score, two.ad8_positive), (2, True))
        two.action_confirm()
        self.assertTrue(self.elder.ad8_positive)
        self.assertEqual(self.elder.ad8_score, 2)
