{
    "name": "Care Map (服务地图)",
    "summary": "One map for dispatchers and the emergency desk: elders' homes, "
    "open service orders by state and urgency, workers' last check-in and "
    "(with care_devices) active alarms, on PostGIS with a Chinese or "
    "international base map",
    "version": "18.0.1.0.0",
    "category": "Services/Elder Care",
    "author": "Elder Care CRM Suite",
    "license": "AGPL-3",
    "depends": ["base_geoengine", "elder_crm", "care_dispatch"],
    "external_dependencies": {"python": ["shapely", "geojson"]},
    "data": [
        "data/ir_config_parameter_data.xml",
        "views/care_map_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "demo": ["demo/care_map_demo.xml"],
    "assets": {
        "web.assets_backend": [
            "care_map/static/src/map/*",
        ],
    },
}
