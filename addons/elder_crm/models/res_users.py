from odoo import Command, api, models

# who bills in a care centre: finance (the care manager has finance), and the
# administrators
BILLING_KEEPERS = ("elder_crm.group_care_finance", "base.group_system")


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model
    def _care_restrict_accounting(self):
        """Only finance keeps Invoicing rights.

        Odoo's Invoicing, when installed, gives the Invoicing administrator
        group to the template new users are made from, and so to every
        internal user existing then (meant for a small shop where everybody
        bills). In a care centre that made receptionists, dispatchers and the
        emergency desk accounting administrators. Called by the suite's
        addons that bring Invoicing (data): the template loses the group, and
        the suite's staff outside finance lose the Invoicing groups; other
        users (an accountant without a care role) are left as they are."""
        manager = self.env.ref(
            "account.group_account_manager", raise_if_not_found=False
        )
        if not manager:
            return False
        Groups = self.env["res.groups"].sudo()
        accounting = (manager | manager.trans_implied_ids).filtered(
            lambda group: (
                group.get_external_id().get(group.id, "").startswith("account.")
            )
        )
        template = self.env.ref("base.default_user", raise_if_not_found=False)
        if template:
            template.sudo().write(
                {"groups_id": [Command.unlink(group.id) for group in accounting]}
            )
        suite_groups = Groups.browse(
            self.env["ir.model.data"]
            .sudo()
            .search(
                [
                    ("model", "=", "res.groups"),
                    "|",
                    ("module", "=", "elder_crm"),
                    ("module", "=like", "care\\_%"),
                ]
            )
            .mapped("res_id")
        ).exists()
        keepers = self.browse()
        for xmlid in BILLING_KEEPERS:
            group = self.env.ref(xmlid, raise_if_not_found=False)
            if group:
                keepers |= group.users
        staff = (suite_groups.users - keepers).filtered(lambda user: not user.share)
        staff = staff.filtered(lambda user: user.groups_id & accounting)
        if staff:
            staff.sudo().write(
                {"groups_id": [Command.unlink(group.id) for group in accounting]}
            )
        return True
