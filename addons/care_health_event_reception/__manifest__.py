{
    "name": "Care Health - Events and Reception",
    "summary": "Registrations of people not yet elders to health events become "
    "reception leads tagged with the event",
    "version": "18.0.1.0.0",
    "category": "Services/Elder Care",
    "author": "Elder Care CRM Suite",
    "license": "AGPL-3",
    "depends": ["care_health_event", "care_reception", "event_crm"],
    "data": [
        "data/care_health_event_reception_data.xml",
    ],
    "auto_install": True,
}
