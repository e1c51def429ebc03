import base64
import io
import logging

import qrcode
from psycopg2 import errors as pgerrors

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

_logger = logging.getLogger(__name__)

LOW_BATTERY_DEFAULT = 20
DEVICE_ADMIN = "care_devices.group_care_device_admin"


class CareDevice(models.Model):
    _name = "care.device"
    _description = "Care Device"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "care.guard.mixin",
        "care.import.mixin",
    ]
    _order = "serial"
    _rec_name = "serial"
    _rec_names_search = ["serial", "sim_number", "elder_id"]
    _check_company_auto = True
    # the import matches devices by their IMEI / serial (care.import.mixin)
    _care_import_key = "serial"

    serial = fields.Char(
        "IMEI / Serial",
        required=True,
        tracking=True,
        help="The identifier the device reports in its events (IMEI for cellular "
        "devices, serial number otherwise).",
    )
    model_id = fields.Many2one("care.device.model", required=True)
    device_type = fields.Selection(related="model_id.device_type")
    sim_number = fields.Char("SIM number")
    firmware = fields.Char()
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    state = fields.Selection(
        [
            ("stock", "In stock"),
            ("bound", "Bound"),
            ("lost", "Lost"),
            ("retired", "Retired"),
        ],
        default="stock",
        required=True,
        tracking=True,
        readonly=True,
    )
    elder_id = fields.Many2one(
        "care.elder",
        readonly=True,
        index="btree_not_null",
        tracking=True,
        help="The elder the device is bound to now (see the binding history).",
    )
    binding_ids = fields.One2many("care.device.binding", "device_id", "Bindings")
    # updated by the heartbeat fast path in SQL: never tracked, never in chatter
    battery = fields.Integer("Battery (%)", readonly=True)
    last_seen = fields.Datetime(readonly=True, index=True)
    last_latitude = fields.Float(digits=(10, 7), readonly=True)
    last_longitude = fields.Float(digits=(10, 7), readonly=True)
    last_accuracy = fields.Integer("Accuracy (m)", readonly=True)
    last_fix_type = fields.Selection(
        [("gps", "GPS"), ("lbs", "Cell (LBS)"), ("wifi", "Wi-Fi")],
        "Fix type",
        readonly=True,
    )
    last_position_date = fields.Datetime(readonly=True)
    offline = fields.Boolean(readonly=True, index=True)
    low_battery = fields.Boolean(readonly=True)
    map_url = fields.Char(compute="_compute_map_url", string="Map")
    event_count = fields.Integer(compute="_compute_event_count")
    qr_code = fields.Binary("QR code", compute="_compute_qr_code")
    active = fields.Boolean(default=True)

    # set by the event pipeline (last seen, battery, position, offline, low
    # battery) and by binding (state, elder): never by a client directly
    _care_protected_fields = (
        "state",
        "elder_id",
        "battery",
        "last_seen",
        "last_latitude",
        "last_longitude",
        "last_accuracy",
        "last_fix_type",
        "last_position_date",
        "offline",
        "low_battery",
    )

    _sql_constraints = [
        (
            "serial_company_uniq",
            "UNIQUE(serial, company_id)",
            "Another device already has this IMEI / serial number.",
        ),
        (
            "battery_range",
            "CHECK(battery IS NULL OR (battery >= 0 AND battery <= 100))",
            "The battery level is a percentage between 0 and 100.",
        ),
    ]

    @api.depends("last_latitude", "last_longitude")
    def _compute_map_url(self):
        for device in self:
            device.map_url = map_url(device.last_latitude, device.last_longitude)

    def _compute_event_count(self):
        counts = dict(
            self.env["care.device.event"]._read_group(
                [("device_id", "in", self.ids)], ["device_id"], ["__count"]
            )
        )
        for device in self:
            device.event_count = counts.get(device, 0)

    def _compute_qr_code(self):
        for device in self:
            device.qr_code = qr_png(device.qr_payload()) if device.serial else False

    def qr_payload(self):
        """What the device label's QR code holds (read back by the binding wizard)."""
        self.ensure_one()
        return f"CAREDEV:{self.serial}"

    @api.model
    def _from_code(self, code):
        """The device a scanned QR code or a typed serial designates."""
        code = (code or "").strip()
        if code.upper().startswith("CAREDEV:"):
            code = code[len("CAREDEV:") :]
        if not code:
            return self.browse()
        return self.search([("serial", "=", code)], limit=1)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("serial"):
                vals["serial"] = vals["serial"].strip()
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("serial"):
            vals["serial"] = vals["serial"].strip()
        return super().write(vals)

    # ------------------------------------------------------------------
    # Import (Import button, care.import.mixin)
    # ------------------------------------------------------------------
    @api.model
    def get_import_templates(self):
        return [
            {
                "label": self.env._("Import Template for Devices"),
                "template": "/care_devices/static/xls/care_device_import.xlsx",
            }
        ]

    @api.model
    def load(self, fields, data):
        # the elder column: an archive number, or an ID number for care
        # managers (see care.elder._care_import_elders_by_ref)
        return super(CareDevice, self.with_context(care_import_elder_ref=True)).load(
            fields, data
        )

    @api.model
    def _care_import_precheck(self, fields, data):
        return self.env["care.elder"]._care_import_ref_errors(
            fields, data
        ) + super()._care_import_precheck(fields, data)

    @api.model
    def _care_import_check_access(self, fields):
        """Devices are imported by device administrators (who bind them)."""
        if not self.env.su and not self.env.user.has_group(DEVICE_ADMIN):
            raise AccessError(
                self.env._("Only device administrators can import devices.")
            )

    @api.model
    def _care_import_normalize_key(self, value):
        value = value.strip() if isinstance(value, str) else value
        return value or None

    @api.model
    def _care_import_prepare(self, values):
        if values.get("serial"):
            values["serial"] = values["serial"].strip()
        return values

    @api.model
    def _load_records_create(self, vals_list):
        """A row's elder binds the new device to them (a binding, as the
        binding wizard makes: the device's elder is not written directly)."""
        elders = [vals.pop("elder_id", False) for vals in vals_list]
        devices = super()._load_records_create(vals_list)
        devices._care_import_bind(elders)
        return devices

    def _load_records_write(self, values):
        elder = values.pop("elder_id", False)
        result = super()._load_records_write(values)
        self._care_import_bind([elder])
        return result

    def _care_import_bind(self, elder_ids):
        """Bind each device to its row's elder, unless already bound to them
        (a device bound to someone else is refused by the binding)."""
        to_bind = [
            {"device_id": device.id, "elder_id": elder_id}
            for device, elder_id in zip(self, elder_ids, strict=True)
            if elder_id and device.elder_id.id != elder_id
        ]
        if to_bind:
            self.env["care.device.binding"].create(to_bind)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_bind(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Bind Device"),
            "res_model": "care.device.bind.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_code": self.serial},
        }

    def action_unbind(self):
        self._check_device_admin()
        for device in self:
            binding = device.binding_ids.filtered(lambda b: not b.date_to)
            if not binding:
                raise UserError(
                    self.env._("Device %s is not bound to anybody.", device.serial)
                )
            binding.action_close()
        return True

    def action_mark_lost(self):
        self._set_out_of_service("lost")
        return True

    def action_retire(self):
        self._set_out_of_service("retired")
        return True

    def _check_device_admin(self):
        """Actions that set the device's state: device administrators only,
        on devices they may write."""
        if not self.env.user.has_group(DEVICE_ADMIN):
            raise AccessError(
                self.env._("Only device administrators may change a device's state.")
            )
        self.check_access("write")

    def action_restock(self):
        self._check_device_admin()
        for device in self:
            if device.state == "bound":
                raise UserError(
                    self.env._("Device %s is bound: unbind it first.", device.serial)
                )
        self.sudo().write({"state": "stock"})
        return True

    def _set_out_of_service(self, state):
        self._check_device_admin()
        for device in self:
            binding = device.binding_ids.filtered(lambda b: not b.date_to)
            binding.action_close()
        self.sudo().write({"state": state})

    def action_view_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "care_devices.care_device_event_action"
        )
        action["domain"] = [("device_id", "=", self.id)]
        return action

    def action_print_label(self):
        return self.env.ref(
            "care_devices.action_report_care_device_label"
        ).report_action(self)

    # ------------------------------------------------------------------
    # Heartbeat fast path and offline detection
    # ------------------------------------------------------------------
    @api.model
    def _low_battery_threshold(self):
        param = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("care_devices.low_battery_threshold")
        )
        try:
            return int(param) if param else LOW_BATTERY_DEFAULT
        except ValueError:
            return LOW_BATTERY_DEFAULT

    def _touch(self, when, battery=None, position=None):
        """Record that the device is alive: one UPDATE, no ORM record.

        This is the heartbeat (and plain location) fast path: thousands of
        devices each beating every few minutes cost one indexed UPDATE each,
        no chatter, no tracking, no event row. It returns the transitions
        the caller must act on: ``(came_back_online, battery_went_low)``.

        A late or replayed frame (older than what the device already told)
        moves nothing back: the position only if the frame is newer than the
        stored position (a replay of the same moment changes nothing), the
        battery only if not older than the last message.
        """
        self.ensure_one()
        threshold = self._low_battery_threshold()
        lat = lng = acc = fix = None
        if position:
            lat, lng = position["latitude"], position["longitude"]
            acc, fix = position.get("accuracy"), position.get("fix_type")
        self.env.cr.execute(
            """
            WITH f AS (
                SELECT d.id,
                       %(battery)s IS NOT NULL
                           AND (d.last_seen IS NULL OR %(when)s >= d.last_seen)
                           AS new_battery,
                       %(lat)s IS NOT NULL
                           AND (d.last_position_date IS NULL
                                OR %(when)s > d.last_position_date)
                           AS new_position
                  FROM care_device d WHERE d.id = %(id)s
            )
            UPDATE care_device d
               SET last_seen = GREATEST(COALESCE(d.last_seen, %(when)s), %(when)s),
                   battery = CASE WHEN f.new_battery
                       THEN %(battery)s ELSE d.battery END,
                   offline = FALSE,
                   low_battery = CASE WHEN f.new_battery
                       THEN %(battery)s < %(threshold)s ELSE d.low_battery END,
                   last_latitude = CASE WHEN f.new_position
                       THEN %(lat)s ELSE d.last_latitude END,
                   last_longitude = CASE WHEN f.new_position
                       THEN %(lng)s ELSE d.last_longitude END,
                   last_accuracy = CASE WHEN f.new_position
                       THEN %(acc)s ELSE d.last_accuracy END,
                   last_fix_type = CASE WHEN f.new_position
                       THEN %(fix)s ELSE d.last_fix_type END,
                   last_position_date = CASE WHEN f.new_position
                       THEN %(when)s ELSE d.last_position_date END
              FROM care_device old, f
             WHERE d.id = %(id)s AND old.id = d.id AND f.id = d.id
         RETURNING old.offline, old.low_battery, d.low_battery
            """,
            {
                "id": self.id,
                "when": when,
                "battery": battery,
                "threshold": threshold,
                "lat": lat,
                "lng": lng,
                "acc": acc,
                "fix": fix,
            },
            log_exceptions=False,  # a concurrent update of the device: retried
        )
        was_offline, was_low, is_low = self.env.cr.fetchone()
        self.invalidate_recordset(
            [
                "last_seen",
                "battery",
                "offline",
                "low_battery",
                "last_latitude",
                "last_longitude",
                "last_accuracy",
                "last_fix_type",
                "last_position_date",
            ]
        )
        return bool(was_offline), bool(is_low and not was_low)

    @api.model
    def _cron_detect_offline(self, limit=5000):
        """Flag bound devices silent for ``offline_after`` heartbeat intervals.

        Selected by state (bound, not flagged yet), not by a time window: a
        cron that missed a day finds every silent device. Each device is
        flagged and gets its one low-priority ticket per episode (the next
        heartbeat ends the episode) in its own savepoint: one device that
        fails is reported and the others carry on. When more than ``limit``
        are silent, the cron is called again for the rest.
        """
        query = """
            SELECT d.id
              FROM care_device d
              JOIN care_device_model m ON m.id = d.model_id
             WHERE d.state = 'bound' AND d.active AND NOT COALESCE(d.offline, FALSE)
               AND COALESCE(d.last_seen, d.create_date)
                   < %s - make_interval(mins => m.heartbeat_interval * m.offline_after)
             ORDER BY d.id
             LIMIT %s
        """
        now = fields.Datetime.now()
        # the query reads the table: pending ORM writes (a binding) first
        self.flush_model(["state", "active", "offline", "last_seen", "model_id"])
        self.env["care.device.model"].flush_model(
            ["heartbeat_interval", "offline_after"]
        )
        self.env.cr.execute(query, [now, limit + 1])
        ids = [row[0] for row in self.env.cr.fetchall()]
        devices = self.sudo().browse(ids[:limit])
        Event = self.env["care.device.event"].sudo()
        failed = self.browse()
        for device in devices:
            try:
                with self.env.cr.savepoint():
                    device.write({"offline": True})
                    Event._record_server_event(device, "offline", now)
            except (pgerrors.SerializationFailure, pgerrors.DeadlockDetected):
                raise
            except Exception:
                _logger.exception(
                    "care device %s: could not be flagged offline", device.serial
                )
                failed |= device
        if failed:
            _logger.warning(
                "care devices: %s of %s silent devices could not be flagged "
                "offline: %s",
                len(failed),
                len(devices),
                ", ".join(failed.mapped("serial")),
            )
        if len(ids) > limit and len(failed) < len(devices):
            self.env["ir.cron"]._notify_progress(done=len(devices), remaining=1)
        return devices - failed


def map_url(latitude, longitude):
    """A link that opens the position on a map (AMap, GCJ-02 as most Chinese
    devices report)."""
    if not latitude and not longitude:
        return False
    return (
        f"https://uri.amap.com/marker?position={longitude:.6f},{latitude:.6f}"
        "&coordinate=gaode"
    )


def qr_png(payload):
    image = qrcode.make(payload, box_size=6, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue())


class CareDeviceDemo(models.Model):
    _inherit = "care.device"

    @api.model
    def _demo_populate(self):
        """Demo data: bind the demo devices and replay a day of events.

        The events go through the real intake (``_ingest``) with the demo
        gateway key, then their times are spread over the last 24 hours.
        """
        from datetime import timedelta

        ref = self.env.ref
        elders = self.env["care.elder"].search(
            [
                ("state", "=", "active"),
                (
                    "id",
                    "in",
                    [ref(f"elder_crm.elder_{i:02d}_demo").id for i in range(1, 21)],
                ),
            ],
            order="id",
        )
        devices = self.browse(
            [ref(f"care_devices.device_{i:02d}_demo").id for i in range(1, 31)]
        )
        Binding = self.env["care.device.binding"]
        # watches, phones and pendants: one each for the first elders; meters
        # and sensors: for elders who already have a watch (a household kit)
        for index, device in enumerate(devices[:21]):
            Binding.create(
                {"device_id": device.id, "elder_id": elders[index % len(elders)].id}
            )
        for index, device in enumerate(devices[21:]):
            Binding.create({"device_id": device.id, "elder_id": elders[index].id})
        key = ref("care_devices.api_key_demo_gateway")
        Event = self.env["care.device.event"]
        now = fields.Datetime.now()

        def at(hours_ago):
            return (now - timedelta(hours=hours_ago)).strftime(
                "%Y-%m-%dT%H:%M:%S+00:00"
            )

        events = []
        for device in devices:
            for hours in range(23, 0, -6):
                events.append(
                    {
                        "device_id": device.serial,
                        "code": "heartbeat",
                        "battery": 90 - hours,
                        "device_time": at(hours),
                    }
                )
        watch = devices[0]
        events += [
            {
                "device_id": watch.serial,
                "code": "location",
                "device_time": at(5),
                "position": {
                    "latitude": 39.9219,
                    "longitude": 116.4436,
                    "accuracy": 12,
                    "fix_type": "gps",
                },
            },
            {
                "device_id": watch.serial,
                "code": "sos",
                "event_uid": "demo-sos-1",
                "device_time": at(20),
                "battery": 71,
                "position": {
                    "latitude": 39.9219,
                    "longitude": 116.4436,
                    "accuracy": 12,
                    "fix_type": "gps",
                },
                "raw": "[3G*6610405000*0009*AL,230525,081502,A,39.921900,N,116.443600,E]",
            },
            {
                "device_id": watch.serial,
                "code": "sos",
                "event_uid": "demo-sos-2",
                "device_time": at(20),
                "battery": 71,
            },
            {
                "device_id": devices[1].serial,
                "code": "fall",
                "event_uid": "demo-fall-1",
                "device_time": at(9),
                "battery": 64,
                "position": {
                    "latitude": 39.9152,
                    "longitude": 116.4603,
                    "accuracy": 30,
                    "fix_type": "lbs",
                },
            },
            {
                "device_id": devices[2].serial,
                "code": "geofence_exit",
                "event_uid": "demo-geo-1",
                "device_time": at(4),
                "position": {
                    "latitude": 39.9301,
                    "longitude": 116.4711,
                    "accuracy": 20,
                    "fix_type": "gps",
                },
            },
            {
                "device_id": devices[3].serial,
                "code": "low_battery",
                "event_uid": "demo-bat-1",
                "device_time": at(3),
                "battery": 8,
            },
            {
                "device_id": devices[14].serial,
                "code": "sos",
                "event_uid": "demo-sos-3",
                "device_time": at(1),
            },
            {
                "device_id": devices[27].serial,
                "code": "fall",
                "event_uid": "demo-fall-2",
                "device_time": at(0.5),
            },
        ]
        for device, readings in (
            (
                devices[21],
                [
                    {"systolic": 138, "diastolic": 86, "heart_rate": 76},
                    {"systolic": 186, "diastolic": 104, "heart_rate": 92},
                    {"systolic": 142, "diastolic": 88, "heart_rate": 70},
                ],
            ),
            (
                devices[22],
                [
                    {"systolic": 124, "diastolic": 78, "heart_rate": 68},
                    {"systolic": 128, "diastolic": 80, "heart_rate": 72},
                ],
            ),
            (devices[25], [{"glucose": 6.1}, {"glucose": 3.4}, {"glucose": 7.8}]),
            (
                devices[0],
                [
                    {"heart_rate": 78, "spo2": 97},
                    {"heart_rate": 82, "spo2": 96, "temperature": 36.7},
                ],
            ),
        ):
            for n, vitals in enumerate(readings):
                events.append(
                    {
                        "device_id": device.serial,
                        "code": "vitals",
                        "event_uid": f"demo-vital-{device.id}-{n}",
                        "device_time": at(22 - 7 * n),
                        "vitals": vitals,
                    }
                )
        for data in events:
            Event._ingest(key, data)
        # spread the day: an event was received when the device sent it
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE care_device_event SET received_at = device_time "
            "WHERE device_time IS NOT NULL AND company_id = %s",
            [key.company_id.id],
        )
        self.env.cr.execute(
            """
            UPDATE helpdesk_ticket t
               SET care_alarm_time = e.device_time, care_last_alarm_time = e.device_time,
                   create_date = e.device_time
              FROM (SELECT ticket_id, min(device_time) AS device_time
                      FROM care_device_event WHERE ticket_id IS NOT NULL
                     GROUP BY ticket_id) e
             WHERE e.ticket_id = t.id
            """
        )
        self.env.invalidate_all()
        Ticket = self.env["helpdesk.ticket"]
        emergency_user = ref("elder_crm.user_emergency_demo")
        handled = Ticket.search(
            [
                ("care_alarm_kind", "!=", False),
                ("care_alarm_time", "<", now - timedelta(hours=2)),
            ]
        )
        for seconds, ticket in zip(
            (35, 48, 150, 75, 220, 40, 55), handled, strict=False
        ):
            ticket = ticket.with_user(emergency_user)
            ticket.action_care_acknowledge()
            ticket.sudo().write(
                {
                    "care_ack_date": ticket.care_alarm_time
                    + timedelta(seconds=seconds),
                    "care_time_to_ack": seconds,
                    "care_ack_60": 100.0 if seconds <= 60 else 0.0,
                    "care_ack_180": 100.0 if seconds <= 180 else 0.0,
                }
            )
            ticket.action_care_elder_called()
            if ticket.care_alarm_kind in ("sos", "fall"):
                ticket.action_care_contacts_called()
                ticket.action_care_send_responder()
            ticket._care_close(
                "resolved_by_phone"
                if ticket.care_alarm_kind != "fall"
                else "responder_on_site"
            )
