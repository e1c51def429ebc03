from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

MANAGER = "elder_crm.group_care_manager"
# permission name of the portal -> field of the access line
PERMISSIONS = {
    "schedule": "perm_schedule",
    "alarms": "perm_alarms",
    "health": "perm_health",
    "money": "perm_money",
    "book": "perm_book",
}


class CareFamilyAccess(models.Model):
    """What a family member (a contact of the elder with a portal login) may
    see of that elder on the portal.

    One line per contact: a daughter who follows both parents is a contact of
    each, so she has one line per parent. The portal reads the back office
    only after finding the caller's active line with the permission asked
    for (see ``_care_portal_line``): archiving the line or unticking a box
    takes effect on the next page.
    """

    _name = "care.family.access"
    _description = "Family Portal Access"
    _inherit = ["mail.thread", "care.guard.mixin"]
    _order = "elder_id, id"
    _check_company_auto = True

    contact_id = fields.Many2one(
        "care.elder.contact",
        "Family contact",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    elder_id = fields.Many2one(
        related="contact_id.elder_id", store=True, index=True, string="Elder"
    )
    partner_id = fields.Many2one(
        related="contact_id.partner_id", store=True, index=True, string="Member"
    )
    company_id = fields.Many2one(related="contact_id.company_id", store=True)
    relationship = fields.Selection(related="contact_id.relationship")
    active = fields.Boolean(default=True, tracking=True)
    perm_schedule = fields.Boolean(
        "Schedule and visits",
        default=True,
        tracking=True,
        help="Next visits, past visits with who came, check-in and check-out "
        "times, the worker's photos and the signature; rating a visit.",
    )
    perm_alarms = fields.Boolean(
        "Alarms", tracking=True, help="Alarms and how the desk handled them."
    )
    perm_health = fields.Boolean(
        "Health", tracking=True, help="The latest ability assessment and vitals."
    )
    perm_money = fields.Boolean(
        "Money", tracking=True, help="Voucher balance and co-payment invoices."
    )
    perm_book = fields.Boolean(
        "May book services",
        tracking=True,
        help="Request a service from the catalogue and cancel it before it is "
        "dispatched.",
    )
    consent = fields.Selection(
        [("elder", "The elder"), ("decision_maker", "The decision maker")],
        "Accepted by",
        tracking=True,
        help="Who accepted that this family member follows the elder on the "
        "portal. Without it the line grants nothing.",
    )
    consent_date = fields.Date("Accepted on", tracking=True)
    letter_opt_in = fields.Boolean(
        "Monthly letter",
        default=True,
        tracking=True,
        help="The member receives a monthly letter about the elder.",
    )
    user_id = fields.Many2one(
        "res.users",
        "Portal login",
        compute="_compute_user_id",
        compute_sudo=True,
        help="The portal user of the family member (invite them to create it).",
    )

    _sql_constraints = [
        (
            "contact_unique",
            "unique(contact_id)",
            "This family contact already has a portal access line: change its "
            "permissions there.",
        ),
    ]

    @api.depends("partner_id.user_ids")
    def _compute_user_id(self):
        for line in self:
            line.user_id = line.partner_id.with_context(active_test=False).user_ids[:1]

    def _compute_display_name(self):
        for line in self:
            line.display_name = self.env._(
                "%(member)s → %(elder)s",
                member=line.partner_id.name or "",
                elder=line.elder_id.name or "",
            )

    # ------------------------------------------------------------------
    # Back office
    # ------------------------------------------------------------------
    def _care_check_manager(self):
        if not self.env.su and not self.env.user.has_group(MANAGER):
            raise AccessError(
                self.env._("Only a care manager may give families portal access.")
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._care_check_manager()
        return super().create(vals_list)

    def write(self, vals):
        self._care_check_manager()
        return super().write(vals)

    def unlink(self):
        self._care_check_manager()
        return super().unlink()

    def action_invite(self):
        """Create the portal login of each member who has none (login: the
        e-mail address, else the mobile number) and send or show the
        invitation. Care managers only; the user is created by the system."""
        self._care_check_manager()
        self.check_access("write")
        created = self._care_create_logins()
        for user in created.filtered("email"):
            user.with_context(create_user=True).action_reset_password()
        for user in created.filtered(lambda u: not u.email):
            user.partner_id.signup_prepare()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s portal login(s) created.", count=len(created)
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _care_create_logins(self):
        """The portal users created for the active lines' members who have
        none (the caller checked the rights); refuses a line without consent
        or a member with a login that is not a portal login."""
        portal = self.env.ref("base.group_portal")
        created = self.env["res.users"].sudo()
        if self.filtered(lambda line: not line.consent):
            raise UserError(
                self.env._(
                    "Record who accepted the access (the elder or the decision "
                    "maker) before inviting the family member."
                )
            )
        for line in self.filtered("active"):
            partner = line.partner_id.sudo()
            user = partner.with_context(active_test=False).user_ids[:1]
            if user:
                if not user.active:
                    user.active = True
                if not user.share:
                    continue  # staff already log in with their own rights
                if portal not in user.groups_id:
                    raise UserError(
                        self.env._(
                            "%(name)s already has a login that is not a portal login.",
                            name=partner.name,
                        )
                    )
                continue
            login = partner.email or line.contact_id.mobile_sanitized
            if not login:
                raise UserError(
                    self.env._(
                        "%(name)s has neither an e-mail address nor a mobile "
                        "number: add one to invite them.",
                        name=partner.name,
                    )
                )
            created |= (
                self.env["res.users"]
                .sudo()
                .with_context(no_reset_password=True)
                ._create_user_from_template(
                    {
                        "login": login,
                        "partner_id": partner.id,
                        "company_id": line.company_id.id,
                        "company_ids": [(6, 0, line.company_id.ids)],
                    }
                )
            )
        return created

    # ------------------------------------------------------------------
    # The portal's check
    # ------------------------------------------------------------------
    @api.model
    def _care_portal_lines(self):
        """The caller's active lines (as the system, for the caller's own
        partner only)."""
        partner = self.env.user.partner_id
        if not partner or self.env.user._is_public():
            return self.sudo().browse()
        return (
            self.sudo()
            .with_context(active_test=True)
            .search([("partner_id", "=", partner.id), ("consent", "!=", False)])
            .filtered(lambda line: line.elder_id.active)
        )

    @api.model
    def _care_portal_line(self, elder_id, permission=None):
        """The caller's active line for the elder that grants ``permission``
        (one of PERMISSIONS), or an empty recordset: nothing of the elder may
        be shown then."""
        if not isinstance(elder_id, int) or isinstance(elder_id, bool):
            return self.sudo().browse()
        lines = self._care_portal_lines().filtered(
            lambda line: line.elder_id.id == elder_id
        )
        if permission:
            lines = lines.filtered(PERMISSIONS[permission])
        return lines[:1]
