from markupsafe import Markup

from odoo import _, fields, models
from odoo.exceptions import UserError

SETTLEMENT_STATES = [
    ("draft", "To verify"),
    ("verified", "Verified"),
    ("claimed", "Claimed"),
    ("settled", "Settled"),
    ("deducted", "Deducted"),
]


class FsmOrderSettlement(models.Model):
    """Settlement of a redeemed service: verified by finance, claimed from
    the funding body, settled with the provider (or deducted)."""

    _inherit = "fsm.order"

    care_settlement_state = fields.Selection(
        SETTLEMENT_STATES, "Settlement", readonly=True, copy=False, index=True
    )
    care_voucher_period = fields.Date("Voucher month", readonly=True, copy=False)
    care_claim_move_id = fields.Many2one(
        "account.move",
        "Bureau claim",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    care_bill_move_id = fields.Many2one(
        "account.move",
        "Provider bill",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    care_copay_cash = fields.Boolean(
        "Co-payment paid in cash",
        copy=False,
        help="The worker collected the elder's share: no invoice for it.",
    )
    care_copay_move_id = fields.Many2one(
        "account.move",
        "Co-payment invoice",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    care_copay_cash = fields.Boolean(
        "Co-payment paid in cash",
        copy=False,
        help="The worker collected the elder's share: no invoice for it.",
    )
    care_copay_move_id = fields.Many2one(
        "account.move",
        "Co-payment invoice",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )

    def _care_check_finance(self):
        if not self.env.user.has_group("elder_crm.group_care_finance"):
            raise UserError(_("Only finance settles vouchers."))

    def action_care_settlement_verify(self):
        """Finance checks the redeemed services against the evidence rules:
        complete ones are verified, the others deducted (voucher given back)."""
        self._care_check_finance()
        orders = self.sudo().filtered(lambda o: o.care_settlement_state == "draft")
        deducted = orders.filtered(lambda o: o._care_missing_evidence())
        for order in deducted:
            order.message_post(
                body=Markup("<p>%s</p>")
                % _(
                    "Deducted from the settlement: %s missing.",
                    _(", ").join(order._care_missing_evidence()),
                ),
                message_type="notification",
            )
        deducted._care_voucher_reverse(_("Deducted: evidence missing"))
        deducted.write({"care_settlement_state": "deducted"})
        (orders - deducted).write({"care_settlement_state": "verified"})
        return {"verified": (orders - deducted).ids, "deducted": deducted.ids}
