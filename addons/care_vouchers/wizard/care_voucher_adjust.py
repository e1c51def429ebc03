from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..models.care_voucher_entitlement import check_finance
from ..models.care_voucher_programme import month_start


class CareVoucherAdjust(models.TransientModel):
    """Finance corrects a balance with an adjusting ledger line and a reason
    (a missed month, a bureau's correction): never by editing lines."""

    _name = "care.voucher.adjust"
    _description = "Voucher Balance Adjustment"

    entitlement_id = fields.Many2one("care.voucher.entitlement", required=True)
    currency_id = fields.Many2one(related="entitlement_id.currency_id")
    amount = fields.Monetary(
        required=True, help="Positive adds to the balance, negative takes from it."
    )
    reason = fields.Char(required=True)

    @api.constrains("amount")
    def _check_amount(self):
        for wizard in self:
            if not wizard.amount:
                raise ValidationError(self.env._("An adjustment is not zero."))

    def action_post(self):
        self.ensure_one()
        check_finance(self.env, self.env._("Only finance adjusts voucher balances."))
        self.entitlement_id.check_access("write")  # its company too
        entitlement = self.entitlement_id.sudo()
        if entitlement.state == "applied":
            raise UserError(
                self.env._("An application has no balance to adjust: approve it first.")
            )
        entitlement._lock()
        balance = entitlement._balances()[entitlement.id]
        if balance + self.amount < 0:
            raise ValidationError(
                self.env._(
                    "Taking %(amount)s would leave %(elder)s's balance negative "
                    "(%(balance)s).",
                    amount=-self.amount,
                    elder=entitlement.elder_id.name,
                    balance=balance,
                )
            )
        self.env["care.voucher.line"]._post(
            entitlement,
            "adjust",
            self.amount,
            month_start(fields.Date.context_today(self)),
            name=self.reason,
        )
        return {"type": "ir.actions.act_window_close"}
