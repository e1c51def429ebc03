from odoo import api, models
from odoo.tools import SQL

from odoo.addons.care_map.models.care_map import DESK

ALARM_COLOR = "#d50000"
ACKNOWLEDGED_COLOR = "#ff8f00"


class CareMap(models.AbstractModel):
    _inherit = "care.map"

    @api.model
    def _care_map_layer_groups(self):
        layers = super()._care_map_layer_groups()
        layers["alarms"] = (self.env._("Active alarms"), (DESK,))
        return layers

    @api.model
    def _care_map_alarms(self, envelope, filters):
        """Open alarm tickets where the wearer was last seen (the device's
        last valid position), else at the elder's home."""
        Ticket = self.env["helpdesk.ticket"]

        def locate(query):
            device = query.left_join(
                query.table, "care_device_id", "care_device", "id", "care_map_device"
            )
            elder = query.left_join(
                query.table, "care_elder_id", "care_elder", "id", "care_map_elder"
            )
            lat = SQL.identifier(device, "last_latitude")
            lon = SQL.identifier(device, "last_longitude")
            return SQL(
                "(CASE WHEN %(lat)s BETWEEN -90 AND 90 AND %(lon)s BETWEEN -180 AND 180 "
                "AND NOT (%(lat)s = 0 AND %(lon)s = 0) "
                "THEN ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) ELSE %(home)s END)",
                lat=lat,
                lon=lon,
                home=SQL.identifier(elder, "care_home_point"),
            )

        rows, clusters, total = self._care_map_query(
            "helpdesk.ticket",
            [("care_alarm_kind", "!=", False), ("closed", "=", False)],
            envelope,
            locate,
            lambda query: [
                SQL.identifier(query.table, name)
                for name in (
                    "number",
                    "care_alarm_kind",
                    "care_alarm_time",
                    "care_ack_date",
                )
            ],
        )
        kinds = dict(Ticket._fields["care_alarm_kind"]._description_selection(self.env))
        features = [
            {
                "id": id_,
                "lon": lon_,
                "lat": lat_,
                "model": "helpdesk.ticket",
                "name": number or str(id_),
                "info": " · ".join(
                    v
                    for v in (
                        kinds.get(kind),
                        alarm_at and alarm_at.isoformat(sep=" ", timespec="seconds"),
                        (ack and self.env._("acknowledged"))
                        or self.env._("not acknowledged"),
                    )
                    if v
                ),
                "color": ACKNOWLEDGED_COLOR if ack else ALARM_COLOR,
                "stroke": "#ffffff",
            }
            for id_, lon_, lat_, number, kind, alarm_at, ack in rows
        ]
        return {"features": features, "clusters": clusters, "total": total}
