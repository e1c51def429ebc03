{
    "name": "Residence and Vouchers (床位费与服务券/长护险)",
    "summary": "Glue: the share of a stay's monthly fee that a residential "
    "voucher or long-term-care insurance programme covers is redeemed from the "
    "elder's balance and invoiced to the programme's funding body; the rest to "
    "the stay's payer",
    "version": "18.0.1.0.0",
    "category": "Services/Elder Care",
    "author": "Elder Care CRM Suite",
    "license": "AGPL-3",
    "depends": ["care_residence", "care_vouchers"],
    "data": [
        "data/care_residence_vouchers_data.xml",
        "views/care_voucher_line_views.xml",
    ],
    "auto_install": True,
}
