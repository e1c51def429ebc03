from odoo import models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    def _care_residence_fees(self):
        """The residence fees whose payer's invoice these moves are."""
        return (
            self.env["care.residence.fee"].sudo().search([("move_id", "in", self.ids)])
        )

    def _care_residence_redemptions(self, fees):
        """{fee: its redemptions, its reversals} (the stay's month)."""
        Line = self.env["care.voucher.line"].sudo()
        result = {}
        for fee in fees:
            redeemed = Line.search(
                [
                    ("residence_stay_id", "=", fee.stay_id.id),
                    ("kind", "=", "redeem"),
                    ("period", "=", fee.month),
                ]
            )
            reversals = Line.search([("reversed_line_id", "in", redeemed.ids)])
            result[fee] = (redeemed, reversals)
        return result

    def _care_residence_give_back(self):
        """A fee invoice cancelled or credited in full: the programmes'
        shares of that month go back to the elder's balances, once (a replay
        finds them reversed; the ledger's UNIQUE reversal is the last word),
        and the programmes' share invoices not paid yet are cancelled. The
        caller passed the move's own access rights (it cancelled or posted
        it); the ledger is written by its posting code as superuser."""
        fees = self._care_residence_fees()
        for fee, (redeemed, reversals) in self._care_residence_redemptions(
            fees
        ).items():
            todo = redeemed - reversals.reversed_line_id
            if todo:
                todo._reverse(
                    self.env._(
                        "Fee invoice %(invoice)s of %(stay)s cancelled or credited: "
                        "the share of %(month)s is given back.",
                        invoice=fee.move_id.name,
                        stay=fee.stay_id.name,
                        month=fee.month.strftime("%Y-%m"),
                    )
                )
            shares = fee.share_move_ids.sudo().filtered(
                lambda move: (
                    move.state == "draft"
                    or (move.state == "posted" and move.payment_state == "not_paid")
                )
            )
            if shares:
                shares.button_cancel()

    def _care_fully_credited(self):
        self.ensure_one()
        refunds = self.search(
            [
                ("reversed_entry_id", "=", self.id),
                ("move_type", "=", "out_refund"),
                ("state", "=", "posted"),
            ]
        )
        return (
            self.currency_id.compare_amounts(
                sum(refunds.mapped("amount_total")), self.amount_total
            )
            >= 0
        )

    def button_cancel(self):
        result = super().button_cancel()
        self.filtered(lambda move: move.state == "cancel")._care_residence_give_back()
        return result

    def button_draft(self):
        cancelled = self.filtered(lambda move: move.state == "cancel")
        fees = cancelled._care_residence_fees()
        for fee, (_redeemed, reversals) in self._care_residence_redemptions(
            fees
        ).items():
            if reversals:
                raise UserError(
                    self.env._(
                        "The programmes' share of %(invoice)s went back to the "
                        "voucher balance when it was cancelled: it cannot be "
                        "posted again; invoice the month anew.",
                        invoice=fee.move_id.name,
                    )
                )
        return super().button_draft()

    def _post(self, soft=True):
        posted = super()._post(soft)
        credited = posted.filtered(
            lambda move: move.move_type == "out_refund"
        ).reversed_entry_id
        if credited and credited._care_residence_fees():
            credited.sudo().filtered(
                lambda move: move._care_fully_credited()
            )._care_residence_give_back()
        return posted
