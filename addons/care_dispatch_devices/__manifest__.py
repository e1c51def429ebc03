{
    "name": "Care Dispatch and Devices (呼叫中心与紧急服务台)",
    "summary": "Glue: an emergency call opens a ticket on the emergency desk; "
    "sending a responder from an alarm creates an emergency service order",
    "version": "18.0.1.0.0",
    "category": "Services/Elder Care",
    "author": "Elder Care CRM Suite",
    "license": "AGPL-3",
    "depends": ["care_dispatch", "care_devices"],
    "data": [
        "views/care_call_views.xml",
    ],
    "auto_install": True,
}
