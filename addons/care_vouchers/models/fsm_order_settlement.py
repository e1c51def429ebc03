from markupsafe import Markup

from odoo import fields, models

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
        readonly=True,
        copy=False,
        help="The worker collected the elder's share: no invoice for it "
        "(confirmed by finance).",
    )
    care_copay_move_id = fields.Many2one(
        "account.move",
        "Co-payment invoice",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )

    def action_care_settlement_verify(self):
        """Finance checks the redeemed services against the evidence rules:
        complete ones are verified, the others deducted (voucher given back)."""
        self._care_check_finance()
        orders = self.sudo().filtered(lambda o: o.care_settlement_state == "draft")
        deducted = orders.filtered(lambda o: o._care_missing_evidence())
        for order in deducted:
            order._message_log(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Deducted from the settlement: %s missing.",
                    ", ".join(order._care_missing_evidence()),
                ),
            )
        deducted._care_voucher_reverse(self.env._("Deducted: evidence missing"))
        deducted.write({"care_settlement_state": "deducted"})
        (orders - deducted).write({"care_settlement_state": "verified"})
        return {"verified": (orders - deducted).ids, "deducted": deducted.ids}

    def _care_ledger_paid(self):
        """{order id: (programme, amount)}: what the ledger paid by voucher
        for each order, its redemptions less their reversals on entitlements
        (not the order's fields). Claims, bills and their sheets use it."""
        if not self:
            return {}
        groups = (
            self.env["care.voucher.line"]
            .sudo()
            ._read_group(
                [
                    ("order_id", "in", self.ids),
                    ("entitlement_id", "!=", False),
                    ("kind", "in", ("redeem", "reverse")),
                ],
                ["order_id", "programme_id"],
                ["amount:sum"],
            )
        )
        totals, leads = {}, {}
        for order, programme, total in groups:
            totals[order.id] = totals.get(order.id, 0.0) - total
            # one programme pays an order; should two, the larger share leads
            if order.id not in leads or -total > leads[order.id][1]:
                leads[order.id] = (programme, -total)
        return {
            order_id: (leads[order_id][0], amount)
            for order_id, amount in totals.items()
        }
