{
    "name": "Care Health - Events (健康活动)",
    "summary": "The community's free check-ups, lectures and screening days on "
    "Odoo's event app: elders and the public register, attendance at the door, "
    "screening results recorded at the event",
    "version": "18.0.1.0.0",
    "category": "Services/Elder Care",
    "author": "Elder Care CRM Suite",
    "license": "AGPL-3",
    "depends": ["care_health", "event"],
    "data": [
        "security/care_health_event_security.xml",
        "security/ir.model.access.csv",
        "data/event_type_data.xml",
        "views/event_views.xml",
        "wizard/care_health_event_screening_views.xml",
        "views/care_health_event_menus.xml",
    ],
    "demo": [
        "demo/care_health_event_demo.xml",
    ],
    # not auto-installed: installing it makes every health team member an
    # event officer and adds menus for the reception; a centre that runs its
    # events elsewhere (or has no events app) should not get that by surprise
}
