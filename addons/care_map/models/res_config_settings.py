from odoo import fields, models

TILE_SOURCES = [
    ("amap", "AMap (高德, GCJ-02, no key)"),
    ("tianditu", "Tianditu (天地图, CGCS2000, key)"),
    ("osm", "OpenStreetMap (WGS-84)"),
    ("none", "No base map (offline)"),
]


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    care_map_tile_source = fields.Selection(
        TILE_SOURCES,
        "Base map",
        config_parameter="care_map.tile_source",
        default="amap",
    )
    care_map_tianditu_key = fields.Char(
        "Tianditu key", config_parameter="care_map.tianditu_key"
    )
