"""Health details no longer live in the worker's notes of service orders.

Orders created before 18.0.1.1.0 copied the elder's allergies and a line
saying how to talk with an elder with dementia into ``care_worker_notes``,
which every role reading the order sees. Those lines (as generated, in
English or Chinese) are taken out, the order is flagged *Health notes* and
the notes say to ask the care coordinator; the details are read from the
archive by the roles allowed to (``care_health_notes``)."""

from odoo import api
from odoo.tools import SQL

HEALTH_PREFIXES = ("Allergies: ", "过敏：")
MEMORY_LINES = (
    "Memory: speak slowly, one thing at a time.",
    "记忆：说话慢一点，一次只说一件事。",
)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, api.SUPERUSER_ID, {})
    cr.execute(
        SQL(
            "SELECT id, care_worker_notes FROM fsm_order "
            "WHERE care_worker_notes IS NOT NULL AND care_elder_id IS NOT NULL"
        )
    )
    Order = env["fsm.order"]
    for order_id, notes in cr.fetchall():
        lines = notes.split("\n")
        kept = [
            line
            for line in lines
            if not line.startswith(HEALTH_PREFIXES) and line not in MEMORY_LINES
        ]
        if len(kept) == len(lines):
            continue
        order = Order.browse(order_id)
        kept.append(env._("Health notes: ask the care coordinator before the visit."))
        order.write(
            {"care_worker_notes": "\n".join(kept), "care_has_health_notes": True}
        )
