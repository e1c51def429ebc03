{
    "name": "Care Health - Devices",
    "summary": "Feeds the vital signs of telecare devices into the health team's "
    "readings and trend rules",
    "version": "18.0.1.0.0",
    "category": "Services/Elder Care",
    "author": "Elder Care CRM Suite",
    "license": "AGPL-3",
    "depends": ["care_health", "care_devices"],
    "auto_install": True,
}
