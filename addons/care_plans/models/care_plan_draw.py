import hashlib
import random

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .care_plan import FINANCE, check_group


class CarePlanDraw(models.Model):
    """A lucky draw (抽奖) among the plan invoices of a period: the
    candidates are the posted invoice numbers of plan contracts, sorted; a
    seeded random generator picks the winners, so anyone can repeat the
    draw from the seed and the logged list and find the same winners."""

    _name = "care.plan.draw"
    _description = "Lucky draw"
    _inherit = ["mail.thread", "care.guard.mixin"]
    _order = "date_to desc, id desc"
    _care_protected_fields = ("state", "candidate_count", "candidates_digest")

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    date_from = fields.Date("Invoices from", required=True)
    date_to = fields.Date("Invoices until", required=True)
    seed = fields.Char(
        required=True,
        tracking=True,
        help="Announced before the draw (e.g. a lottery result of the day): "
        "the same seed over the same invoices picks the same winners.",
    )
    winner_count = fields.Integer("Winners", default=1, required=True)
    prize = fields.Selection(
        [("free_month", "A free month")], default="free_month", required=True
    )
    state = fields.Selection(
        [("draft", "To draw"), ("drawn", "Drawn")],
        default="draft",
        readonly=True,
        tracking=True,
    )
    candidate_count = fields.Integer("Candidates", readonly=True)
    candidates_digest = fields.Char(
        "Candidates digest (SHA-256)",
        readonly=True,
        help="SHA-256 of the sorted candidate numbers, one per line.",
    )
    winner_ids = fields.One2many("care.plan.draw.winner", "draw_id", readonly=True)

    _sql_constraints = [
        (
            "winner_count_positive",
            "CHECK(winner_count > 0)",
            "A draw has at least one winner.",
        ),
        (
            "window",
            "CHECK(date_from <= date_to)",
            "A draw's period cannot end before it starts.",
        ),
    ]

    @api.constrains("seed")
    def _check_seed(self):
        for draw in self:
            if not (draw.seed or "").strip():
                raise ValidationError(self.env._("A draw needs a seed."))

    def write(self, vals):
        if not self.env.su and self.filtered(lambda d: d.state == "drawn"):
            raise UserError(self.env._("A draw that took place cannot change."))
        return super().write(vals)

    def _care_candidates(self):
        """The posted invoice numbers of plan contracts in the period,
        sorted, with their invoices."""
        self.ensure_one()
        moves = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("company_id", "=", self.company_id.id),
                    ("invoice_date", ">=", self.date_from),
                    ("invoice_date", "<=", self.date_to),
                    (
                        "invoice_line_ids.contract_line_id.contract_id."
                        "care_subscription_ids",
                        "!=",
                        False,
                    ),
                ]
            )
        )
        return moves.sorted("name")

    def _care_pick(self):
        """(candidates, winners): the seeded pick, the same every time."""
        self.ensure_one()
        candidates = self._care_candidates()
        # reproducible on purpose: the seed is public, the draw must repeat
        rng = random.Random(self.seed.strip())  # noqa: S311
        count = min(self.winner_count, len(candidates))
        winners = rng.sample(list(candidates), count) if count else []
        return candidates, winners

    def action_care_draw(self):
        """Finance draws the winners and gives their prize (a credit of a
        month's fee on the winner's plan contract). Callable over XML-RPC."""
        check_group(self.env, FINANCE, self.env._("Only finance runs a draw."))
        self.check_access("write")
        for draw in self.sudo():
            if draw.state != "draft":
                raise UserError(
                    self.env._("%(draw)s was already drawn.", draw=draw.name)
                )
            candidates, winners = draw._care_pick()
            if not winners:
                raise UserError(
                    self.env._(
                        "%(draw)s: no posted plan invoice between %(start)s and "
                        "%(end)s.",
                        draw=draw.name,
                        start=draw.date_from,
                        end=draw.date_to,
                    )
                )
            numbers = "\n".join(candidates.mapped("name"))
            draw.write(
                {
                    "state": "drawn",
                    "candidate_count": len(candidates),
                    "candidates_digest": hashlib.sha256(numbers.encode()).hexdigest(),
                    "winner_ids": [
                        Command.create(draw._care_prize(rank, move))
                        for rank, move in enumerate(winners, start=1)
                    ],
                }
            )
            draw.message_post(
                body=Markup("<p>%s</p><pre>%s</pre>")
                % (
                    self.env._(
                        "Drawn by %(user)s with seed %(seed)s among %(count)s "
                        "invoices; winners: %(winners)s. Candidates:",
                        user=self.env.user.name,
                        seed=draw.seed,
                        count=len(candidates),
                        winners=", ".join(m.name for m in winners),
                    ),
                    numbers,
                )
            )
        return True

    def _care_prize(self, rank, move):
        contract = move.invoice_line_ids.contract_line_id.contract_id[:1]
        subscription = contract.care_subscription_ids[:1]
        vals = {"rank": rank, "move_id": move.id, "subscription_id": subscription.id}
        today = fields.Date.context_today(self)
        if subscription.state == "active":
            fee = subscription.plan_id.monthly_fee
            line = self.env["care.plan.referral"]._care_credit_line(
                subscription,
                fee,
                self.env._(
                    "Lucky draw %(draw)s, a free month #START# – #END#", draw=self.name
                ),
                today,
            )
            vals.update(amount=fee, contract_line_id=line.id)
        return vals


class CarePlanDrawWinner(models.Model):
    _name = "care.plan.draw.winner"
    _description = "Lucky draw winner"
    _order = "draw_id, rank"

    draw_id = fields.Many2one("care.plan.draw", required=True, ondelete="cascade")
    rank = fields.Integer(readonly=True)
    move_id = fields.Many2one("account.move", "Invoice", readonly=True)
    subscription_id = fields.Many2one("care.plan.subscription", readonly=True)
    elder_id = fields.Many2one(related="subscription_id.elder_id")
    amount = fields.Float("Prize", readonly=True)
    contract_line_id = fields.Many2one(
        "contract.line", readonly=True, groups="elder_crm.group_care_finance"
    )
