"""Alarm tickets opened before 18.0.1.1.0 carried the elder's medical rows
(conditions, allergies, medications, doctor, hospital) in ``care_card``,
which every reader of the ticket reads, and a vital-sign breach in the
description. Move the old card, as it was, to ``care_card_medical`` (read by
the medical groups only), give the ticket a card without medical rows, and
reduce the description of vital-sign alerts to their name."""

from markupsafe import Markup

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    Ticket = env["helpdesk.ticket"]
    tickets = Ticket.search(
        [
            ("care_alarm_kind", "!=", False),
            ("care_card", "!=", False),
            ("care_card_medical", "=", False),
        ]
    )
    for ticket in tickets:
        desk = Ticket.with_context(lang=Ticket._care_desk_lang(ticket.company_id))
        vals = {
            "care_card_medical": ticket.care_card,
            "care_card": desk._care_render_card(
                ticket.care_elder_id,
                ticket.care_device_id,
                None,
                None,
                ticket.care_map_url,
            ),
        }
        if ticket.care_alarm_kind == "vital_abnormal":
            vals["description"] = Markup("<p>%s</p>") % ticket.name
        ticket.write(vals)
