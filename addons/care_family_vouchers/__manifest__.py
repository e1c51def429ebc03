{
    "name": "Care Family Portal: Money (家属端费用)",
    "summary": "The money section of the family portal: the elder's voucher "
    "balance and this month's burn-down, the co-payment invoices and their "
    "payment with Odoo's portal payment (members with the money permission)",
    "version": "18.0.1.0.0",
    "category": "Services/Elder Care",
    "author": "Elder Care CRM Suite",
    "license": "AGPL-3",
    "depends": ["care_family", "care_vouchers", "account_payment", "payment_demo"],
    "data": [
        "data/payment_provider_data.xml",
        "views/care_family_portal_templates.xml",
    ],
    "demo": ["demo/care_family_vouchers_demo.xml"],
    "assets": {
        "web.assets_tests": [
            "care_family_vouchers/static/tests/tours/*.js",
        ],
    },
    # installed with the family portal and the vouchers; the payment modules
    # come with it (the demo provider is disabled outside demo data)
    "auto_install": ["care_family", "care_vouchers"],
}
