{
    "name": "Care Family Portal: Alarms (家属端报警)",
    "summary": "The alarms of the family's elder on the portal: when, what, how "
    "the desk handled it and the outcome (for members with the alarms "
    "permission)",
    "version": "18.0.1.0.0",
    "category": "Services/Elder Care",
    "author": "Elder Care CRM Suite",
    "license": "AGPL-3",
    "depends": ["care_family", "care_devices"],
    "data": ["views/care_family_portal_templates.xml"],
    "auto_install": True,
}
