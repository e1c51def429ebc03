from shapely.geometry import Point

from odoo import api, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.base_geoengine import fields as geo_fields
from odoo.addons.elder_crm.tools import geo

MANAGER = "elder_crm.group_care_manager"


class CareElder(models.Model):
    _inherit = "care.elder"

    # WGS-84 (SRID 4326), what devices and phones report; PostGIS GiST index
    care_home_point = geo_fields.GeoPoint(
        "Home on the map",
        srid=4326,
        compute="_compute_care_home_point",
        store=True,
        readonly=True,
        copy=False,
    )

    @api.depends("partner_latitude", "partner_longitude")
    def _compute_care_home_point(self):
        for elder in self:
            lat, lon = elder.partner_latitude, elder.partner_longitude
            elder.care_home_point = Point(lon, lat) if geo.valid(lat, lon) else False

    def action_care_place_home(self, latitude, longitude, datum="wgs84"):
        """A manager places the elder's home on the map (the pin they drop
        is in the base map's datum: GCJ-02 on AMap; stored in WGS-84)."""
        self.ensure_one()
        if not self.env.user.has_group(MANAGER):
            raise AccessError(
                self.env._("Only a care manager may place an elder's home on the map.")
            )
        self.check_access("write")
        if datum not in ("wgs84", "gcj02"):
            raise UserError(self.env._("Unknown map datum: %s", datum))
        if not all(
            isinstance(v, int | float) and not isinstance(v, bool)
            for v in (latitude, longitude)
        ) or not geo.valid(latitude, longitude):
            raise UserError(self.env._("This position is not on the earth."))
        if datum == "gcj02":
            latitude, longitude = geo.gcj02_to_wgs84(latitude, longitude)
        latitude, longitude = round(latitude, 7), round(longitude, 7)
        self.sudo().partner_id.write(
            {"partner_latitude": latitude, "partner_longitude": longitude}
        )
        lat, lon = f"{latitude:.6f}", f"{longitude:.6f}"
        message = self.env._(
            "Home placed on the map at %(lat)s, %(lon)s (WGS-84).", lat=lat, lon=lon
        )
        self.message_post(body=message)
        return True
