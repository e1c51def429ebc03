{
    "name": "Care Family Portal: SMS Invitation (家属端短信邀请)",
    "summary": "Invite a family member to the portal by a text with a sign-up "
    "link, through care_sms's approved templates",
    "version": "18.0.1.0.0",
    "category": "Services/Elder Care",
    "author": "Elder Care CRM Suite",
    "license": "AGPL-3",
    "depends": ["care_family", "care_sms"],
    "data": ["views/care_family_access_views.xml"],
    "auto_install": True,
}
