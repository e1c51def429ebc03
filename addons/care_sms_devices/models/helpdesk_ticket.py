import logging
import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

_logger = logging.getLogger(__name__)

# the alarms the families are texted about
SMS_ALARMS = ("sos", "fall")
# how long after its closing an alarm's status page still answers
STATUS_DAYS = 7


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    care_sms_alarm_sent = fields.Boolean("Alarm texted", readonly=True, copy=False)
    care_sms_outcome_sent = fields.Boolean("Outcome texted", readonly=True, copy=False)
    # the secret of the alarm's public status page (the link in the texts)
    care_sms_token = fields.Char(
        "Status page key",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="elder_crm.group_care_emergency,base.group_system",
    )

    @api.model
    def _care_guarded_fields(self):
        return super()._care_guarded_fields() | {
            "care_sms_alarm_sent",
            "care_sms_outcome_sent",
            "care_sms_token",
        }

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        tickets.filtered(
            lambda t: t.care_alarm_kind in SMS_ALARMS and t.care_elder_id
        )._care_sms_alarm("alarm_open")
        return tickets

    def _care_close(self, outcome, note=False):
        res = super()._care_close(outcome, note)
        self.filtered(
            lambda t: (
                t.care_alarm_kind in SMS_ALARMS
                and t.care_elder_id
                and t.care_sms_alarm_sent
            )
        )._care_sms_alarm("alarm_closed")
        return res

    def _care_cancel_by_wearer(self, event):
        """The family texted about the alarm hears that it was a false alarm
        the wearer cancelled (the desk's closing method is not involved)."""
        res = super()._care_cancel_by_wearer(event)
        self.filtered(
            lambda t: (
                t.care_alarm_kind in SMS_ALARMS
                and t.care_elder_id
                and t.care_sms_alarm_sent
            )
        )._care_sms_alarm("alarm_closed")
        return res

    def _care_sms_contacts(self):
        """The elder's emergency contacts who agreed to alarm texts."""
        return self.care_elder_id.sudo().contact_ids.filtered(
            lambda c: c.is_emergency and c.care_sms_alarm and c.mobile
        )

    def _care_sms_status_url(self):
        """The short link of the alarm's status page, made on first use."""
        self.ensure_one()
        ticket = self.sudo()
        if not ticket.care_sms_token:
            # 16 random bytes: 22 characters nobody can guess
            ticket.write({"care_sms_token": secrets.token_urlsafe(16)})
        base = ticket.get_base_url().rstrip("/")
        return f"{base}/care/alarm/{ticket.care_sms_token}"

    @api.model
    def _care_sms_status_ticket(self, token):
        """The alarm whose status page ``token`` opens, or an empty recordset:
        an unknown key, an alarm not texted about, or one closed more than
        STATUS_DAYS ago."""
        if not token or len(token) < 20 or len(token) > 64:
            return self.browse()
        ticket = self.sudo().search([("care_sms_token", "=", token)], limit=1)
        if not ticket or not secrets.compare_digest(ticket.care_sms_token, token):
            return self.browse()
        if (
            ticket.closed
            and ticket.closed_date
            and (
                ticket.closed_date < fields.Datetime.now() - timedelta(days=STATUS_DAYS)
            )
        ):
            return self.browse()
        return ticket

    def _care_sms_alarm(self, kind):
        """One text per contact and ticket: the flag is set in the same
        transaction, so a joined second alarm (same ticket) or a second close
        texts nobody again."""
        flag = (
            "care_sms_alarm_sent" if kind == "alarm_open" else "care_sms_outcome_sent"
        )
        for ticket in self.sudo().filtered(lambda t: not t[flag]):
            # in the desk's language (Chinese for a Chinese centre), as the card
            ticket = ticket.with_context(lang=ticket._care_desk_lang(ticket.company_id))
            env = ticket.env
            Message = env["care.sms.message"]
            kinds = dict(self._fields["care_alarm_kind"]._description_selection(env))
            outcomes = dict(self._fields["care_outcome"]._description_selection(env))
            elder = ticket.care_elder_id
            params = {"elder": elder.name, "alarm": kinds[ticket.care_alarm_kind]}
            if kind == "alarm_open":
                params["time"] = fields.Datetime.context_timestamp(
                    ticket.with_context(tz=self.env.user.tz or "Asia/Shanghai"),
                    ticket.care_alarm_time or fields.Datetime.now(),
                ).strftime("%H:%M")
            else:
                params["outcome"] = outcomes.get(ticket.care_outcome, "")
            # a link to the status page where the centre's approved template
            # has one (older templates without it still send)
            contacts = ticket._care_sms_contacts()
            try:
                template = Message._care_template(kind, ticket.company_id)
            except UserError:
                template = None  # refused below, noted per contact
            if contacts and template and "link" in template._param_list():
                params["link"] = ticket._care_sms_status_url()
            sent = []
            for contact in contacts:
                try:
                    Message._care_queue(
                        kind,
                        contact.mobile,
                        params,
                        partner=contact.partner_id,
                        company=ticket.company_id,
                        origin=ticket,
                    )
                except (UserError, ValidationError) as error:
                    # one bad number does not keep the others from their text
                    ticket.message_post(
                        body=env._(
                            "No text to %(who)s: %(reason)s",
                            who=contact.name,
                            reason=str(error.args[0]),
                        ),
                        message_type="notification",
                    )
                    continue
                sent.append(contact.name)
            # superuser: the flag is guarded against clients
            ticket.sudo().write({flag: True})
            if sent:
                ticket.message_post(
                    body=env._("Texted to %(who)s.", who=", ".join(sent)),
                    message_type="notification",
                )
        return True
