from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, float_round

from .care_voucher_entitlement import check_finance
from .care_voucher_programme import month_start

VOUCHER_STATES = [
    ("none", "No voucher"),
    ("booked", "Booked"),
    ("waiting_evidence", "Waiting for evidence"),
    ("redeemed", "Redeemed"),
    ("reversed", "Reversed"),
]


# money and settlement fields of an order: written only by the code paths
# that own them (booking, redemption, reversal, settlement, finance's
# price change and cash confirmation), with sudo after their own checks
VOUCHER_ORDER_FIELDS = (
    "care_price",
    "care_voucher_entitlement_id",
    "care_voucher_state",
    "care_voucher_amount",
    "care_copay_amount",
    "care_card_amount",
    "care_card_discount",
    "care_settlement_state",
    "care_voucher_period",
    "care_claim_move_id",
    "care_bill_move_id",
    "care_copay_move_id",
    "care_copay_cash",
)


class FsmOrder(models.Model):
    _inherit = ["fsm.order", "care.guard.mixin"]
    _name = "fsm.order"

    care_price = fields.Monetary(
        "Price",
        compute="_compute_care_price",
        store=True,
        readonly=True,
        currency_field="care_currency_id",
        help="The provider's contract price for the service (the catalogue's "
        "when it has none), fixed when the order is dispatched; finance may "
        "change it, with a reason, before the voucher is redeemed.",
    )
    care_currency_id = fields.Many2one(related="company_id.currency_id")
    care_voucher_entitlement_id = fields.Many2one(
        "care.voucher.entitlement",
        "Voucher",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    care_voucher_state = fields.Selection(
        VOUCHER_STATES,
        "Voucher state",
        default="none",
        readonly=True,
        copy=False,
        index=True,
    )
    care_voucher_amount = fields.Monetary(
        "Paid by voucher", readonly=True, copy=False, currency_field="care_currency_id"
    )
    care_copay_amount = fields.Monetary(
        "Co-payment", readonly=True, copy=False, currency_field="care_currency_id"
    )
    care_voucher_warning = fields.Char(compute="_compute_care_voucher_warning")
    care_card_id = fields.Many2one(
        "care.voucher.card",
        "Service card",
        index="btree_not_null",
        domain="[('elder_id', '=', care_elder_id), ('state', '=', 'active')]",
        help="A prepaid service card of the elder paying their share.",
    )
    care_card_amount = fields.Monetary(
        "Paid by card", readonly=True, copy=False, currency_field="care_currency_id"
    )
    care_card_discount = fields.Monetary(
        "Card discount", readonly=True, copy=False, currency_field="care_currency_id"
    )

    @api.model
    def _care_guarded_fields(self):
        return super()._care_guarded_fields() | set(VOUCHER_ORDER_FIELDS)

    @api.constrains(
        "care_card_id", "care_elder_id", "scheduled_date_start", "request_early"
    )
    def _check_care_card(self):
        for order in self.filtered("care_card_id"):
            card = order.care_card_id.sudo()
            day = fields.Date.context_today(
                order, order.scheduled_date_start or order.request_early or None
            )
            if card.elder_id != order.care_elder_id:
                raise ValidationError(
                    self.env._(
                        "Card %(card)s belongs to %(holder)s, not to %(elder)s.",
                        card=card.name,
                        holder=card.elder_id.name or self.env._("nobody yet"),
                        elder=order.care_elder_id.name,
                    )
                )
            if not card._usable_on(day):
                raise ValidationError(
                    self.env._(
                        "Card %(card)s cannot pay on %(day)s: it is not active or "
                        "expired on %(expiry)s.",
                        card=card.name,
                        day=day,
                        expiry=card.date_expiry,
                    )
                )

    @api.depends("care_provider_id", "care_category_id")
    def _compute_care_price(self):
        for order in self:
            if order.care_provider_id and order.care_category_id:
                order.care_price = order.care_provider_id._price_for(
                    order.care_category_id
                )
            elif order.care_category_id:
                order.care_price = order.care_category_id.price
            else:
                order.care_price = 0.0

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        orders._care_voucher_book()
        return orders

    def _care_voucher_book(self):
        """Which entitlement will pay (none, or the first programme covering
        the service); only while the order is not settled on the ledger."""
        orders = self.filtered(lambda o: o.care_voucher_state in ("none", "booked"))
        found = orders._care_find_entitlements()
        none = self.env["care.voucher.entitlement"]

        def target(order):
            entitlement = found.get(order.id, none)
            return entitlement, "booked" if entitlement else "none"

        changed = orders.filtered(
            lambda o: (o.care_voucher_entitlement_id, o.care_voucher_state) != target(o)
        )
        for (entitlement, state), group in changed.grouped(target).items():
            group.sudo().write(
                {
                    "care_voucher_entitlement_id": entitlement.id,
                    "care_voucher_state": state,
                }
            )

    def _care_find_entitlements(self):
        """{order id: the active entitlement that pays for it}, in one search:
        the first programme (by sequence) covering the service on its day."""
        orders = self.filtered(lambda o: o.care_elder_id and o.care_category_id)
        if not orders:
            return {}
        candidates = (
            self.env["care.voucher.entitlement"]
            .sudo()
            .search(
                [
                    ("elder_id", "in", orders.care_elder_id.ids),
                    ("state", "=", "active"),
                    (
                        "programme_id.service_category_ids",
                        "in",
                        orders.care_category_id.ids,
                    ),
                ]
            )
            .sorted(lambda e: (e.programme_id.sequence, e.id))
        )
        by_elder = candidates.grouped("elder_id")
        found = {}
        for order in orders:
            day = fields.Date.context_today(
                order, order.scheduled_date_start or order.request_early or None
            )
            for entitlement in by_elder.get(order.care_elder_id, ()):
                if (
                    order.care_category_id
                    in entitlement.programme_id.service_category_ids
                    and entitlement.date_start <= day
                    and (not entitlement.date_end or entitlement.date_end >= day)
                ):
                    found[order.id] = entitlement
                    break
        return found

    @api.depends("care_voucher_entitlement_id", "care_price", "care_voucher_state")
    def _compute_care_voucher_warning(self):
        for order in self:
            entitlement = order.care_voucher_entitlement_id.sudo()
            entitlement.invalidate_recordset(["balance", "month_booked"])
            order.care_voucher_warning = False
            if order.care_voucher_state != "booked" or not entitlement:
                continue
            share = order.care_price * entitlement.programme_id.covered_share / 100.0
            others = entitlement.month_booked
            if order._origin and order._origin.care_voucher_state == "booked":
                others -= order._origin.care_price * (
                    entitlement.programme_id.covered_share / 100.0
                )
            left = entitlement.balance - others
            if share > left + 0.005:
                order.care_voucher_warning = self.env._(
                    "The voucher balance (%(balance)s, %(booked)s already booked) "
                    "does not cover this service's share (%(share)s): the elder "
                    "pays the difference.",
                    balance=round(entitlement.balance, 2),
                    booked=round(others, 2),
                    share=round(share, 2),
                )

    # ------------------------------------------------------------------
    # Redemption
    # ------------------------------------------------------------------
    def write(self, vals):
        if "care_card_id" in vals and not self.env.su:
            if self.filtered(
                lambda o: (
                    o.care_card_amount and o.care_card_id.id != vals["care_card_id"]
                )
            ):
                raise UserError(
                    self.env._(
                        "The card has already paid for this service: cancel the "
                        "service to give the card its money back first."
                    )
                )
        done = undone = self.browse()
        if vals.get("stage_id"):
            stage = self.env["fsm.stage"].browse(vals["stage_id"])
            cancelled = self.env.ref("fieldservice.fsm_stage_cancelled")
            if stage.is_closed and stage != cancelled:
                done = self.filtered(lambda o: not o.is_closed)
            else:
                undone = self.filtered(
                    lambda o: o.care_voucher_state == "redeemed" or o.care_card_amount
                )
        result = super().write(vals)
        # the caller could change the order (its rights were checked by the
        # write): the ledger follows, as the system
        if {"care_elder_id", "care_category_id", "scheduled_date_start"} & set(vals):
            self.sudo()._care_voucher_book()
        if done:
            done.sudo()._care_voucher_redeem()
            done.sudo()._care_card_redeem()
        if undone:
            reason = self.env._("Order cancelled or reopened")
            undone.sudo()._care_voucher_reverse(reason)
            undone.sudo()._care_card_reverse(reason)
        return result

    def _care_check_finance(self):
        check_finance(self.env, self.env._("Only finance settles vouchers."))
        self.check_access("read")

    def action_care_voucher_redeem(self):
        """Redeem the completed orders still waiting (evidence now complete).

        Callable over XML-RPC by finance; returns {order_id: amount paid by
        voucher}."""
        check_finance(
            self.env, self.env._("Only finance can redeem a voucher by hand.")
        )
        self.check_access("read")
        # "none": done before the entitlement was approved (retroactive approval)
        cancelled = self.env.ref("fieldservice.fsm_stage_cancelled")
        waiting = self.sudo().filtered(
            lambda o: (
                o.is_closed
                and o.stage_id != cancelled
                and o.care_voucher_state in ("none", "booked", "waiting_evidence")
            )
        )
        # finance settles vouchers without being a field-service user
        waiting._care_voucher_redeem()
        waiting._care_card_redeem()
        return {order.id: order.care_voucher_amount for order in self.sudo()}

    def action_care_voucher_dispute(self):
        """Finance disputes a redeemed service: the voucher is given back
        (refused once claimed from the funding body; a no-op when done)."""
        check_finance(
            self.env, self.env._("Only finance can dispute a redeemed service.")
        )
        self.check_access("read")
        self.sudo()._care_voucher_reverse(self.env._("Disputed"))
        self.sudo()._care_card_reverse(self.env._("Disputed"))
        return True

    def action_care_change_price(self, price, reason):
        """Finance changes the price of services not paid yet (the price is
        fixed at dispatch), with a reason; the old and new prices and who
        changed them go to the chatter. Callable over XML-RPC."""
        check_finance(self.env, self.env._("Only finance changes the price."))
        self.check_access("read")
        if not isinstance(price, int | float) or isinstance(price, bool) or price < 0:
            raise ValidationError(self.env._("A price is a number, 0 or more."))
        if not isinstance(reason, str) or not reason.strip():
            raise ValidationError(self.env._("Say why the price changes."))
        for order in self.sudo():
            if order.care_voucher_state not in ("none", "booked") or (
                order.care_card_amount or order.care_copay_move_id
            ):
                raise UserError(
                    self.env._(
                        "%s is already paid for: dispute the service before changing "
                        "its price.",
                        order.name,
                    )
                )
            old = order.care_price
            if not float_compare(
                old, price, precision_rounding=order.care_currency_id.rounding
            ):
                continue
            order.care_price = price
            order._message_log(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Price changed by %(user)s: %(old)s → %(new)s. Reason: %(reason)s",
                    user=self.env.user.name,
                    old=old,
                    new=price,
                    reason=reason.strip(),
                )
            )
        return True

    def action_care_copay_paid_cash(self, paid=True):
        """Finance confirms the elder's share was paid in cash to the worker
        (no invoice then), or not. Callable over XML-RPC."""
        check_finance(
            self.env, self.env._("Only finance confirms a co-payment in cash.")
        )
        self.check_access("read")
        paid = bool(paid)
        for order in self.sudo().filtered(lambda o: o.care_copay_cash != paid):
            if order.care_copay_move_id:
                raise UserError(
                    self.env._(
                        "The co-payment of %(order)s is already invoiced (%(move)s).",
                        order=order.name,
                        move=order.care_copay_move_id.display_name,
                    )
                )
            order.care_copay_cash = paid
            order._message_log(
                body=Markup("<p>%s</p>")
                % (
                    self.env._(
                        "Co-payment paid in cash, confirmed by %s.", self.env.user.name
                    )
                    if paid
                    else self.env._(
                        "Co-payment not paid in cash (to invoice), set by %s.",
                        self.env.user.name,
                    )
                )
            )
        return True

    def _care_voucher_redeem(self):
        Line = self.env["care.voucher.line"]
        waiting = self.filtered(lambda o: o.care_voucher_state == "waiting_evidence")
        if waiting:
            waiting.sudo().write({"care_voucher_state": "booked"})
        self._care_voucher_book()  # the entitlements of today
        for order in self:
            entitlement = order.care_voucher_entitlement_id.sudo()
            if not entitlement or order.care_voucher_state != "booked":
                if order.care_voucher_state == "none":
                    order.care_copay_amount = order.care_price
                continue
            hold = order._care_evv_hold()
            if hold:
                # public money does not pay a visit found not carried out
                order.care_voucher_state = "waiting_evidence"
                order._message_log(
                    body=Markup("<p>%s</p>")
                    % self.env._("Voucher not redeemed: %s.", hold),
                )
                continue
            missing = order._care_missing_evidence()
            if missing:
                order.care_voucher_state = "waiting_evidence"
                order._message_log(
                    body=Markup("<p>%s</p>")
                    % self.env._(
                        "Voucher not redeemed: %s missing.", ", ".join(missing)
                    ),
                )
                continue
            programme = entitlement.programme_id
            period = month_start(
                fields.Date.context_today(
                    order, order.date_end or fields.Datetime.now()
                )
            )
            if programme.closed_until and programme.closed_until >= period:
                order.write(
                    {
                        "care_voucher_state": "none",
                        "care_copay_amount": order.care_price,
                    }
                )
                order._message_log(
                    body=Markup("<p>%s</p>")
                    % self.env._(
                        "%(programme)s is closed for %(month)s: this service is not "
                        "paid by voucher.",
                        programme=programme.name,
                        month=period.strftime("%Y-%m"),
                    ),
                )
                continue
            entitlement._lock()
            covered = order._care_voucher_cover(entitlement, period)
            if covered > 0:
                Line._post(
                    entitlement,
                    "redeem",
                    -covered,
                    period,
                    order_id=order.id,
                    provider_id=order.care_provider_id.id,
                    name=order.name,
                )
            order.write(
                {
                    "care_voucher_state": "redeemed",
                    "care_voucher_amount": covered,
                    "care_copay_amount": order.care_price - covered,
                    "care_voucher_period": period,
                    "care_settlement_state": "draft" if covered > 0 else False,
                }
            )

    def _care_voucher_cover(self, entitlement, period):
        """min(balance, price × covered share, what the monthly cap leaves)."""
        self.ensure_one()
        programme = entitlement.programme_id
        self.env["care.voucher.line"].flush_model()
        self.env.cr.execute(
            """
            SELECT COALESCE(SUM(amount), 0),
                   COALESCE(SUM(amount) FILTER (WHERE period <= %(period)s), 0),
                   COALESCE(-SUM(amount) FILTER (WHERE period = %(period)s
                                                  AND kind IN ('redeem', 'reverse')), 0)
              FROM care_voucher_line
             WHERE entitlement_id = %(entitlement)s
            """,
            {"entitlement": entitlement.id, "period": period},
        )
        total, through_period, redeemed = self.env.cr.fetchone()
        available = min(total, through_period)
        share = self.care_price * programme.covered_share / 100.0
        candidates = [available, share]
        if programme.monthly_cap:
            candidates.append(programme.monthly_cap - redeemed)
        covered = float_round(
            max(min(candidates), 0.0), precision_rounding=self.care_currency_id.rounding
        )
        return covered

    def _care_redemptions(self, account_field):
        """The order's redeem lines on an entitlement or a card
        (``account_field``) not reversed yet."""
        self.ensure_one()
        Line = self.env["care.voucher.line"].sudo()
        lines = Line.search(
            [
                ("order_id", "=", self.id),
                ("kind", "=", "redeem"),
                (account_field, "!=", False),
            ]
        )
        return (
            lines
            - Line.search([("reversed_line_id", "in", lines.ids)]).reversed_line_id
        )

    def _care_evv_reviewed(self):
        """A rejected proof of visit gives the voucher and the card back (and
        redemption refuses the order from then on, see _care_evv_hold)."""
        result = super()._care_evv_reviewed()
        rejected = self.filtered(lambda o: o.care_evv_state == "rejected")
        reason = self.env._("Proof of visit rejected")
        rejected._care_voucher_reverse(reason)
        rejected._care_card_reverse(reason)
        return result

    def _care_voucher_reverse(self, reason):
        for order in self.filtered(lambda o: o.care_voucher_state == "redeemed"):
            if order.care_settlement_state in ("claimed", "settled"):
                raise UserError(
                    self.env._(
                        "%(order)s is already claimed from the funding body: issue a "
                        "credit note on %(claim)s first.",
                        order=order.name,
                        claim=order.care_claim_move_id.display_name,
                    )
                )
            order._care_redemptions("entitlement_id")._reverse(reason)
            order.write(
                {
                    "care_voucher_state": "reversed",
                    "care_voucher_amount": 0.0,
                    "care_copay_amount": 0.0,
                    "care_settlement_state": "deducted"
                    if order.care_settlement_state
                    else False,
                }
            )

    # ------------------------------------------------------------------
    # Service cards (服务代金卡): the elder's share, after the voucher
    # ------------------------------------------------------------------
    def _care_card_redeem(self):
        Line = self.env["care.voucher.line"]
        for order in self.filtered(
            lambda o: (
                o.care_card_id
                and not o.care_card_amount
                and o.care_voucher_state in ("none", "redeemed")
            )
        ):
            card = order.care_card_id.sudo()
            day = fields.Date.context_today(
                order, order.date_end or fields.Datetime.now()
            )
            if order._care_missing_evidence() or order._care_evv_hold():
                continue  # like a voucher: not without the evidence
            if not card._usable_on(day):
                order._message_log(
                    body=Markup("<p>%s</p>")
                    % self.env._(
                        "Card %(card)s was not used: not active, or expired on "
                        "%(expiry)s.",
                        card=card.name,
                        expiry=card.date_expiry,
                    ),
                )
                continue
            share = order.care_copay_amount  # what the voucher left (or all)
            rounding = order.care_currency_id.rounding
            due = float_round(
                share * (100.0 - card.discount_percent) / 100.0,
                precision_rounding=rounding,
            )
            card._lock()
            balance = card._balances()[card.id]
            paid = float_round(max(min(balance, due), 0.0), precision_rounding=rounding)
            if paid > 0:
                Line._post(
                    card,
                    "redeem",
                    -paid,
                    month_start(day),
                    order_id=order.id,
                    provider_id=order.care_provider_id.id,
                    name=order.name,
                )
            order.write(
                {
                    "care_card_amount": paid,
                    "care_card_discount": share - due,
                    "care_copay_amount": due - paid,
                }
            )

    def _care_card_reverse(self, reason):
        for order in self.filtered("care_card_amount"):
            order._care_redemptions("card_id")._reverse(reason)
            order.write({"care_card_amount": 0.0, "care_card_discount": 0.0})
