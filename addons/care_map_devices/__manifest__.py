{
    "name": "Care Map and Alarms (服务地图·告警)",
    "summary": "Glue: the emergency desk's active alarms on the care map, at "
    "the device's last position (else the elder's home)",
    "version": "18.0.1.0.0",
    "category": "Services/Elder Care",
    "author": "Elder Care CRM Suite",
    "license": "AGPL-3",
    "depends": ["care_map", "care_devices"],
    "data": ["views/care_map_devices_views.xml"],
    "auto_install": True,
}
