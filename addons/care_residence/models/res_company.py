from odoo import fields, models

# 其他应付款 (other payables) is where Chinese charts book deposits received;
# Odoo's l10n_cn types its payables "liability_payable", which a customer
# invoice line may not use, so the deposit gets a current-liability account
# of its own under that heading (code 2241 in 企业会计准则 and 小企业会计准则).
DEPOSIT_ACCOUNT_CODES = ("224101", "224199", "2241001")
LIABILITY_TYPES = ("liability_current", "liability_non_current")


class ResCompany(models.Model):
    _inherit = "res.company"

    care_deposit_account_id = fields.Many2one(
        "account.account",
        "Residents' Deposit Account",
        domain=[("account_type", "in", LIABILITY_TYPES)],
        help="The liability account of the deposits (押金) invoiced at admission "
        "and refunded at discharge: the home owes them back. Empty: an account "
        "'Other payables - residents' deposits' is found or created.",
    )

    def _care_deposit_account(self):
        """The company's deposit liability account: the one configured, else
        the one this addon created before (found by code and type), else a new
        one (with or without the Chinese chart)."""
        self.ensure_one()
        account = self.sudo().care_deposit_account_id
        if account:
            return account
        Account = self.env["account.account"].sudo().with_company(self)
        candidates = Account.search(
            [
                *Account._check_company_domain(self),
                ("code", "in", DEPOSIT_ACCOUNT_CODES),
            ]
        )
        account = candidates.filtered(lambda a: a.account_type in LIABILITY_TYPES)[:1]
        if not account:
            code = next(
                c for c in DEPOSIT_ACCOUNT_CODES if c not in candidates.mapped("code")
            )
            account = Account.create(
                {
                    "name": self.env._("Other Payables - Residents' Deposits (押金)"),
                    "code": code,
                    "account_type": "liability_current",
                    "reconcile": False,
                    "company_ids": [(6, 0, self.ids)],
                }
            )
        self.sudo().care_deposit_account_id = account
        return account


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    care_deposit_account_id = fields.Many2one(
        related="company_id.care_deposit_account_id", readonly=False
    )
