from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    care_voucher_sale_journal_id = fields.Many2one(
        "account.journal",
        "Voucher claims journal",
        domain="[('type', '=', 'sale'), ('company_id', '=', id)]",
    )
    care_voucher_purchase_journal_id = fields.Many2one(
        "account.journal",
        "Provider bills journal",
        domain="[('type', '=', 'purchase'), ('company_id', '=', id)]",
    )
    care_voucher_income_account_id = fields.Many2one(
        "account.account",
        "Voucher claims account",
        help="Income account of the claims to the funding bodies (the sales "
        "journal's default account when empty).",
    )
    care_voucher_expense_account_id = fields.Many2one(
        "account.account",
        "Provider services account",
        help="Expense account of the providers' bills (the purchase journal's "
        "default account when empty).",
    )

    def _care_voucher_journal(self, kind):
        """The journal and account for claims (``sale``) or bills (``purchase``)."""
        self.ensure_one()
        journal = (
            self.care_voucher_sale_journal_id
            if kind == "sale"
            else self.care_voucher_purchase_journal_id
        ) or self.env["account.journal"].search(
            [("type", "=", kind), ("company_id", "=", self.id)], limit=1
        )
        account = (
            self.care_voucher_income_account_id
            if kind == "sale"
            else self.care_voucher_expense_account_id
        ) or journal.default_account_id
        return journal, account


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    care_voucher_sale_journal_id = fields.Many2one(
        related="company_id.care_voucher_sale_journal_id", readonly=False
    )
    care_voucher_purchase_journal_id = fields.Many2one(
        related="company_id.care_voucher_purchase_journal_id", readonly=False
    )
    care_voucher_income_account_id = fields.Many2one(
        related="company_id.care_voucher_income_account_id", readonly=False
    )
    care_voucher_expense_account_id = fields.Many2one(
        related="company_id.care_voucher_expense_account_id", readonly=False
    )
