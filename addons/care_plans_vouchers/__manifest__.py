{
    "name": "Care Plans and Vouchers",
    "summary": "Glue: a completed service is paid by the elder's plan quota "
    "first, then by vouchers, then by the co-payment",
    "version": "18.0.1.0.0",
    "category": "Services/Elder Care",
    "author": "Elder Care CRM Suite",
    "license": "AGPL-3",
    "depends": ["care_plans", "care_vouchers"],
    "auto_install": True,
}
