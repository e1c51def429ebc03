from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.care_voucher_entitlement import check_finance
from ..models.care_voucher_programme import month_start


class CareVoucherSettle(models.TransientModel):
    """A month's redeemed services: claimed from the funding bodies as
    customer invoices, then settled with the providers as vendor bills."""

    _name = "care.voucher.settle"
    _description = "Voucher Settlement"

    period = fields.Date(
        "Month",
        required=True,
        default=lambda self: (
            month_start(fields.Date.context_today(self)) - relativedelta(months=1)
        ),
    )
    kind = fields.Selection(
        [
            ("claim", "Claims to the funding bodies"),
            ("bill", "Provider bills"),
            ("copay", "Co-payment invoices"),
        ],
        required=True,
        default="claim",
    )
    programme_ids = fields.Many2many(
        "care.voucher.programme",
        string="Programmes",
        help="Empty: every programme.",
    )
    by_street = fields.Boolean(
        "One claim per street office", help="When the bureau settles per street (街道)."
    )
    verify_first = fields.Boolean(
        "Verify the month's services first",
        default=True,
        help="Services with their evidence are verified, the others deducted.",
    )

    @api.onchange("period")
    def _onchange_period(self):
        if self.period:
            self.period = month_start(self.period)

    def _orders(self):
        self.ensure_one()
        domain = [
            ("care_voucher_state", "=", "redeemed"),
            ("care_voucher_period", "=", month_start(self.period)),
            ("company_id", "=", self.env.company.id),
        ]
        if self.programme_ids:
            domain.append(
                (
                    "care_voucher_entitlement_id.programme_id",
                    "in",
                    self.programme_ids.ids,
                )
            )
        return self.env["fsm.order"].sudo().search(domain, order="date_end, id")

    def action_create(self):
        self.ensure_one()
        self.env["fsm.order"]._care_check_finance()
        moves = self._settle()
        if not moves:
            raise UserError(
                self.env._(
                    "Nothing to claim for %(month)s: no verified service paid by "
                    "voucher is waiting.",
                    month=self.period.strftime("%Y-%m"),
                )
                if self.kind == "claim"
                else self.env._(
                    "Nothing to settle for %(month)s: no claimed service is waiting "
                    "for its provider's bill.",
                    month=self.period.strftime("%Y-%m"),
                )
                if self.kind == "bill"
                else self.env._(
                    "Nothing to invoice for %(month)s: no co-payment is waiting "
                    "(cash payments are not invoiced).",
                    month=self.period.strftime("%Y-%m"),
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": {
                "claim": self.env._("Voucher claims"),
                "bill": self.env._("Provider bills"),
                "copay": self.env._("Co-payment invoices"),
            }[self.kind],
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", moves.ids)],
        }

    @api.model
    def settle_month(self, period, kind, programme_ids=None):
        """Claim (``claim``) or bill (``bill``) the month of ``period``.

        Callable over XML-RPC by finance; returns the ids of the invoices or
        bills created (none when the month is already done: a replay posts
        nothing twice)."""
        self.env["fsm.order"]._care_check_finance()
        if kind not in ("claim", "bill", "copay"):
            raise UserError(self.env._("Say what to settle: claim, bill or copay."))
        wizard = self.create(
            {
                "period": month_start(period),
                "kind": kind,
                "programme_ids": [(6, 0, programme_ids or [])],
            }
        )
        return wizard._settle().ids

    def _settle(self):
        self.ensure_one()
        self.env["fsm.order"]._care_check_finance()
        if self.kind == "copay":
            return self._create_copay_invoices()
        orders = self._orders()
        if self.verify_first:
            orders.filtered(
                lambda o: o.care_settlement_state == "draft"
            ).action_care_settlement_verify()
        if self.kind == "claim":
            moves = self._create_claims(
                orders.filtered(lambda o: o.care_settlement_state == "verified")
            )
        else:
            moves = self._create_bills(
                orders.filtered(lambda o: o.care_settlement_state == "claimed")
            )
        return moves

    MEASURES = (
        "issued",
        "redeemed",
        "expired",
        "reversed",
        "adjusted",
        "outstanding",
        "copay",
        "deducted",
    )

    def _statement(self):
        """Per programme: the month's figures by community and in total."""
        self.ensure_one()
        domain = [
            ("period", "=", month_start(self.period)),
            ("programme_id", "!=", False),
            ("company_id", "=", self.env.company.id),
        ]
        if self.programme_ids:
            domain.append(("programme_id", "in", self.programme_ids.ids))
        groups = self.env["care.voucher.report"]._read_group(
            domain,
            ["programme_id", "community_id"],
            [f"{name}:sum" for name in self.MEASURES],
        )
        programmes = {}
        for programme, community, *values in groups:
            entry = programmes.setdefault(
                programme,
                {
                    "name": programme.name,
                    "funding": programme.funding_partner_id.name,
                    "rows": [],
                    "total": dict.fromkeys(self.MEASURES, 0.0),
                },
            )
            row = dict(zip(self.MEASURES, values, strict=True))
            row["community"] = community.name or self.env._("No community")
            entry["rows"].append(row)
            for name in self.MEASURES:
                entry["total"][name] += row[name]
        return [
            programmes[p] for p in sorted(programmes, key=lambda p: (p.sequence, p.id))
        ]

    def action_print_statement(self):
        self.ensure_one()
        check_finance(self.env, self.env._("Only finance prints the statement."))
        return self.env.ref(
            "care_vouchers.action_report_voucher_statement"
        ).report_action(self)

    def _line(self, order, account, amount):
        hours = (
            (order.care_checkout_at - order.care_checkin_at).total_seconds() / 3600
            if order.care_checkin_at and order.care_checkout_at
            else 0.0
        )
        day = fields.Date.context_today(self, order.date_end) if order.date_end else ""
        return {
            "name": " · ".join(
                str(part)
                for part in (
                    order.name,
                    order.care_elder_id.name,
                    order.care_category_id.name,
                    day,
                    self.env._("%s h", round(hours, 2)),
                )
                if part
            ),
            "quantity": 1,
            "price_unit": amount,
            "account_id": account.id,
            "tax_ids": [(6, 0, [])],
            "care_order_id": order.id,
        }

    def _invoice(self, move_type, partner, ref, orders, amounts, **extra):
        """A customer invoice or vendor bill to ``partner`` with one line per
        order, at ``amounts[order.id]``, dated the month's last day."""
        journal, account = self.env.company._care_voucher_journal(
            "sale" if move_type == "out_invoice" else "purchase"
        )
        return (
            self.env["account.move"]
            .sudo()
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "journal_id": journal.id,
                    "invoice_date": month_start(self.period)
                    + relativedelta(months=1, days=-1),
                    "ref": ref,
                    "invoice_line_ids": [
                        (0, 0, self._line(order, account, amounts[order.id]))
                        for order in orders
                    ],
                    **extra,
                }
            )
        )

    def _paid_orders(self, orders):
        """``orders`` the ledger paid something for, and {order id: amount}."""
        paid = orders._care_ledger_paid()
        orders = orders.filtered(lambda o: paid.get(o.id, (None, 0.0))[1] > 0)
        return orders, paid

    def _create_claims(self, orders):
        moves = self.env["account.move"]
        month = self.period.strftime("%Y-%m")
        # the amounts and the programme that pays come from the ledger
        orders, paid = self._paid_orders(orders)
        amounts = {order_id: amount for order_id, (_p, amount) in paid.items()}
        for (programme, street), group in orders.grouped(
            lambda o: (
                paid[o.id][0],
                o.care_elder_id.street_office_id if self.by_street else False,
            )
        ).items():
            ref = " ".join(
                part
                for part in (
                    programme.code or programme.name,
                    month,
                    street and street.name,
                )
                if part
            )
            move = self._invoice(
                "out_invoice",
                programme.funding_partner_id,
                ref,
                group,
                amounts,
            )
            self._attach_records(move, group, ref)
            group.write(
                {"care_settlement_state": "claimed", "care_claim_move_id": move.id}
            )
            moves |= move
        return moves

    def _create_bills(self, orders):
        moves = self.env["account.move"]
        orders, paid = self._paid_orders(orders)
        amounts = {order_id: amount for order_id, (_p, amount) in paid.items()}
        # a volunteer's visit has no provider: nobody to pay
        for provider, group in (
            orders.filtered("care_provider_id").grouped("care_provider_id").items()
        ):
            partner = provider.partner_id
            move = self._invoice(
                "in_invoice",
                partner,
                self.env._("Vouchers %s", self.period.strftime("%Y-%m")),
                group,
                amounts,
                invoice_payment_term_id=partner.property_supplier_payment_term_id.id,
            )
            group.write(
                {"care_settlement_state": "settled", "care_bill_move_id": move.id}
            )
            moves |= move
        return moves

    def _create_copay_invoices(self):
        """One invoice per elder (or their payer) for the month's shares of
        completed services not paid in cash."""
        start = month_start(self.period)
        end = start + relativedelta(months=1)
        cancelled = self.env.ref("fieldservice.fsm_stage_cancelled")
        orders = (
            self.env["fsm.order"]
            .sudo()
            .search(
                [
                    ("care_elder_id", "!=", False),
                    ("stage_id.is_closed", "=", True),
                    ("stage_id", "!=", cancelled.id),
                    ("date_end", ">=", fields.Datetime.to_datetime(start)),
                    ("date_end", "<", fields.Datetime.to_datetime(end)),
                    ("care_copay_amount", ">", 0),
                    ("care_copay_cash", "=", False),
                    ("care_copay_move_id", "=", False),
                    ("company_id", "=", self.env.company.id),
                ],
                order="date_end, id",
            )
        )
        moves = self.env["account.move"]
        for elder, group in orders.grouped("care_elder_id").items():
            move = self._invoice(
                "out_invoice",
                elder.care_copay_partner_id or elder.partner_id,
                self.env._(
                    "Services of %(elder)s, %(month)s",
                    elder=elder.name,
                    month=self.period.strftime("%Y-%m"),
                ),
                group,
                {order.id: order.care_copay_amount for order in group},
            )
            group.write({"care_copay_move_id": move.id})
            moves |= move
        return moves

    def _attach_records(self, move, orders, ref):
        export = (
            self.env["care.service.export"]
            .sudo()
            .create({"date_from": self.period, "date_to": self.period})
        )
        header, rows = export.with_context(care_mask_id_numbers=True)._rows_for(
            orders.sudo()
        )
        self.env["ir.attachment"].sudo().create(
            {
                "name": self.env._("Service records %s.xlsx", ref),
                "res_model": "account.move",
                "res_id": move.id,
                "raw": export._xlsx(header, rows),
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
