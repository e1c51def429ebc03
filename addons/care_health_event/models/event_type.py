from odoo import fields, models

HEALTH_KINDS = [
    ("lecture", "Health Lecture"),
    ("checkup", "Free Check-up"),
    ("screening", "Screening Day"),
]


class EventType(models.Model):
    _inherit = "event.type"

    care_health_kind = fields.Selection(
        HEALTH_KINDS,
        string="Health Event Kind",
        help="Events of this template are health events: the health team "
        "manages them and records screenings at the door.",
    )
