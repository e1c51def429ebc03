{
    "name": "Care Family Portal (家属端)",
    "summary": "The family's side on Odoo's portal, phone first: their elders' "
    "visits with who came and the worker's photos, service requests and "
    "ratings, per-contact permissions set by the care manager",
    "version": "18.0.1.1.0",
    "category": "Services/Elder Care",
    "author": "Elder Care CRM Suite",
    "license": "AGPL-3",
    "depends": ["portal", "elder_crm", "care_dispatch"],
    "data": [
        "security/ir.model.access.csv",
        "security/care_family_security.xml",
        "data/ir_cron_data.xml",
        "report/care_family_letter_report.xml",
        "views/care_family_access_views.xml",
        "views/care_family_rating_views.xml",
        "views/care_family_letter_views.xml",
        "views/fsm_order_views.xml",
        "views/care_family_portal_templates.xml",
    ],
    "demo": [
        "demo/care_family_demo.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "care_family/static/src/scss/care_family_portal.scss",
        ],
        "web.assets_tests": [
            "care_family/static/tests/tours/*.js",
        ],
    },
}
