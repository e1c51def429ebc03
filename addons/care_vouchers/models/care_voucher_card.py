import base64
import io

import qrcode

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .care_voucher_entitlement import check_finance


class CareVoucherCard(models.Model):
    """A prepaid service card (服务代金卡): a number and QR code, a loaded
    value, an issuer (a retirement office, a campaign), an optional discount;
    redeemed for services like a voucher, on its own ledger lines."""

    _name = "care.voucher.card"
    _description = "Prepaid Service Card"
    _inherit = ["mail.thread", "care.guard.mixin"]
    # set by activation and cancellation only (finance, checked there)
    _care_protected_fields = ("state", "date_activation", "ledger_version")
    _order = "id desc"

    name = fields.Char(
        "Card number",
        required=True,
        copy=False,
        readonly=True,
        default="/",
        index=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    issuer_id = fields.Many2one(
        "res.partner",
        required=True,
        tracking=True,
        help="Who gives the card out, e.g. a company's retirement office.",
    )
    elder_id = fields.Many2one(
        "care.elder",
        "Holder",
        index=True,
        tracking=True,
        help="The elder the card is activated for.",
    )
    value = fields.Monetary("Loaded value", required=True, tracking=True)
    discount_percent = fields.Float(
        "Discount (%)",
        tracking=True,
        help="Off the elder's share of each service paid with the card.",
    )
    date_activation = fields.Date("Activated on", readonly=True, copy=False)
    date_expiry = fields.Date("Valid until", required=True, tracking=True)
    state = fields.Selection(
        [("draft", "Not activated"), ("active", "Active"), ("cancelled", "Cancelled")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    ledger_version = fields.Integer(readonly=True, copy=False, default=0)
    line_ids = fields.One2many("care.voucher.line", "card_id", "Ledger")
    balance = fields.Monetary(compute="_compute_balance")
    qr_code = fields.Binary("QR code", compute="_compute_qr_code")

    _sql_constraints = [
        ("name_uniq", "UNIQUE(company_id, name)", "This card number already exists."),
        (
            "value_positive",
            "CHECK(value > 0)",
            "A card is loaded with a value above 0.",
        ),
        (
            "discount_range",
            "CHECK(discount_percent >= 0 AND discount_percent < 100)",
            "A card's discount is a percentage from 0 to below 100.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("state", "draft") != "draft":
                raise UserError(
                    self.env._(
                        "A card is created not activated: activate it afterwards."
                    )
                )
            vals.pop("state", None)
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("care.voucher.card")
        return super().create(vals_list)

    def write(self, vals):
        if {"value", "elder_id"} & set(vals) and self.filtered(
            lambda c: c.state != "draft"
        ):
            raise UserError(
                self.env._(
                    "An activated card keeps its value and holder: cancel it and issue another."
                )
            )
        return super().write(vals)

    def _compute_balance(self):
        balances = self._balances()
        for card in self:
            card.balance = balances.get(card.id, 0.0)

    def _balances(self, as_of=None):
        """{card id: balance on ``as_of``} from the ledger."""
        return self.env["care.voucher.line"]._balances_of(self, as_of)

    @api.depends("name")
    def _compute_qr_code(self):
        for card in self:
            if not card.name or card.name == "/":
                card.qr_code = False
                continue
            image = qrcode.make(card.name, box_size=6, border=2)
            stream = io.BytesIO()
            image.save(stream, format="PNG")
            card.qr_code = base64.b64encode(stream.getvalue())

    def _check_finance(self):
        check_finance(self.env, self.env._("Only finance activates or cancels cards."))
        self.check_access("write")

    def action_activate(self):
        self._check_finance()
        today = fields.Date.context_today(self)
        for card in self.sudo():
            if card.state != "draft":
                raise UserError(
                    self.env._("Card %s is already activated or cancelled.", card.name)
                )
            if not card.elder_id:
                raise UserError(
                    self.env._("Choose the elder who holds card %s.", card.name)
                )
            if card.date_expiry < today:
                raise UserError(
                    self.env._(
                        "Card %(card)s expired on %(date)s.",
                        card=card.name,
                        date=card.date_expiry,
                    )
                )
            card._lock()
            card.write({"state": "active", "date_activation": today})
            self.env["care.voucher.line"]._post(
                card, "issue", card.value, today, name=self.env._("Card loaded")
            )
        return True

    def action_cancel(self):
        self._check_finance()
        for card in self.sudo().filtered(lambda c: c.state != "cancelled"):
            card._lock()
            balance = card._balances()[card.id]
            if balance > 0:
                self.env["care.voucher.line"]._post(
                    card,
                    "expire",
                    -balance,
                    fields.Date.context_today(self),
                    name=self.env._("Card cancelled"),
                )
            card.state = "cancelled"
        return True

    def _lock(self):
        """Serialise postings on these cards (see the ledger)."""
        self.env["care.voucher.line"]._lock_accounts(self)

    def _usable_on(self, day):
        self.ensure_one()
        return self.state == "active" and self.date_expiry >= day

    @api.constrains("date_expiry")
    def _check_expiry(self):
        for card in self:
            if card.date_activation and card.date_expiry < card.date_activation:
                raise ValidationError(
                    self.env._("A card cannot expire before it is activated.")
                )

    @api.readonly
    def balance_at(self, as_of=None):
        """Over XML-RPC: ``[{"id", "name", "balance", "date_expiry"}]``."""
        self.check_access("read")  # the ledger is read in SQL below
        balances = self._balances(as_of)
        return [
            {
                "id": card.id,
                "name": card.name,
                "balance": balances[card.id],
                "date_expiry": fields.Date.to_string(card.date_expiry),
            }
            for card in self
        ]
