from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.care_residence.models.residence import FINANCE, MANAGER, check_group
from odoo.addons.care_residence.models.stay import FEE_PRODUCTS, month_bounds
from odoo.addons.care_residence.models.stay import CareResidenceStay as BaseStay

ONE_DAY = timedelta(days=1)


class CareResidenceStay(models.Model):
    _inherit = "care.residence.stay"
    _care_protected_fields = (*BaseStay._care_protected_fields, "care_contract_id")

    care_contract_id = fields.Many2one(
        "contract.contract",
        "Contract",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        groups=FINANCE,
        help="The payer's contract that invoices this stay's monthly fees "
        "(from its start date; the months before by the residence's run).",
    )

    # ------------------------------------------------------------------
    # the contract
    # ------------------------------------------------------------------
    def _care_contract_start(self):
        """The first day the contract bills: the admission, or the first
        day of the month after the last one the residence's run invoiced."""
        self.ensure_one()
        last = (
            self.env["care.residence.fee"]
            .sudo()
            .search([("stay_id", "=", self.id)], order="month desc", limit=1)
        )
        if not last:
            return self.date_admitted
        return max(self.date_admitted, month_bounds(last.month)[1])

    def _care_line_vals(self, kind, date_from, date_to, price, stay_line=None):
        """A contract line of the stay: ``date_to`` is the first day out
        (the stay's convention), the line's end the day before."""
        product = self._product(FEE_PRODUCTS[kind])
        return {
            "care_fee_kind": kind,
            "care_stay_line_id": stay_line.id if stay_line else False,
            "product_id": product.id,
            "name": product.name,
            "quantity": 1.0,
            "uom_id": product.uom_id.id,
            "automatic_price": False,
            "price_unit": price,
            "recurring_rule_type": "monthlylastday",
            "recurring_interval": 1,
            "recurring_invoicing_type": "post-paid",
            "date_start": date_from,
            "date_end": date_to - ONE_DAY if date_to else False,
        }

    def _care_contract_vals(self, start):
        self.ensure_one()
        lines = [
            self._care_line_vals(
                "bed",
                max(line.date_from, start),
                line.date_to,
                line.bed_id.room_id.monthly_price,
                line,
            )
            for line in self.line_ids.sorted("date_from")
            if not line.date_to or line.date_to > start
        ]
        lines.append(
            self._care_line_vals("care", start, self.date_end, self.care_price)
        )
        if self.meal_price:
            lines.append(
                self._care_line_vals("meals", start, self.date_end, self.meal_price)
            )
        journal = self.env["account.journal"].search(
            [
                ("type", "=", "sale"),
                *self.env["account.journal"]._check_company_domain(self.company_id),
            ],
            limit=1,
        )
        payer = self._payer()
        return {
            "name": self.env._("Residence fees: %(stay)s", stay=self.name),
            "partner_id": payer.id,
            "invoice_partner_id": payer.id,
            "contract_type": "sale",
            "line_recurrence": True,
            "company_id": self.company_id.id,
            "journal_id": journal.id,
            "date_start": start,
            "recurring_rule_type": "monthlylastday",
            "recurring_invoicing_type": "post-paid",
            "care_stay_id": self.id,
            "contract_line_ids": [Command.create(vals) for vals in lines],
        }

    def _care_make_contract(self):
        """One contract per admitted stay (superuser: the callers checked
        the rights). A stay that has one keeps it: a replay makes none."""
        stays = self.sudo()
        if not stays:
            return self.env["contract.contract"].sudo()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM care_residence_stay WHERE id IN %s FOR UPDATE",
                tuple(stays.ids),
            )
        )
        stays.invalidate_recordset(["care_contract_id"])
        for stay in stays.filtered(
            lambda s: s.state == "admitted" and not s.care_contract_id
        ):
            start = stay._care_contract_start()
            if stay.date_end and start >= stay.date_end:
                continue  # all of it invoiced already
            contract = (
                self.env["contract.contract"]
                .sudo()
                .with_company(stay.company_id)
                .create(stay._care_contract_vals(start))
            )
            stay.care_contract_id = contract
            stay.message_post(
                body=self.env._(
                    "Monthly fees invoiced by contract %(contract)s from %(date)s.",
                    contract=contract.display_name,
                    date=start,
                )
            )
        return stays.care_contract_id

    def action_care_make_contract(self):
        """Finance moves running stays onto contracts (from the first month
        not yet invoiced): the stays' contracts."""
        check_group(self.env, FINANCE)
        self.check_access("write")
        return self._care_contract_action(self._care_make_contract())

    def action_care_open_contract(self):
        check_group(self.env, FINANCE)
        self.check_access("read")
        return self._care_contract_action(self.sudo().care_contract_id)

    def _care_contract_action(self, contracts):
        action = {
            "type": "ir.actions.act_window",
            "name": self.env._("Contract"),
            "res_model": "contract.contract",
            "view_mode": "list,form",
            "domain": [("id", "in", contracts.ids)],
            "context": {"default_contract_type": "sale"},
        }
        if len(contracts) == 1:
            action.update({"view_mode": "form", "res_id": contracts.id})
        return action

    def _care_check_contract_open(self, date):
        """A transfer or a discharge on ``date`` changes the contract from
        that day: refused when that day is invoiced already."""
        contract = self.sudo().care_contract_id
        if not contract:
            return
        lines = contract.contract_line_ids.filtered("care_fee_kind")
        dates = [day for day in lines.mapped("last_date_invoiced") if day]
        invoiced = max(dates) if dates else False
        if date < contract.date_start or (invoiced and date <= invoiced):
            raise UserError(
                self.env._(
                    "%(stay)s is invoiced until %(date)s: a transfer or a "
                    "discharge cannot be dated before (credit the invoice first).",
                    stay=self.name,
                    date=invoiced or contract.date_start - ONE_DAY,
                )
            )

    def _care_contract_lines_of(self, stay_line):
        return self.sudo().care_contract_id.contract_line_ids.filtered(
            lambda line: line.care_stay_line_id == stay_line and not line.is_canceled
        )

    def _care_close_lines(self, lines, date):
        """End ``lines`` the day before ``date`` (cancelled when they would
        not start by then)."""
        for line in lines:
            if line.date_end and line.date_end < date:
                continue
            if line.date_start >= date:
                line.write({"date_end": line.date_start, "is_canceled": True})
            else:
                line.date_end = date - ONE_DAY

    # ------------------------------------------------------------------
    # the stay's moves
    # ------------------------------------------------------------------
    def action_admit(self, date=None):
        result = super().action_admit(date)
        # the care manager admitted (super checked): the contract follows
        self.filtered(
            lambda stay: stay.company_id.care_residence_contracts
        )._care_make_contract()
        return result

    def _transfer(self, bed, date):
        check_group(self.env, MANAGER)
        self.ensure_one()
        contract = self.sudo().care_contract_id
        if not contract:
            return super()._transfer(bed, date)
        date = fields.Date.to_date(date)
        self._care_check_contract_open(date)
        before = self._open_line()
        result = super()._transfer(bed, date)
        after = self._open_line()
        price = after.bed_id.room_id.monthly_price
        if after == before:
            # moved on its first day: the same line, the other bed's price
            self._care_contract_lines_of(before).write({"price_unit": price})
        else:
            self._care_close_lines(self._care_contract_lines_of(before), date)
            contract.write(
                {
                    "contract_line_ids": [
                        Command.create(
                            self._care_line_vals(
                                "bed", after.date_from, after.date_to, price, after
                            )
                        )
                    ]
                }
            )
        return result

    def _discharge(self, date, reason, note=False):
        check_group(self.env, MANAGER)
        self.ensure_one()
        contract = self.sudo().care_contract_id
        if contract:
            self._care_check_contract_open(fields.Date.to_date(date))
        result = super()._discharge(date, reason, note)
        if contract:
            self._care_close_lines(
                contract.contract_line_ids.filtered(
                    lambda line: line.care_fee_kind and not line.is_canceled
                ),
                self.date_discharged,
            )
        return result

    def write(self, vals):
        result = super().write(vals)
        if "payer_id" in vals:
            # the payer's contract follows (finance's, checked by super)
            for stay in self.sudo().filtered("care_contract_id"):
                payer = stay._payer()
                stay.care_contract_id.write(
                    {"partner_id": payer.id, "invoice_partner_id": payer.id}
                )
        return result

    # ------------------------------------------------------------------
    # the residence's own monthly run
    # ------------------------------------------------------------------
    def _fee_lines(self, month_start):
        """Nothing for the months the stay's contract invoices: never twice."""
        contract = self.sudo().care_contract_id
        if contract and (
            month_bounds(month_start)[0] >= month_bounds(contract.date_start)[0]
        ):
            return []
        return super()._fee_lines(month_start)

    @api.model
    def _care_demo_contract(self):
        """Demo: the respite stay is billed through a contract."""
        stays = self.sudo().search(
            [("stay_type", "=", "respite"), ("state", "=", "admitted")]
        )
        stays._care_make_contract()
        return True
