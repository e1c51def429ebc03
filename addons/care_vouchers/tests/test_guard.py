from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from ..models.fsm_order import VOUCHER_ORDER_FIELDS
from .common import VoucherCase


@tagged("post_install", "-at_install")
class TestGuard(VoucherCase):
    """Who may move money: every public method checks the caller's group,
    the money fields of an order are written only by their code paths, and
    the ledger's reversals are refused where they would hand money back."""

    def setUp(self):
        super().setUp()
        self.programme.write({"monthly_cap": 0})
        self.entitlement = self.entitle()
        self.programme._issue_month(self.this_month)
        # a Field Service user that is no dispatcher of the centre
        self.worker = new_test_user(
            self.env,
            login="cc_worker",
            groups="base.group_user,fieldservice.group_fsm_user_own",
        )

    def ledger(self):
        return self.env["care.voucher.line"].search(
            [("entitlement_id", "=", self.entitlement.id)]
        )

    def test_reversal_is_not_public(self):
        Line = self.env["care.voucher.line"]
        self.assertFalse(hasattr(Line, "action_reverse"))
        issue = self.ledger()
        # an issue line is never reversed (it would wipe the elder's month)
        with self.assertRaisesRegex(ValidationError, "Only a redemption"):
            issue._reverse("x")
        order = self.done_order()
        self.settle_claim(order)
        redeem = self.ledger().filtered(lambda line: line.kind == "redeem")
        # a claimed service's redemption is not given back to the balance
        with self.assertRaisesRegex(UserError, "credit note"):
            redeem._reverse("x")
        with self.assertRaisesRegex(UserError, "credit note"):
            order.with_user(self.finance).action_care_voucher_dispute()
        with self.assertRaisesRegex(UserError, "credit note"):
            order.action_cancel()
        self.assertEqual(self.ledger().mapped("kind"), ["redeem", "issue"])
        self.assertEqual(self.balance(self.entitlement), 65.0)

    def settle_claim(self, order):
        self.env["care.voucher.settle"].with_user(self.finance).settle_month(
            self.this_month, "claim", self.programme.ids
        )
        self.assertEqual(order.care_settlement_state, "claimed")

    def test_non_finance_is_refused_everything(self):
        order = self.done_order()
        card = (
            self.env["care.voucher.card"]
            .with_user(self.finance)
            .create(
                {
                    "issuer_id": self.bureau.id,
                    "elder_id": self.elder.id,
                    "value": 20,
                    "date_expiry": "2099-12-31",
                }
            )
        )
        application = self.env["care.voucher.entitlement"].create(
            {
                "elder_id": self.env["care.elder"]
                .create(
                    {
                        "name": "申请人",
                        "street": "红庙北里7号",
                        "subsidy_category_ids": [(6, 0, self.age_80.ids)],
                    }
                )
                .id,
                "programme_id": self.programme.id,
                "approval_ref": "x",
            }
        )
        lines_before = self.env["care.voucher.line"].search_count([])
        for user in (self.agent, self.receptionist, self.worker):
            calls = [
                lambda u: application.with_user(u).action_approve(),
                lambda u: self.entitlement.with_user(u).action_suspend(),
                lambda u: self.entitlement.with_user(u).action_end(),
                lambda u: self.entitlement.with_user(u).action_confirm_basis(),
                lambda u: card.with_user(u).action_activate(),
                lambda u: order.with_user(u).action_care_voucher_dispute(),
                lambda u: order.with_user(u).action_care_voucher_redeem(),
                lambda u: order.with_user(u).action_care_settlement_verify(),
                lambda u: order.with_user(u).action_care_change_price(1.0, "x"),
                lambda u: order.with_user(u).action_care_copay_paid_cash(),
                lambda u: (
                    self.env["care.voucher.settle"]
                    .with_user(u)
                    .settle_month(self.this_month, "claim")
                ),
            ]
            for call in calls:
                with self.assertRaises(AccessError):
                    call(user)
        self.assertEqual(self.env["care.voucher.line"].search_count([]), lines_before)
        self.assertEqual(application.state, "applied")
        self.assertEqual(self.entitlement.state, "active")
        self.assertEqual(card.state, "draft")
        self.assertEqual(
            (order.care_voucher_state, order.care_settlement_state),
            ("redeemed", "draft"),
        )
        self.assertEqual(order.care_price, 70.0)

    def test_money_fields_of_an_order_are_not_writable(self):
        order = self.done_order()
        before = order.read(list(VOUCHER_ORDER_FIELDS))[0]
        forged = {
            "care_price": 1.0,
            "care_voucher_entitlement_id": False,
            "care_voucher_state": "booked",
            "care_voucher_amount": 0.0,
            "care_copay_amount": 0.0,
            "care_card_amount": 50.0,
            "care_card_discount": 5.0,
            "care_settlement_state": "verified",
            "care_voucher_period": "2020-01-01",
            "care_claim_move_id": False,
            "care_bill_move_id": False,
            "care_copay_move_id": False,
            "care_copay_cash": True,
        }
        self.assertEqual(set(forged), set(VOUCHER_ORDER_FIELDS))
        # the dispatcher can write orders; finance too (with a form): neither
        # writes money
        for user in (self.agent, self.finance):
            for name, value in forged.items():
                with self.assertRaisesRegex(AccessError, "set by the system"):
                    order.with_user(user).write({name: value})
        with self.assertRaisesRegex(AccessError, "set by the system"):
            self.make_order().with_user(self.agent).write({"care_price": 0.0})
        with self.assertRaisesRegex(AccessError, "set by the system"):
            self.env["fsm.order"].with_user(self.agent).create(
                {
                    "care_elder_id": self.elder.id,
                    "care_category_id": self.housekeeping.id,
                    "care_voucher_amount": 70.0,
                }
            )
        order.invalidate_recordset()
        self.assertEqual(order.read(list(VOUCHER_ORDER_FIELDS))[0], before)

    def test_finance_changes_a_price_with_a_trace(self):
        order = self.make_order()
        order.action_care_dispatch(self.good.id)
        self.assertEqual(order.care_price, 70.0)
        with self.assertRaisesRegex(ValidationError, "Say why"):
            order.with_user(self.finance).action_care_change_price(60.0, " ")
        with self.assertRaisesRegex(ValidationError, "a number"):
            order.with_user(self.finance).action_care_change_price(-1, "x")
        order.with_user(self.finance).action_care_change_price(60.0, "合同价更正")
        self.assertEqual(order.care_price, 60.0)
        [trace] = order.message_ids.filtered(
            lambda m: "Price changed" in (m.body or "")
        )
        self.assertIn("70.0 → 60.0", trace.body)
        self.assertIn("合同价更正", trace.body)
        self.assertIn(self.finance.name, trace.body)
        self.complete(order)
        self.assertEqual(order.care_voucher_amount, 30.0)  # 50 % of 60
        # once paid, the price is not changed any more
        with self.assertRaisesRegex(UserError, "already paid"):
            order.with_user(self.finance).action_care_change_price(10.0, "x")
        self.assertEqual(order.care_price, 60.0)

    def test_cash_copayment_is_confirmed_by_finance(self):
        order = self.done_order()
        self.assertEqual(order.care_copay_amount, 35.0)
        with self.assertRaises(AccessError):
            order.with_user(self.agent).action_care_copay_paid_cash()
        order.with_user(self.finance).action_care_copay_paid_cash()
        self.assertTrue(order.care_copay_cash)
        self.assertTrue(
            order.message_ids.filtered(lambda m: "paid in cash" in (m.body or ""))
        )
        order.with_user(self.finance).action_care_copay_paid_cash(False)
        self.assertFalse(order.care_copay_cash)

    def test_a_used_card_stays_on_its_order(self):
        card = (
            self.env["care.voucher.card"]
            .with_user(self.finance)
            .create(
                {
                    "issuer_id": self.bureau.id,
                    "elder_id": self.elder.id,
                    "value": 20,
                    "date_expiry": "2099-12-31",
                }
            )
        )
        card.action_activate()
        order = self.make_order(care_card_id=card.id)
        order.action_care_dispatch(self.good.id)
        self.complete(order)
        self.assertEqual(order.care_card_amount, 20.0)
        with self.assertRaisesRegex(UserError, "already paid"):
            order.with_user(self.agent).write({"care_card_id": False})
        self.assertEqual(order.care_card_id, card)
