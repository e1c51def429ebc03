{
    "name": "Care Health (家庭医生签约与慢病随访)",
    "summary": "Family-doctor teams and contracts, hypertension and type-2 diabetes "
    "follow-up at the national cadence, readings, trend rules and 48-hour "
    "interventions, two-way referrals, diabetes risk screening",
    "version": "18.0.1.0.0",
    "category": "Services/Elder Care",
    "author": "Elder Care CRM Suite",
    "license": "AGPL-3",
    "depends": ["elder_crm", "mail"],
    "data": [
        "security/care_health_groups.xml",
        "security/ir.model.access.csv",
        "security/care_health_security.xml",
        "data/care_health_data.xml",
        "data/ir_cron_data.xml",
        "report/care_health_referral_report.xml",
        "report/care_health_quarterly_report.xml",
        "views/care_health_team_views.xml",
        "views/care_health_registry_views.xml",
        "views/care_health_reading_views.xml",
        "views/care_health_intervention_views.xml",
        "views/care_health_referral_views.xml",
        "views/care_health_screening_views.xml",
        "views/care_health_config_views.xml",
        "views/res_config_settings_views.xml",
        "views/care_health_quarterly_views.xml",
        "views/care_health_menus.xml",
    ],
    "demo": [
        "demo/care_health_demo.xml",
    ],
}
