from odoo import Command, api, fields, models


class ContractContract(models.Model):
    _inherit = "contract.contract"

    care_subscription_ids = fields.One2many(
        "care.plan.subscription", "contract_id", "Signed plans", readonly=True
    )
    care_promotion_ids = fields.Many2many(
        "care.plan.promotion",
        compute="_compute_care_promotion_ids",
        string="Promotions",
    )

    @api.depends("care_subscription_ids.promotion_ids")
    def _compute_care_promotion_ids(self):
        for contract in self:
            contract.care_promotion_ids = (
                contract.sudo().care_subscription_ids.promotion_ids
            )

    def _prepare_recurring_invoices_values(self, date_ref=False):
        """OCA's invoice values, plus the services beyond the plan's quota
        completed since the last invoice (on the contract's own invoice)."""
        planned = self.filtered("care_subscription_ids")
        values = super(
            ContractContract, self - planned
        )._prepare_recurring_invoices_values(date_ref)
        if not planned:
            return values
        Usage = self.env["care.plan.usage"].sudo()
        pending = Usage.search(
            [
                ("subscription_id.contract_id", "in", planned.ids),
                ("kind", "=", "beyond"),
                ("billed_by", "=", "contract"),
                ("billed", "=", False),
                ("amount", ">", 0),
            ],
            order="period, id",
        ).grouped(lambda u: u.subscription_id.contract_id)
        for contract in planned:
            for invoice_vals in super(
                ContractContract, contract
            )._prepare_recurring_invoices_values(date_ref):
                invoice_vals["invoice_line_ids"] += [
                    Command.create(usage._care_invoice_line_vals())
                    for usage in pending.get(contract, ())
                ]
                values.append(invoice_vals)
        return values

    def _recurring_create_invoice(self, date_ref=False):
        moves = super()._recurring_create_invoice(date_ref)
        moves.invoice_line_ids.care_plan_usage_id.sudo().write({"billed": True})
        return moves


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    care_plan_usage_id = fields.Many2one(
        "care.plan.usage",
        "Plan service",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
