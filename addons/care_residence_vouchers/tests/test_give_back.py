"""A fee invoice cancelled or credited in full gives the programmes' shares
back to the elder's balances, once. January (see test_shares): the subsidy
pays 1500 (its whole balance), the insurance 2000 (its cap; 1000 left)."""

from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError

from .test_shares import SharesCase

D = date


class TestGiveBack(SharesCase):
    def setUp(self):
        super().setUp()
        self.fee = self.invoice(D(2026, 1, 1))
        self.payer_move = self.fee.move_id
        self.assertEqual(self.now(), (0, 1000))

    def now(self):
        """The balances today (a give-back is posted today)."""
        balances = (self.e_subsidy | self.e_ltc)._balances(self.today)
        return balances[self.e_subsidy.id], balances[self.e_ltc.id]

    def ledger(self, kind):
        return self.env["care.voucher.line"].search(
            [("elder_id", "=", self.mother.id), ("kind", "=", kind)]
        )

    def credit(self, move, user=None):
        wizard = (
            self.env["account.move.reversal"]
            .with_user(user or self.finance)
            .with_context(active_model="account.move", active_ids=move.ids)
            .create(
                {
                    "move_ids": [Command.set(move.ids)],
                    "journal_id": move.journal_id.id,
                    "reason": "测试冲销",
                }
            )
        )
        action = wizard.refund_moves()
        refund = self.env["account.move"].browse(action["res_id"])
        refund.with_user(user or self.finance).action_post()
        return refund

    def test_cancel_gives_the_shares_back_once(self):
        self.payer_move.with_user(self.finance).button_cancel()
        self.assertEqual(self.payer_move.state, "cancel")
        self.assertEqual(self.now(), (1500, 3000))
        reversals = self.ledger("reverse")
        self.assertEqual(
            sorted(reversals.mapped("amount")),
            [1500, 2000],
        )
        self.assertEqual(reversals.reversed_line_id, self.ledger("redeem"))
        # the programmes' share invoices are cancelled too
        self.assertEqual(set(self.fee.share_move_ids.mapped("state")), {"cancel"})
        # replays: cancelling again is refused, the give-back finds nothing
        with self.refused(UserError, "draft"):
            self.payer_move.with_user(self.finance).button_cancel()
        self.payer_move._care_residence_give_back()
        self.assertEqual(len(self.ledger("reverse")), 2)
        self.assertEqual(self.now(), (1500, 3000))
        # posting it again would bill the payer less than the shares now
        # back on the balances: refused
        with self.refused(UserError, "cannot be posted again"):
            self.payer_move.with_user(self.finance).button_draft()
        self.assertEqual(self.payer_move.state, "cancel")

    def test_full_credit_note_gives_the_shares_back_once(self):
        refund = self.credit(self.payer_move)
        self.assertEqual(refund.amount_total, self.payer_move.amount_total)
        self.assertEqual(self.now(), (1500, 3000))
        self.assertEqual(len(self.ledger("reverse")), 2)
        # a second credit note: nothing more given back
        self.credit(self.payer_move)
        self.assertEqual(len(self.ledger("reverse")), 2)
        self.assertEqual(self.now(), (1500, 3000))

    def test_partial_credit_note_keeps_the_shares(self):
        refund = (
            self.env["account.move"]
            .with_user(self.finance)
            .create(
                {
                    "move_type": "out_refund",
                    "partner_id": self.daughter.id,
                    "reversed_entry_id": self.payer_move.id,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "测试折让", "quantity": 1, "price_unit": 100}
                        )
                    ],
                }
            )
        )
        refund.action_post()
        self.assertEqual(self.now(), (0, 1000))
        self.assertFalse(self.ledger("reverse"))

    def test_other_invoices_untouched(self):
        """Cancelling a share invoice or the deposit gives nothing back."""
        self.fee.share_move_ids[:1].with_user(self.finance).button_cancel()
        self.stay.deposit_move_id.with_user(self.finance).button_cancel()
        self.assertEqual(self.now(), (0, 1000))
        self.assertFalse(self.ledger("reverse"))

    def test_wrong_role_cannot_cancel(self):
        for user in (self.reception, self.dispatcher):
            with self.refused(AccessError, "."):
                self.payer_move.with_user(user).button_cancel()
        self.env.invalidate_all()
        self.assertEqual(self.payer_move.state, "posted")
        self.assertEqual(self.now(), (0, 1000))
        self.assertFalse(self.ledger("reverse"))
