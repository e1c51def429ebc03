from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.care_dispatch.tests.test_visit import PNG

from .common import VoucherCase


@tagged("post_install", "-at_install")
class TestRedemption(VoucherCase):
    def setUp(self):
        super().setUp()
        self.entitlement = self.entitle()
        self.programme._issue_month(self.this_month)

    def redeemed(self):
        return self.env["care.voucher.line"].search(
            [("entitlement_id", "=", self.entitlement.id), ("kind", "=", "redeem")]
        )

    def test_booking_shows_the_voucher_and_warns(self):
        order = self.make_order()
        self.assertEqual(order.care_voucher_entitlement_id, self.entitlement)
        self.assertEqual(order.care_voucher_state, "booked")
        order.action_care_dispatch(self.good.id)
        self.assertEqual(order.care_price, 70.0)
        self.assertFalse(order.care_voucher_warning, "35 of 100 is covered")
        self.entitlement.invalidate_recordset()
        self.assertEqual(self.entitlement.month_booked, 35.0)
        # three more bookings at 35 each would need 140 of the 100 left
        for _i in range(2):
            self.make_order().action_care_dispatch(self.good.id)
        last = self.make_order()
        last.action_care_dispatch(self.good.id)
        last.invalidate_recordset(["care_voucher_warning"])
        self.assertIn("does not cover", last.care_voucher_warning)
        # a service the programme does not cover books no voucher
        self.assertEqual(
            self.make_order(category=self.rehab).care_voucher_state, "none"
        )

    def test_redemption_with_copayment_and_cap(self):
        first = self.done_order()
        # min(balance 100, 50 % of 70, cap 40) = 35; the elder pays 35
        self.assertEqual(first.care_voucher_state, "redeemed")
        self.assertEqual(
            (first.care_voucher_amount, first.care_copay_amount), (35.0, 35.0)
        )
        second = self.done_order()
        # only 5 of the monthly cap of 40 is left
        self.assertEqual(
            (second.care_voucher_amount, second.care_copay_amount), (5.0, 65.0)
        )
        third = self.done_order()
        self.assertEqual(
            (third.care_voucher_amount, third.care_copay_amount), (0.0, 70.0)
        )
        self.assertEqual(sorted(self.redeemed().mapped("amount")), [-35.0, -5.0])
        self.assertEqual(self.balance(self.entitlement), 60.0)
        self.assertEqual(self.redeemed().mapped("provider_id"), self.good)

    def test_balance_limits_without_a_cap(self):
        self.programme.write({"monthly_cap": 0, "covered_share": 100})
        self.assertEqual(self.done_order().care_voucher_amount, 70.0)
        # 30 left of 100: the rest is co-payment, never a negative balance
        order = self.done_order()
        self.assertEqual(
            (order.care_voucher_amount, order.care_copay_amount), (30.0, 40.0)
        )
        self.assertEqual(self.balance(self.entitlement), 0.0)

    def test_evidence_gates_the_voucher(self):
        self.entitlement.action_end("test")
        order = self.done_order()
        self.assertEqual(order.care_voucher_state, "none")
        self.env["ir.attachment"].search(
            [("res_model", "=", "fsm.order"), ("res_id", "=", order.id)]
        ).unlink()  # the photo was removed
        # the bureau approves again, for the month: finance redeems the service
        entitlement = self.entitle()
        self.programme._issue_month(self.this_month)
        order.with_user(self.finance).action_care_voucher_redeem()
        self.assertEqual(order.care_voucher_state, "waiting_evidence")
        self.assertFalse(
            self.env["care.voucher.line"].search(
                [("order_id", "=", order.id), ("kind", "=", "redeem")]
            )
        )
        self.env["ir.attachment"].create(
            {
                "name": "p.png",
                "datas": PNG,
                "res_model": "fsm.order",
                "res_id": order.id,
            }
        )
        order.with_user(self.finance).action_care_voucher_redeem()
        self.assertEqual(order.care_voucher_state, "redeemed")
        self.assertEqual(order.care_voucher_entitlement_id, entitlement)
        self.assertEqual(order.care_voucher_amount, 35.0)

    def test_dispute_and_cancel_reverse(self):
        order = self.done_order()
        with self.assertRaisesRegex(UserError, "Only finance"):
            order.with_user(self.agent).action_care_voucher_dispute()
        order.with_user(self.finance).action_care_voucher_dispute()
        self.assertEqual(order.care_voucher_state, "reversed")
        self.assertEqual(self.balance(self.entitlement), 100.0)
        [reversal] = self.env["care.voucher.line"].search(
            [("order_id", "=", order.id), ("kind", "=", "reverse")]
        )
        self.assertEqual(reversal.amount, 35.0)
        self.assertEqual(reversal.reversed_line_id.kind, "redeem")
        # disputing again gives nothing back twice
        order.with_user(self.finance).action_care_voucher_dispute()
        self.assertEqual(self.balance(self.entitlement), 100.0)
        # cancelling a redeemed order reverses it too
        other = self.done_order()
        self.assertEqual(self.balance(self.entitlement), 65.0)
        other.action_cancel()
        self.assertEqual(other.care_voucher_state, "reversed")
        self.assertEqual(self.balance(self.entitlement), 100.0)

    def test_rejected_proof_of_visit_gives_the_voucher_back(self):
        """Checked in without a position: an exception, paid as usual while it
        waits for review; rejected, the voucher is given back and the order
        is never redeemed again."""
        order = self.done_order()
        self.assertEqual(order.care_evv_state, "exception")
        self.assertEqual(order.care_voucher_state, "redeemed")
        self.assertEqual(self.balance(self.entitlement), 65.0)
        order.with_user(self.agent).action_care_evv_reject("服务人员不在现场")
        self.assertEqual(order.care_evv_state, "rejected")
        self.assertEqual(order.care_voucher_state, "reversed")
        self.assertEqual(self.balance(self.entitlement), 100.0)
        # finance's redeem button does not pay it again
        order.with_user(self.finance).action_care_voucher_redeem()
        self.assertEqual(self.balance(self.entitlement), 100.0)
        # an accepted exception stays paid
        other = self.done_order()
        other.with_user(self.agent).action_care_evv_accept("高层信号漂移")
        self.assertEqual(other.care_voucher_state, "redeemed")
        self.assertEqual(self.balance(self.entitlement), 65.0)

    def test_rejected_before_completion_is_not_redeemed(self):
        t0 = fields.Datetime.now().replace(microsecond=0)
        order = self.make_order(request_early=t0, request_late=t0 + timedelta(hours=3))
        order.action_care_dispatch(self.good.id)
        order.action_care_checkin()
        order.with_user(self.agent).action_care_evv_reject("虚假签到")
        order.action_care_checkout()
        self.env["ir.attachment"].create(
            {
                "name": "p.png",
                "datas": PNG,
                "res_model": "fsm.order",
                "res_id": order.id,
            }
        )
        order.action_complete()
        self.assertEqual(order.care_voucher_state, "waiting_evidence")
        self.assertEqual(self.balance(self.entitlement), 100.0)
        self.assertIn("rejected", order.message_ids[:1].body)

    def test_closed_month_pays_no_voucher(self):
        self.programme._close_month(self.this_month)
        order = self.done_order()
        self.assertEqual(order.care_voucher_state, "none")
        self.assertEqual(order.care_copay_amount, 70.0)
        self.assertIn(
            "closed",
            order.message_ids[:3].mapped("body")[0]
            + "".join(order.message_ids.mapped("body")),
        )

    def test_elder_form_shows_the_burn_down(self):
        self.done_order()
        self.make_order().action_care_dispatch(self.good.id)
        entitlement = self.elder.with_user(self.agent).care_voucher_entitlement_ids
        self.assertEqual(
            (
                entitlement.month_issued,
                entitlement.month_redeemed,
                entitlement.month_booked,
                entitlement.balance,
            ),
            (100.0, 35.0, 35.0, 65.0),
        )
