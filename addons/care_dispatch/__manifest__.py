{
    "name": "Care Dispatch (呼叫中心与服务商)",
    "summary": "The call centre and its providers on OCA Field Service: calls with "
    "screen pop, service catalogue, service orders at the elder's home, "
    "franchised providers with qualifications, ranked dispatch",
    "version": "18.0.1.1.0",
    "category": "Services/Elder Care",
    "author": "Elder Care CRM Suite",
    "license": "AGPL-3",
    "depends": ["elder_crm", "fieldservice", "base_territory"],
    "data": [
        "security/care_dispatch_groups.xml",
        "security/ir.model.access.csv",
        "security/care_dispatch_security.xml",
        "data/care_service_category_data.xml",
        "data/ir_sequence_data.xml",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "data/base_import_mapping_data.xml",
        "views/care_service_category_views.xml",
        "views/care_provider_views.xml",
        "views/care_evv_review_views.xml",
        "views/fsm_order_views.xml",
        "views/care_knowledge_views.xml",
        "views/care_call_views.xml",
        "views/care_callback_views.xml",
        "views/care_service_report_views.xml",
        "views/care_community_views.xml",
        "views/care_service_export_views.xml",
        "views/fsm_person_views.xml",
        "views/res_config_settings_views.xml",
        "views/care_dispatch_menus.xml",
    ],
    "demo": [
        "demo/care_dispatch_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "care_dispatch/static/tests/tours/*.js",
        ],
    },
}
