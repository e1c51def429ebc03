from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .care_plan import RECEPTION, check_group


class CrmLead(models.Model):
    _inherit = "crm.lead"

    care_plan_id = fields.Many2one(
        "care.plan",
        "Plan",
        compute="_compute_care_plan_id",
        store=True,
        readonly=False,
        help="The plan proposed with the package (the package's by default).",
    )
    care_referrer_elder_id = fields.Many2one(
        "care.elder",
        "Referred by",
        index="btree_not_null",
        tracking=True,
        help="The signed elder (or their family) who referred this family: "
        "rewarded once, as the campaign says, when this lead signs a plan.",
    )
    care_subscription_id = fields.Many2one(
        "care.plan.subscription", "Signed plan", readonly=True, copy=False
    )

    @api.depends("care_package_id")
    def _compute_care_plan_id(self):
        for lead in self:
            if lead.care_package_id.care_plan_id:
                lead.care_plan_id = lead.care_package_id.care_plan_id

    def write(self, vals):
        if "care_subscription_id" in vals and not self.env.su:
            raise UserError(self.env._("A lead's signed plan is set by signing."))
        if "care_referrer_elder_id" in vals and not self.env.su:
            if self.filtered("care_subscription_id"):
                raise UserError(
                    self.env._(
                        "The referrer of a signed lead cannot change: the reward "
                        "is already settled."
                    )
                )
        return super().write(vals)

    @api.constrains("care_referrer_elder_id", "care_elder_id")
    def _check_care_referrer(self):
        for lead in self.filtered("care_referrer_elder_id"):
            if lead.care_referrer_elder_id == lead.care_elder_id:
                raise ValidationError(
                    self.env._(
                        "%(lead)s: an elder cannot refer themselves.", lead=lead.name
                    )
                )
            if not lead.care_referrer_elder_id.sudo().care_subscription_ids:
                raise ValidationError(
                    self.env._(
                        "%(lead)s: %(referrer)s has never signed a plan and cannot "
                        "be a referrer.",
                        lead=lead.name,
                        referrer=lead.care_referrer_elder_id.name,
                    )
                )

    def action_care_sign_plan(self):
        """Open the signing form with the lead's elder and plan."""
        check_group(self.env, RECEPTION, self.env._("Only reception signs plans."))
        self.ensure_one()
        self.check_access("write")
        if not self.care_elder_id:
            raise UserError(
                self.env._(
                    "%(lead)s: create the elder's archive before signing a plan.",
                    lead=self.name,
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Sign a plan"),
            "res_model": "care.plan.sign",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_elder_id": self.care_elder_id.id,
                "default_lead_id": self.id,
                "default_plan_id": self.care_plan_id.id,
            },
        }
