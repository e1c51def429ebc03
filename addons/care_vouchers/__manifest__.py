{
    "name": "Care Vouchers (服务券)",
    "summary": "Government service vouchers: programmes, elder entitlements, one "
    "ledger for every balance, monthly issuance, roll-over, redemption on "
    "completed service orders",
    "version": "18.0.1.1.0",
    "category": "Services/Elder Care",
    "author": "Elder Care CRM Suite",
    "license": "AGPL-3",
    "depends": ["care_dispatch", "account"],
    "external_dependencies": {"python": ["qrcode"]},
    "data": [
        "security/care_vouchers_groups.xml",
        "security/ir.model.access.csv",
        "security/care_vouchers_security.xml",
        "data/ir_cron_data.xml",
        "data/ir_sequence_data.xml",
        "data/mail_activity_data.xml",
        "data/base_import_mapping_data.xml",
        "views/care_voucher_entitlement_views.xml",
        "views/care_voucher_programme_views.xml",
        "views/care_voucher_line_views.xml",
        "views/care_elder_views.xml",
        "views/fsm_order_views.xml",
        "views/care_voucher_settle_views.xml",
        "views/care_voucher_card_views.xml",
        "views/care_voucher_report_views.xml",
        "report/care_voucher_statement.xml",
        "views/care_vouchers_menus.xml",
    ],
    "demo": [
        "demo/care_vouchers_demo.xml",
    ],
}
