from odoo import fields, models

from odoo.addons.base_geoengine import fields as geo_fields


class FsmPerson(models.Model):
    _name = "fsm.person"
    _inherit = ["fsm.person", "care.guard.mixin"]

    # where and when the worker last checked in or out (WGS-84): evidence
    # the visit code writes, never a client
    _care_protected_fields = ("care_last_point", "care_last_seen_at")

    care_last_point = geo_fields.GeoPoint(
        "Last check-in position", srid=4326, readonly=True, copy=False
    )
    care_last_seen_at = fields.Datetime("Last check-in", readonly=True, copy=False)
