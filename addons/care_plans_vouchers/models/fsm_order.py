from markupsafe import Markup

from odoo import models


class FsmOrder(models.Model):
    _inherit = "fsm.order"

    def _care_voucher_redeem(self):
        """The plan's quota pays first: an order it includes uses no voucher
        and leaves nothing to co-pay. Beyond the quota, an order a voucher
        covers goes on to the voucher and the co-payment as before; one no
        voucher covers is billed on the contract at the plan's price, so it
        is not co-paid as well."""
        self.env["care.plan.usage"].sudo()._care_consume(self)
        included = self.filtered(
            lambda o: (
                o.care_plan_usage_id.kind == "included"
                and o.care_voucher_state in ("none", "booked", "waiting_evidence")
            )
        )
        for order in included:
            order.sudo().write(
                {
                    "care_voucher_state": "none",
                    "care_voucher_entitlement_id": False,
                    "care_copay_amount": 0.0,
                }
            )
            order._message_log(
                body=Markup("<p>%s</p>")
                % self.env._("Included in the plan: no voucher, nothing to co-pay.")
            )
        result = super(FsmOrder, self - included)._care_voucher_redeem()
        on_contract = (self - included).filtered(
            lambda o: (
                o.care_plan_usage_id.billed_by == "contract" and o.care_copay_amount
            )
        )
        if on_contract:
            on_contract.sudo().write({"care_copay_amount": 0.0})
        return result

    def _care_voucher_book(self):
        # an order the plan already paid books no voucher
        return super(
            FsmOrder,
            self.filtered(lambda o: o.care_plan_usage_id.kind != "included"),
        )._care_voucher_book()

    def _care_plan_billed_by(self):
        """Beyond the quota: the voucher and the co-payment when a voucher
        covers the service, the contract otherwise."""
        self.ensure_one()
        if self.care_voucher_entitlement_id:
            return "copay"
        return super()._care_plan_billed_by()

    def _care_plan_beyond_amount(self, plan_line):
        if self._care_plan_billed_by() == "copay":
            return 0.0  # the co-payment (after the voucher) bills it
        return super()._care_plan_beyond_amount(plan_line)
