{
    "name": "Care SMS",
    "summary": "Texts to families and elders through a Chinese SMS provider "
    "(Alibaba Cloud, Tencent Cloud, Odoo IAP or a test provider): approved "
    "templates, delivery receipts, retries, daily caps, opt-out",
    "version": "18.0.1.0.0",
    "category": "Services/Elder Care",
    "author": "Elder Care CRM Suite",
    "license": "AGPL-3",
    "depends": ["elder_crm", "sms"],
    "external_dependencies": {
        "python": ["alibabacloud-dysmsapi20170525", "tencentcloud-sdk-python-sms"]
    },
    "data": [
        "security/care_sms_security.xml",
        "security/ir.model.access.csv",
        "data/care_sms_template_data.xml",
        "data/ir_cron_data.xml",
        "views/care_sms_template_views.xml",
        "views/care_sms_message_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/care_sms_menus.xml",
    ],
    "demo": ["demo/care_sms_demo.xml"],
}
