{
    "name": "Residence Fees on Contracts (床位费合同)",
    "summary": "Glue: a residence stay's monthly fees (bed, care level, meals, "
    "pro rata) are invoiced by an OCA contract of the payer, made at "
    "admission, instead of the residence's own monthly run",
    "version": "18.0.1.0.0",
    "category": "Services/Elder Care",
    "author": "Elder Care CRM Suite",
    "license": "AGPL-3",
    "depends": ["care_residence", "care_plans"],
    "data": [
        "views/care_residence_stay_views.xml",
        "views/contract_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "demo": ["demo/care_residence_plans_demo.xml"],
    "auto_install": True,
}
