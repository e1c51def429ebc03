from datetime import timedelta

from psycopg2.errors import CheckViolation

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PlanCase


@tagged("post_install", "-at_install")
class TestPromotions(PlanCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Promotion = cls.env["care.plan.promotion"]
        cls.teacher_tag = cls.env["res.partner.category"].create({"name": "退休教师"})

    def promotion(self, **vals):
        return self.Promotion.create(
            {"name": "优惠", "kind": "free_months", "free_months": 1, **vals}
        )

    def assertRefused(self, promotions, pattern, **kw):
        contracts = self.Contract.search_count([])
        with self.assertRaisesRegex(ValidationError, pattern):
            self.sign(promotion_ids=promotions.ids, **kw)
        self.assertFalse(self.elder.care_subscription_ids, "nothing signed")
        self.assertEqual(self.Contract.search_count([]), contracts, "no contract")

    def test_outside_window_refused(self):
        promotion = self.promotion(
            name="重阳节",
            date_from=self.today - timedelta(days=30),
            date_to=self.today - timedelta(days=1),
        )
        self.assertRefused(promotion, "重阳节 runs from .* not on")

    def test_ineligible_elder_refused(self):
        promotion = self.promotion(
            name="教师优惠", tag_ids=[(6, 0, self.teacher_tag.ids)]
        )
        self.assertRefused(promotion, "教师优惠 is for 退休教师: 王秀兰 is in none")
        self.elder.category_id = self.teacher_tag
        self.assertEqual(
            self.sign(promotion_ids=promotion.ids).promotion_ids, promotion
        )

    def test_subsidy_category_eligibility(self):
        age_80 = self.env.ref("elder_crm.subsidy_category_age_80")
        promotion = self.promotion(
            name="80岁以上", subsidy_category_ids=[(6, 0, age_80.ids)]
        )
        self.assertRefused(promotion, "80岁以上 is for")
        self.elder.subsidy_category_ids = age_80
        self.assertTrue(self.sign(promotion_ids=promotion.ids))

    def test_code_required(self):
        promotion = self.promotion(name="口令优惠", code="CY2026")
        self.assertRefused(promotion, "口令优惠 needs its code")
        self.assertRefused(promotion, "口令优惠 needs its code", code="WRONG")
        self.assertTrue(self.sign(promotion_ids=promotion.ids, code="CY2026"))

    def test_model_household_only_the_chosen_one(self):
        promotion = self.promotion(name="示范户", model_household=True, free_months=3)
        self.assertRefused(promotion, "示范户 is for the model household")
        community = self.elder.community_id
        with self.assertRaises(AccessError):
            community.with_user(self.receptionist).care_model_household_id = self.elder
        self.assertFalse(community.care_model_household_id)
        community.with_user(self.manager).care_model_household_id = self.elder
        subscription = self.sign(promotion_ids=promotion.ids)
        self.assertEqual(subscription.contract_id.contract_line_ids[0].discount, 100.0)

    def test_plan_restriction(self):
        other = self.env["care.plan"].create({"name": "VIP", "monthly_fee": 900})
        promotion = self.promotion(name="VIP专享", plan_ids=[(6, 0, other.ids)])
        self.assertRefused(promotion, "VIP专享 is not offered with 基础套餐")

    def test_exclusive_cannot_stack(self):
        exclusive = self.promotion(name="独享", exclusive=True)
        other = self.promotion(
            name="八折", kind="discount", discount_percent=20, discount_months=2
        )
        self.assertRefused(exclusive | other, "独享 cannot be combined")

    def test_two_of_a_kind_cannot_stack(self):
        one = self.promotion(name="免一月")
        two = self.promotion(name="免两月", free_months=2)
        self.assertRefused(one | two, "Only one promotion of each kind")

    def test_bad_promotion_values_refused(self):
        count = self.Promotion.search_count([])
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaisesRegex(CheckViolation, "discount_range"),
            self.cr.savepoint(),
        ):
            self.promotion(kind="discount", discount_percent=120, discount_months=1)
        self.assertEqual(self.Promotion.search_count([]), count)

    def test_reception_cannot_create_promotions(self):
        with self.assertRaises(AccessError):
            self.Promotion.with_user(self.receptionist).create(
                {"name": "自作主张", "kind": "free_months", "free_months": 12}
            )
        promotion = self.promotion(name="财务优惠")
        with self.assertRaises(AccessError):
            promotion.with_user(self.receptionist).free_months = 12
        self.assertEqual(promotion.free_months, 1)
        promotion.with_user(self.finance).free_months = 2
        self.assertEqual(promotion.free_months, 2)
