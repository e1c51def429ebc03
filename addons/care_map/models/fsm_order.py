from shapely.geometry import Point

from odoo import fields, models

from odoo.addons.elder_crm.tools import geo


class FsmOrder(models.Model):
    _inherit = "fsm.order"

    def _care_map_track_worker(self, latitude, longitude):
        """The worker's last known position, for the map (after the visit
        code has checked the caller and recorded the check-in/out)."""
        if not geo.valid(latitude, longitude):
            return
        persons = self.mapped("person_id")
        if persons:
            persons.sudo().write(
                {
                    "care_last_point": Point(float(longitude), float(latitude)),
                    "care_last_seen_at": fields.Datetime.now(),
                }
            )

    def action_care_checkin(self, latitude=None, longitude=None):
        result = super().action_care_checkin(latitude=latitude, longitude=longitude)
        self._care_map_track_worker(latitude, longitude)
        return result

    def action_care_checkout(self, latitude=None, longitude=None):
        result = super().action_care_checkout(latitude=latitude, longitude=longitude)
        self._care_map_track_worker(latitude, longitude)
        return result
