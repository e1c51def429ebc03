"""The alarm's status page: the link in the alarm texts to the family.

Open to the internet: the key in the address is the only credential, so the
page shows what a family member already knows from the text (whose alarm,
which, when) and what the desk did, never an address, a position, a phone
number or the desk's notes."""

from odoo import fields
from odoo.http import Controller, request, route


def mask_name(name):
    """张秀英 -> 张**: enough for the family, nothing for a stranger."""
    name = (name or "").strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


class CareAlarmStatus(Controller):
    @route(
        "/care/alarm/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def care_alarm_status(self, token, **kw):
        Ticket = request.env["helpdesk.ticket"]
        ticket = Ticket._care_sms_status_ticket(token)
        if not ticket:
            return request.not_found()
        lang = Ticket._care_desk_lang(ticket.company_id)
        request.update_context(lang=lang)
        ticket = ticket.with_context(lang=lang)
        env = ticket.env
        tz = ticket.company_id.partner_id.tz or "Asia/Shanghai"

        def local(value):
            if not value:
                return ""
            stamp = fields.Datetime.context_timestamp(ticket.with_context(tz=tz), value)
            return stamp.strftime("%Y-%m-%d %H:%M")

        kinds = dict(ticket._fields["care_alarm_kind"]._description_selection(env))
        outcomes = dict(ticket._fields["care_outcome"]._description_selection(env))
        if ticket.closed:
            state = "closed"
        elif ticket.care_ack_date:
            state = "handling"
        else:
            state = "received"
        elder = mask_name(ticket.care_elder_id.name)
        alarm = kinds.get(ticket.care_alarm_kind, "")
        values = {
            "heading": env._("%(alarm)s alarm of %(elder)s", alarm=alarm, elder=elder),
            "elder": elder,
            "alarm": alarm,
            "received": local(ticket.care_alarm_time or ticket.create_date),
            "acknowledged": local(ticket.care_ack_date),
            "closed": local(ticket.closed_date) if ticket.closed else "",
            "outcome": outcomes.get(ticket.care_outcome, "") if ticket.closed else "",
            "state": state,
            "centre": ticket.company_id.name,
            "centre_phone": ticket.company_id.phone or "",
            # the family portal, where installed, shows the whole handling trail
            "portal_url": "/my/elders" if "care.family.access" in request.env else "",
        }
        response = request.render("care_sms_devices.alarm_status_page", values)
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response
