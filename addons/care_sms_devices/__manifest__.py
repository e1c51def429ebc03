{
    "name": "Care SMS for Alarms",
    "summary": "Texts the emergency contacts who opted in when an SOS or fall "
    "alarm opens, with a link to the alarm's status page, and the outcome when "
    "the desk closes it",
    "version": "18.0.1.0.0",
    "category": "Services/Elder Care",
    "author": "Elder Care CRM Suite",
    "license": "AGPL-3",
    "depends": ["care_sms", "care_devices"],
    "auto_install": True,
    "data": [
        "views/care_elder_contact_views.xml",
        "views/alarm_status_templates.xml",
    ],
}
