import logging

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

_logger = logging.getLogger(__name__)

# the alarms the families are texted about
SMS_ALARMS = ("sos", "fall")


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    care_sms_alarm_sent = fields.Boolean("Alarm texted", readonly=True, copy=False)
    care_sms_outcome_sent = fields.Boolean("Outcome texted", readonly=True, copy=False)

    @api.model
    def _care_guarded_fields(self):
        return super()._care_guarded_fields() | {
            "care_sms_alarm_sent",
            "care_sms_outcome_sent",
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

    def _care_sms_contacts(self):
        """The elder's emergency contacts who agreed to alarm texts."""
        return self.care_elder_id.sudo().contact_ids.filtered(
            lambda c: c.is_emergency and c.care_sms_alarm and c.mobile
        )

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
            sent = []
            for contact in ticket._care_sms_contacts():
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
