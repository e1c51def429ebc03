from odoo import api, fields, models
from odoo.exceptions import AccessError

from .care_sms_message import SENDER_GROUPS


class ResPartner(models.Model):
    _inherit = "res.partner"

    care_sms_marketing_consent = fields.Boolean(
        "Consents to marketing texts",
        copy=False,
        help="Promotions are marketing; alarms and service texts are not.",
    )
    care_sms_consent_date = fields.Datetime(
        "Marketing consent changed at", readonly=True, copy=False
    )
    care_sms_consent_user_id = fields.Many2one(
        "res.users", "Marketing consent recorded by", readonly=True, copy=False
    )
    care_sms_opted_out = fields.Boolean(
        "Opted out of texts", compute="_compute_care_sms_opted_out"
    )

    @api.depends("mobile")
    def _compute_care_sms_opted_out(self):
        Message = self.env["care.sms.message"]
        for partner in self:
            number = Message.env["care.elder"]._sanitize_number(partner.mobile)
            partner.care_sms_opted_out = bool(number) and Message._care_opted_out(
                number
            )

    def _care_check_staff(self):
        if not any(self.env.user.has_group(group) for group in SENDER_GROUPS):
            raise AccessError(
                self.env._("Only the centre's staff may change who receives texts.")
            )
        self.check_access("write")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals.pop("care_sms_consent_date", None)
            vals.pop("care_sms_consent_user_id", None)
        partners = super().create(vals_list)
        partners.filtered("care_sms_marketing_consent")._care_record_consent()
        return partners

    def write(self, vals):
        if not self.env.su:
            vals = dict(vals)
            vals.pop("care_sms_consent_date", None)
            vals.pop("care_sms_consent_user_id", None)
        res = super().write(vals)
        if "care_sms_marketing_consent" in vals:
            self._care_record_consent()
        return res

    def _care_record_consent(self):
        """Who changed the marketing consent and when, in the chatter too."""
        self.sudo().write(
            {
                "care_sms_consent_date": fields.Datetime.now(),
                "care_sms_consent_user_id": self.env.user.id,
            }
        )
        for partner in self:
            partner.sudo().message_post(
                body=self.env._(
                    "Consent to marketing texts: %(answer)s (recorded by %(user)s).",
                    answer=self.env._("yes")
                    if partner.care_sms_marketing_consent
                    else self.env._("no"),
                    user=self.env.user.name,
                ),
                message_type="notification",
            )

    def action_care_sms_opt_out(self):
        """Staff: this person does not want texts any more (except alarms)."""
        self._care_check_staff()
        self._care_blacklist(
            True, self.env._("Opt-out recorded by %s.", self.env.user.name)
        )
        return True

    def action_care_sms_opt_in(self):
        self._care_check_staff()
        self._care_blacklist(
            False, self.env._("Opt-in recorded by %s.", self.env.user.name)
        )
        return True

    def _care_blacklist(self, add, note):
        Elder = self.env["care.elder"]
        numbers = [
            number
            for number in (Elder._sanitize_number(p.mobile) for p in self)
            if number
        ]
        if numbers:
            Blacklist = self.env["phone.blacklist"].sudo()
            (Blacklist._add if add else Blacklist._remove)(numbers, message=note)
