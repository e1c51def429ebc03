from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from odoo.addons.care_residence.models.residence import FINANCE, check_group
from odoo.addons.care_residence.models.stay import month_bounds

FEE_KINDS = [("bed", "Bed"), ("care", "Care"), ("meals", "Meals")]


def _refuse_links(records, vals, names):
    """The links between a contract and a stay are made by the stay's code
    (after its own rights check, with sudo), never by a client."""
    if not records.env.su and set(vals) & set(names):
        raise AccessError(
            records.env._(
                "The link between a contract and a residence stay is set by the "
                "stay's admission, transfer and discharge, not by hand."
            )
        )


class ContractContract(models.Model):
    _inherit = "contract.contract"

    care_stay_id = fields.Many2one(
        "care.residence.stay",
        "Residence Stay",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="The stay whose monthly fees this contract invoices.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            _refuse_links(self, vals, ["care_stay_id"])
        return super().create(vals_list)

    def write(self, vals):
        _refuse_links(self, vals, ["care_stay_id"])
        return super().write(vals)

    def _get_lines_to_invoice(self, date_ref):
        """A stay's contract invoices one calendar month at a time: one
        invoice per stay and month, even when a run is late."""
        lines = super()._get_lines_to_invoice(date_ref)
        if not self.care_stay_id:
            return lines
        dated = lines.filtered("next_period_date_start")
        if not dated:
            return lines
        month = month_bounds(min(dated.mapped("next_period_date_start")))[0]
        return lines.filtered(
            lambda line: (
                not line.next_period_date_start
                or month_bounds(line.next_period_date_start)[0] == month
            )
        )

    def recurring_create_invoice(self):
        """OCA's "Create invoices" button; on a stay's contract it answers
        with the invoices' window (a recordset cannot go over XML-RPC)."""
        invoices = super().recurring_create_invoice()
        if not self.care_stay_id:
            return invoices
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Invoices"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", invoices.ids)],
        }

    def _recurring_create_invoice(self, date_ref=False):
        stays = self.filtered("care_stay_id")
        moves = super(ContractContract, self - stays)._recurring_create_invoice(
            date_ref
        )
        for contract in stays:
            moves |= contract._care_residence_invoice(date_ref)
        return moves

    def _care_residence_invoice(self, date_ref=False):
        """The month's fee invoice of a stay's contract, by OCA's own
        preparation (lines, periods, next dates), posted as the residence's
        own invoices are, with the share of the stay's other payers (see
        ``care.residence.stay._fee_invoices``) and recorded as the stay's fee
        of the month: the residence's run then never bills that month again.
        Finance's (the cron runs as superuser)."""
        self.ensure_one()
        check_group(self.env, FINANCE)
        contract = self.sudo()
        stay = contract.care_stay_id
        Move = self.env["account.move"].sudo()
        # one run at a time per stay (the fee run and a second contract run
        # queue here; the fee's UNIQUE constraint is the last word)
        self.env.cr.execute(
            SQL("SELECT id FROM care_residence_stay WHERE id = %s FOR UPDATE", stay.id)
        )
        today = fields.Date.context_today(self)
        ref = date_ref or (
            contract.recurring_next_date and min(contract.recurring_next_date, today)
        )
        if not ref:
            return Move
        lines = contract._get_lines_to_invoice(ref)
        dated = lines.filtered("next_period_date_start")
        if not dated:
            return Move
        month, month_end = month_bounds(min(dated.mapped("next_period_date_start")))
        Fee = self.env["care.residence.fee"].sudo()
        if Fee.search_count([("stay_id", "=", stay.id), ("month", "=", month)]):
            # billed already (by the residence's run): never twice
            dated._update_last_date_invoiced()
            contract.message_post(
                body=self.env._(
                    "%(month)s of %(stay)s is already invoiced: the contract skips it.",
                    month=month.strftime("%Y-%m"),
                    stay=stay.name,
                )
            )
            return Move
        values = contract._prepare_recurring_invoices_values(ref)
        if not values:
            return Move
        invoice_vals = values[0]
        line_vals = [command[2] for command in invoice_vals["invoice_line_ids"]]
        # the payer's lines (less what others pay, e.g. a voucher programme)
        (_payer, payer_lines), *others = stay._fee_invoices(month, line_vals)
        invoice_date = month_end - timedelta(days=1)
        invoice_vals.update(
            {
                "invoice_date": invoice_date,
                "invoice_line_ids": [Command.create(vals) for vals in payer_lines],
            }
        )
        Move = Move.with_company(stay.company_id)
        move = Move.create(invoice_vals)
        shares = Move.create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": other.id,
                    "company_id": stay.company_id.id,
                    "invoice_date": invoice_date,
                    "invoice_origin": stay.name,
                    "invoice_line_ids": [Command.create(vals) for vals in part],
                }
                for other, part in others
                if part
            ]
        )
        contract._add_contract_origin(move)
        contract._invoice_followers(move)
        contract._compute_recurring_next_date()
        (move | shares).action_post()
        Fee.create(
            {
                "stay_id": stay.id,
                "month": month,
                "move_id": move.id,
                "share_move_ids": [Command.set(shares.ids)],
            }
        )
        return move


class ContractLine(models.Model):
    _inherit = "contract.line"

    care_fee_kind = fields.Selection(
        FEE_KINDS,
        "Residence Fee",
        readonly=True,
        copy=False,
        help="Which monthly fee of the contract's stay this line invoices, pro "
        "rata of the days of each month.",
    )
    care_stay_line_id = fields.Many2one(
        "care.residence.stay.line",
        "Bed Line",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            _refuse_links(self, vals, ["care_fee_kind", "care_stay_line_id"])
        return super().create(vals_list)

    def write(self, vals):
        _refuse_links(self, vals, ["care_fee_kind", "care_stay_line_id"])
        return super().write(vals)

    @api.depends("care_fee_kind", "contract_id.date_end")
    def _compute_recurring_next_date(self):
        """A stay's fee lines are invoiced together at the end of each
        calendar month, also the month a line ends in (a transfer), or at the
        end of the stay: one invoice per stay and month."""
        result = super()._compute_recurring_next_date()
        for line in self.filtered("care_fee_kind"):
            start = line.next_period_date_start
            if not start:
                line.recurring_next_date = False
                continue
            end = month_bounds(start)[1] - timedelta(days=1)
            stay_end = line.contract_id.date_end
            line.recurring_next_date = (
                min(end, stay_end) if stay_end and stay_end >= start else end
            )
        return result

    def _prepare_invoice_line(self):
        """A stay's fee line: its monthly price pro rata of its days in the
        period's month (meals: not the days of a hospital leave), as the
        residence's own monthly run computes it."""
        vals = super()._prepare_invoice_line()
        if not vals or not self.care_fee_kind:
            return vals
        first, last, _date = self._get_period_to_invoice(
            self.last_date_invoiced, self.recurring_next_date
        )
        start, end = month_bounds(first)
        month_days = (end - start).days
        days = (last - first).days + 1
        stay = self.contract_id.care_stay_id
        if self.care_fee_kind == "meals":
            days -= stay._leave_days(first, last + timedelta(days=1))
            if days <= 0:
                return {}
        fee = stay._fee_line_vals(
            self.care_fee_kind,
            days,
            month_days,
            self.price_unit,
            self.care_stay_line_id.bed_id.display_name or self.name,
        )
        # the contract line's own product and account stay
        fee.pop("product_id")
        vals.update(fee)
        return vals
