from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import VoucherCase


@tagged("post_install", "-at_install")
class TestCopayInvoices(VoucherCase):
    def test_copayments_invoiced_to_the_payer_not_cash(self):
        self.entitle()
        self.programme.write({"monthly_cap": 0})
        self.programme._issue_month(self.this_month)
        daughter = self.env["res.partner"].create({"name": "李娜（女儿）"})
        self.elder.care_copay_partner_id = daughter
        first = self.done_order()  # 35 by voucher, 35 co-paid
        second = self.done_order()  # 35 and 35
        cash = self.done_order()  # 30 left on the voucher: 40 co-paid, in cash
        self.assertEqual(cash.care_copay_amount, 40.0)
        cash.with_user(self.finance).action_care_copay_paid_cash()
        wizard = (
            self.env["care.voucher.settle"]
            .with_user(self.finance)
            .create({"period": self.this_month, "kind": "copay"})
        )
        action = wizard.action_create()
        moves = self.env["account.move"].browse(action["domain"][0][2])
        mine = moves.filtered(lambda m: m.partner_id == daughter)
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine.move_type, "out_invoice")
        self.assertEqual(mine.invoice_line_ids.care_order_id, first | second)
        self.assertAlmostEqual(mine.amount_total, 70.0)
        self.assertEqual((first | second).care_copay_move_id, mine)
        self.assertFalse(cash.care_copay_move_id)
        # invoiced once
        again = (
            self.env["care.voucher.settle"]
            .with_user(self.finance)
            .create({"period": self.this_month, "kind": "copay"})
        )
        with self.assertRaisesRegex(UserError, "Nothing to invoice"):
            again.action_create()
        self.assertEqual(len((first | second).care_copay_move_id), 1)
        # an invoiced share is not turned into cash afterwards
        with self.assertRaisesRegex(UserError, "already invoiced"):
            first.with_user(self.finance).action_care_copay_paid_cash()
        self.assertFalse(first.care_copay_cash)
