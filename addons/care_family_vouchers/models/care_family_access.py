from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from odoo.addons.care_vouchers.models.care_voucher_programme import month_start


class CareFamilyAccess(models.Model):
    _inherit = "care.family.access"

    # ------------------------------------------------------------------
    # The elder's co-payment invoices
    # ------------------------------------------------------------------
    @api.model
    def _care_copay_moves(self, elders):
        """The posted co-payment invoices of ``elders`` (as the system): the
        invoices the vouchers' settlement made for their services, newest
        first. Nothing else of the accounting is reachable from the portal."""
        if not elders:
            return self.env["account.move"].sudo()
        groups = (
            self.env["fsm.order"]
            .sudo()
            ._read_group(
                [
                    ("care_elder_id", "in", elders.ids),
                    ("care_copay_move_id", "!=", False),
                ],
                ["care_copay_move_id"],
            )
        )
        moves = self.env["account.move"].sudo().browse([move.id for (move,) in groups])
        return moves.filtered(
            lambda move: move.move_type == "out_invoice" and move.state == "posted"
        ).sorted(lambda move: (move.invoice_date or fields.Date.today(), move.id))[::-1]

    def _care_money_lines(self):
        return self.filtered(
            lambda line: line.active and line.perm_money and line.consent
        )

    def _care_rotate_copay_tokens(self, elders):
        """New access tokens for the co-payment invoices of ``elders``: a
        member whose money permission was just revoked cannot open a link
        to them any more (the portal gives fresh links to those allowed)."""
        moves = self._care_copay_moves(elders)
        if moves:
            moves.write({"access_token": False})

    def write(self, vals):
        watched = {"perm_money", "active", "consent", "contact_id"} & set(vals)
        before = {}
        if watched:
            before = {line.id: line.elder_id for line in self._care_money_lines()}
        result = super().write(vals)
        if before:
            granted = {line.id: line.elder_id for line in self._care_money_lines()}
            lost = self.env["care.elder"].browse()
            for line_id, elder in before.items():
                if granted.get(line_id) != elder:
                    lost |= elder
            self._care_rotate_copay_tokens(lost)
        return result

    def unlink(self):
        elders = self._care_money_lines().elder_id
        result = super().unlink()
        self._care_rotate_copay_tokens(elders)
        return result

    # ------------------------------------------------------------------
    # Demo data
    # ------------------------------------------------------------------
    @api.model
    def _care_demo_copay_invoice(self, elder_id):
        """Demo: invoice the elder's co-payments of completed services not
        invoiced yet (as the settlement does each month) and post it unpaid,
        for the family's payment with the demo provider."""
        elder = self.env["care.elder"].sudo().browse(elder_id).exists()
        if not elder:
            return
        cancelled = self.env.ref("fieldservice.fsm_stage_cancelled")
        orders = (
            self.env["fsm.order"]
            .sudo()
            .search(
                [
                    ("care_elder_id", "=", elder.id),
                    ("stage_id.is_closed", "=", True),
                    ("stage_id", "!=", cancelled.id),
                    ("care_copay_amount", ">", 0),
                    ("care_copay_cash", "=", False),
                    ("care_copay_move_id", "=", False),
                ],
                order="date_end, id",
            )
        )
        if not orders:
            return
        company = orders[0].company_id
        orders = orders.filtered(lambda order: order.company_id == company)
        period = month_start(orders[0].date_end or fields.Date.today())
        wizard = (
            self.env["care.voucher.settle"]
            .sudo()
            .with_company(company)
            .create({"period": period, "kind": "copay"})
        )
        move = wizard._invoice(
            "out_invoice",
            elder.care_copay_partner_id or elder.partner_id,
            self.env._(
                "Services of %(elder)s, %(month)s",
                elder=elder.name,
                month=period.strftime("%Y-%m"),
            ),
            orders,
            {order.id: order.care_copay_amount for order in orders},
            invoice_date_due=period + relativedelta(months=2),
        )
        orders.write({"care_copay_move_id": move.id})
        move.action_post()


class CareElderContact(models.Model):
    _inherit = "care.elder.contact"

    def unlink(self):
        """Deleting a family contact deletes its access lines in the database
        (cascade), without their unlink: the co-payment links they could open
        are renewed here as when the line is revoked."""
        Access = self.env["care.family.access"].sudo().with_context(active_test=False)
        lines = Access.search([("contact_id", "in", self.ids)])
        elders = lines._care_money_lines().elder_id
        result = super().unlink()
        Access._care_rotate_copay_tokens(elders)
        return result
