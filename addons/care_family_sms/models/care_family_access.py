import secrets
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

# how long the link of a texted invitation opens the sign-up page
INVITE_DAYS = 3
TOKEN_BYTES = 16


class CareFamilyAccess(models.Model):
    _inherit = "care.family.access"

    # the key of the texted link: read and written by the system only
    care_invite_token = fields.Char(
        copy=False, index="btree_not_null", groups="base.group_system"
    )
    care_invite_expires = fields.Datetime(copy=False, groups="base.group_system")

    def action_invite_sms(self):
        """Create the member's portal login if needed and text them a link
        to choose their password (care_sms's *Portal invitation* template,
        with the provider's approved text). Care managers only."""
        self._care_check_manager()
        self.check_access("write")
        lines = self.filtered("active")
        if not lines:
            raise UserError(self.env._("Invite an active access line."))
        Message = self.env["care.sms.message"].sudo()
        # the checks that need no login first: nothing is created for a
        # member who cannot be texted
        for line in lines:
            partner = line.partner_id.sudo()
            mobile = line.contact_id.mobile or partner.mobile
            if not mobile:
                raise UserError(
                    self.env._(
                        "%(name)s has no mobile number: add one to text them.",
                        name=partner.name,
                    )
                )
            Message._care_mobile(mobile)
        lines._care_create_logins()
        texted = 0
        for line in lines:
            partner = line.partner_id.sudo()
            user = partner.user_ids[:1]
            if not user.share:
                raise UserError(
                    self.env._(
                        "%(name)s logs in as staff: no portal invitation.",
                        name=partner.name,
                    )
                )
            if user.login_date:
                raise UserError(
                    self.env._(
                        "%(name)s already uses the portal: no new invitation "
                        "(they can reset their password on the login page).",
                        name=partner.name,
                    )
                )
            partner.signup_prepare()
            token = secrets.token_urlsafe(TOKEN_BYTES)
            # refused (UserError / ValidationError, nothing sent) for an
            # opted-out number, the daily cap, a missing template or a text
            # too long: the transaction, logins included, is undone
            message = Message._care_queue(
                "portal_invitation",
                line.contact_id.mobile or partner.mobile,
                {
                    "elder": line.elder_id.name,
                    "link": f"{line.get_base_url()}/my/invite/{token}",
                },
                partner=partner,
                company=line.company_id,
                origin=line,
            )
            line.sudo().write(
                {
                    "care_invite_token": token,
                    "care_invite_expires": fields.Datetime.now()
                    + timedelta(days=INVITE_DAYS),
                }
            )
            line.sudo().message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Portal invitation texted to %(number)s.", number=message.number
                ),
                message_type="notification",
            )
            texted += 1
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("%(count)s invitation(s) texted.", count=texted),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @api.model
    def _care_invite_line(self, token):
        """The active line whose texted link ``token`` is, while it is valid:
        not expired, and its member has never logged in (after the first
        log-in the link would only reset their password)."""
        if not isinstance(token, str) or not 16 <= len(token) <= 64:
            return self.sudo().browse()
        line = (
            self.sudo()
            .with_context(active_test=True)
            .search([("care_invite_token", "=", token)], limit=1)
        )
        if (
            not line
            or not line.consent
            or not line.care_invite_expires
            or line.care_invite_expires < fields.Datetime.now()
        ):
            return self.sudo().browse()
        user = line.partner_id.user_ids[:1]
        if not user or not user.share or user.login_date:
            return self.sudo().browse()
        return line
