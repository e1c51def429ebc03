from odoo import fields, models

DEVICE_TYPES = [
    ("sos_phone", "SOS phone (一键呼叫老人机)"),
    ("watch", "Watch / band"),
    ("pendant", "SOS pendant"),
    ("bp_meter", "Blood-pressure meter"),
    ("glucose_meter", "Glucose meter"),
    ("fall_sensor", "Fall / radar sensor"),
    ("smoke_sensor", "Smoke / gas sensor"),
]


class CareDeviceModel(models.Model):
    _name = "care.device.model"
    _description = "Device Model"
    _order = "vendor, name"
    # the import's model column: the model's name or its code
    _rec_names_search = ["name", "code"]

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        "Model code", help="The vendor's model number, e.g. in import sheets."
    )
    vendor = fields.Char(required=True)
    device_type = fields.Selection(DEVICE_TYPES, required=True, string="Type")
    protocol = fields.Selection(
        [
            ("watch3g", "3G watch text protocol"),
            ("gt06", "GT06 binary"),
            ("jt808", "JT/T 808"),
            ("vendor_http", "Vendor cloud (HTTP / MQTT)"),
            ("fixed_line", "Fixed-line one-button terminal"),
        ],
        help="How the gateway talks to the device; the gateway posts normalised "
        "events to Odoo whatever the protocol.",
    )
    cap_sos = fields.Boolean("SOS button")
    cap_fall = fields.Boolean("Fall detection")
    cap_location = fields.Boolean("Location")
    cap_heart_rate = fields.Boolean("Heart rate")
    cap_blood_pressure = fields.Boolean("Blood pressure")
    cap_glucose = fields.Boolean("Blood glucose")
    cap_spo2 = fields.Boolean("SpO2")
    cap_temperature = fields.Boolean("Body temperature")
    cap_smoke_gas = fields.Boolean("Smoke / gas")
    heartbeat_interval = fields.Integer(
        "Heartbeat interval (min)",
        default=10,
        required=True,
        help="Minutes between two heartbeats of a working device.",
    )
    offline_after = fields.Integer(
        "Offline after (intervals)",
        default=3,
        required=True,
        help="A bound device is flagged offline after this many heartbeat "
        "intervals without any message.",
    )
    device_count = fields.Integer(compute="_compute_device_count")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "heartbeat_positive",
            "CHECK(heartbeat_interval > 0 AND offline_after > 0)",
            "The heartbeat interval and the offline threshold must be positive.",
        ),
    ]

    def _compute_device_count(self):
        counts = dict(
            self.env["care.device"]._read_group(
                [("model_id", "in", self.ids)], ["model_id"], ["__count"]
            )
        )
        for model in self:
            model.device_count = counts.get(model, 0)
