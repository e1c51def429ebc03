{
    "name": "Care Plans and Devices",
    "summary": "Devices sold with stock serial numbers: a sale order delivers a "
    "serial, activation binds it to the elder and adds the SIM tariff to the "
    "plan's contract, a return unbinds it",
    "version": "18.0.1.0.0",
    "category": "Services/Elder Care",
    "author": "Elder Care CRM Suite",
    "license": "AGPL-3",
    "depends": ["care_plans", "care_devices", "sale_stock"],
    "data": [
        "security/care_plans_devices_security.xml",
        "views/care_plans_devices_views.xml",
    ],
}
