from odoo import models
from odoo.tools import formatLang


class CareFamilyLetter(models.Model):
    _inherit = "care.family.letter"

    def _care_letter_extra(self, line, start, end):
        """The month's voucher use and co-payment invoices (money
        permission)."""
        values = super()._care_letter_extra(line, start, end)
        if not line.perm_money:
            return values
        env = self.env
        elder = line.elder_id
        currency = line.company_id.currency_id
        groups = (
            env["care.voucher.line"]
            .sudo()
            ._read_group(
                [
                    ("elder_id", "=", elder.id),
                    ("entitlement_id", "!=", False),
                    ("period", "=", start.date()),
                ],
                ["programme_id", "kind"],
                ["amount:sum"],
            )
        )
        programmes = {}
        for programme, kind, amount in groups:
            entry = programmes.setdefault(programme, {"issued": 0.0, "used": 0.0})
            if kind == "issue":
                entry["issued"] += amount
            elif kind in ("redeem", "reverse"):
                entry["used"] -= amount
        moves = (
            env["care.family.access"]
            ._care_copay_moves(elder)
            .filtered(
                lambda move: (
                    move.invoice_date and start.date() <= move.invoice_date < end.date()
                )
            )
        )
        states = dict(
            env["account.move"]._fields["payment_state"]._description_selection(env)
        )
        values["money"] = {
            "vouchers": [
                {
                    "programme": programme.name,
                    "issued": formatLang(env, entry["issued"], currency_obj=currency),
                    "used": formatLang(env, entry["used"], currency_obj=currency),
                }
                for programme, entry in sorted(
                    programmes.items(), key=lambda item: item[0].id
                )
            ],
            "copays": [
                {
                    "name": move.name,
                    "total": formatLang(
                        env, move.amount_total, currency_obj=move.currency_id
                    ),
                    "state": states.get(move.payment_state, ""),
                }
                for move in moves
            ],
        }
        return values
