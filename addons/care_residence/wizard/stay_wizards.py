from odoo import api, fields, models

from ..models.stay import DISCHARGE_REASONS, STAY_TYPES


class CareResidenceReserve(models.TransientModel):
    _name = "care.residence.reserve"
    _description = "Reserve a Bed"

    waiting_id = fields.Many2one("care.residence.waiting", required=True)
    elder_id = fields.Many2one(related="waiting_id.elder_id")
    room_type = fields.Selection(related="waiting_id.room_type")
    bed_id = fields.Many2one(
        "care.residence.bed",
        required=True,
        domain="[('state', '=', 'free'), ('company_id', '=', company_id)]",
    )
    company_id = fields.Many2one(related="waiting_id.company_id")
    stay_type = fields.Selection(STAY_TYPES, required=True, default="long")
    date_start = fields.Date(required=True, default=fields.Date.context_today)
    date_end = fields.Date()

    def action_confirm(self):
        self.ensure_one()
        stay = self.waiting_id._reserve(
            self.bed_id, self.date_start, self.stay_type, self.date_end
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "care.residence.stay",
            "res_id": stay.id,
            "view_mode": "form",
        }


class CareResidenceTransfer(models.TransientModel):
    _name = "care.residence.transfer"
    _description = "Transfer to Another Bed"

    stay_id = fields.Many2one("care.residence.stay", required=True)
    company_id = fields.Many2one(related="stay_id.company_id")
    bed_id = fields.Many2one(
        "care.residence.bed",
        "New Bed",
        required=True,
        domain="[('state', '=', 'free'), ('company_id', '=', company_id)]",
    )
    date = fields.Date(required=True, default=fields.Date.context_today)

    def action_confirm(self):
        self.ensure_one()
        self.stay_id._transfer(self.bed_id, self.date)
        return {"type": "ir.actions.act_window_close"}


class CareResidenceDischarge(models.TransientModel):
    _name = "care.residence.discharge"
    _description = "Discharge"

    stay_id = fields.Many2one("care.residence.stay", required=True)
    date = fields.Date(
        required=True,
        default=fields.Date.context_today,
        help="The first day away; the bed is free from then.",
    )
    reason = fields.Selection(DISCHARGE_REASONS, required=True)
    note = fields.Text()

    def action_confirm(self):
        self.ensure_one()
        self.stay_id._discharge(self.date, self.reason, self.note)
        return {"type": "ir.actions.act_window_close"}


class CareResidenceFeeRun(models.TransientModel):
    _name = "care.residence.fee.run"
    _description = "Invoice a Month of Fees"

    @api.model
    def _default_month(self):
        from datetime import timedelta

        today = fields.Date.context_today(self)
        return (today.replace(day=1) - timedelta(days=1)).replace(day=1)

    month = fields.Date(required=True, default=lambda self: self._default_month())

    def action_confirm(self):
        self.ensure_one()
        stays = self.env["care.residence.stay"].search(
            [("state", "in", ("admitted", "discharged"))]
        )
        fees = stays._care_invoice_month(self.month)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Invoices"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", fees.move_id.ids)],
        }
