"""Only finance bills: Invoicing's install gift of administrator rights to
every internal user is taken back from the suite's other staff."""

from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestAccountingRights(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager_group = cls.env.ref("account.group_account_manager")
        cls.billing = cls.env.ref("account.group_account_invoice")

    def test_template_does_not_make_new_users_accountants(self):
        template = self.env.ref("base.default_user")
        self.assertNotIn(self.manager_group, template.groups_id)
        user = (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create({"name": "新来的接待员", "login": "new_reception_template"})
        )
        self.assertFalse(user.has_group("account.group_account_manager"))
        self.assertFalse(user.has_group("account.group_account_invoice"))

    def test_staff_lose_the_install_gift_finance_and_others_keep_it(self):
        gift = [Command.link(self.manager_group.id)]
        reception = new_test_user(
            self.env,
            login="acct_reception",
            groups="base.group_user,elder_crm.group_care_reception",
        )
        finance = new_test_user(
            self.env,
            login="acct_finance",
            groups="base.group_user,elder_crm.group_care_finance",
        )
        accountant = new_test_user(
            self.env, login="acct_accountant", groups="base.group_user"
        )
        (reception | finance | accountant).write({"groups_id": gift})
        self.assertTrue(reception.has_group("account.group_account_manager"))
        self.env["res.users"]._care_restrict_accounting()
        reception.invalidate_recordset()
        self.assertFalse(reception.has_group("account.group_account_manager"))
        self.assertFalse(reception.has_group("account.group_account_invoice"))
        self.assertTrue(reception.has_group("elder_crm.group_care_reception"))
        # finance bills; an accountant without a care role is not the suite's
        self.assertTrue(finance.has_group("account.group_account_manager"))
        self.assertTrue(accountant.has_group("account.group_account_manager"))
        # reception can no longer write an invoice over the ORM
        self.assertFalse(
            self.env["account.move"].with_user(reception).has_access("write")
        )
