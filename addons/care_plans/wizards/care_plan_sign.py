from odoo import api, fields, models

from ..models.care_plan import RECEPTION, check_group


class CarePlanSign(models.TransientModel):
    """Signing a plan, from the elder or from the lead's package step."""

    _name = "care.plan.sign"
    _description = "Sign a plan"

    elder_id = fields.Many2one("care.elder", required=True)
    lead_id = fields.Many2one("crm.lead")
    plan_id = fields.Many2one("care.plan", required=True)
    payer_id = fields.Many2one(
        "res.partner",
        help="The elder, one of the family or contacts, or a company.",
    )
    payer_domain_ids = fields.Many2many(
        "res.partner", compute="_compute_payer_domain_ids"
    )
    promotion_ids = fields.Many2many("care.plan.promotion", string="Promotions")
    code = fields.Char("Promotion code")
    date_start = fields.Date("Start", default=fields.Date.context_today)
    monthly_fee = fields.Monetary(related="plan_id.monthly_fee")
    currency_id = fields.Many2one(related="plan_id.currency_id")

    @api.depends("elder_id")
    def _compute_payer_domain_ids(self):
        Subscription = self.env["care.plan.subscription"]
        for wizard in self:
            wizard.payer_domain_ids = (
                Subscription._care_allowed_payers(wizard.elder_id)
                if wizard.elder_id
                else False
            )

    @api.onchange("elder_id")
    def _onchange_elder_id(self):
        if self.elder_id and not self.payer_id:
            self.payer_id = self.elder_id.partner_id

    def action_sign(self):
        check_group(self.env, RECEPTION, self.env._("Only reception signs plans."))
        self.ensure_one()
        self.elder_id.check_access("write")
        if self.lead_id:
            self.lead_id.check_access("write")
        subscription = self.elder_id._care_sign_plan(
            self.plan_id.id,
            self.payer_id.id,
            self.promotion_ids.ids,
            self.code,
            self.date_start,
            lead=self.lead_id,
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "care.plan.subscription",
            "res_id": subscription.id,
            "view_mode": "form",
        }
