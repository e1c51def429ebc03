import json
import logging
from datetime import UTC, datetime, timedelta, timezone

from psycopg2 import errors as pgerrors

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .care_vital import MEASURES, implausible

_logger = logging.getLogger(__name__)

# code: (label, default priority class) -- docs/domain.md (Device events)
EVENT_CODES = [
    ("heartbeat", "Heartbeat"),
    ("location", "Location"),
    ("sos", "SOS"),
    ("fall", "Fall"),
    ("vitals", "Vital-sign reading"),
    ("vital_abnormal", "Abnormal vital signs"),
    ("geofence_exit", "Left the geofence"),
    ("geofence_enter", "Entered the geofence"),
    ("device_removed", "Device removed"),
    ("low_battery", "Low battery"),
    ("power_cut", "Power cut"),
    ("power_off", "Powered off"),
    ("offline", "Device offline"),
    ("no_activity", "No activity"),
    ("out_of_bed", "Out of bed, not back"),
    ("smoke", "Smoke"),
    ("gas", "Gas leak"),
    ("water", "Water leak"),
    ("phone", "Emergency call"),
    ("cancel", "Cancelled by the wearer"),
]
FAST_CODES = {"heartbeat", "location"}
DEVICE_CODES = {code for code, _label in EVENT_CODES} - {"offline", "phone"}
# priority class per code: 1 critical, 2 high, 3 low, 0 information only
PRIORITY = {
    "sos": 1,
    "fall": 1,
    "smoke": 1,
    "gas": 1,
    "water": 1,
    "phone": 1,
    "vital_abnormal": 2,
    "geofence_exit": 2,
    "device_removed": 2,
    "no_activity": 2,
    "out_of_bed": 2,
    "low_battery": 3,
    "power_cut": 3,
    "power_off": 3,
    "offline": 3,
    "geofence_enter": 0,
    "vitals": 0,
}
# the alarms a wearer may cancel from the device (pre-alert window)
CANCELLABLE = ("sos", "fall")
CANCEL_WINDOW_DEFAULT = 30  # seconds
# what a cancel event did: the reason is kept on the event for the desk
CANCEL_RESULTS = [
    ("cancelled", "Alarm cancelled (false alarm)"),
    ("too_late", "Ignored: after the pre-alert window"),
    ("acknowledged", "Ignored: the desk had acknowledged the alarm"),
    ("no_alarm", "Ignored: no open alarm of this device to cancel"),
    ("other_device", "Ignored: another device raised the same alarm"),
]
# helpdesk.ticket priority per class
TICKET_PRIORITY = {1: "3", 2: "2", 3: "1"}
FIX_TYPES = ("gps", "lbs", "wifi")
MAX_BATCH = 500
MAX_RAW = 4096
# the retry cron gives up after this many attempts and hands the event to a person
MAX_ATTEMPTS = 10
# the groups that read vital readings carried in an event (medical data)
VITALS_READERS = (
    "elder_crm.group_care_emergency,care_devices.group_care_family_doctor,"
    "base.group_system"
)


class PayloadError(Exception):
    """A bad field in a posted event: ``field`` names it."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
        self.message = message


class CareDeviceEvent(models.Model):
    """A device event, stored raw before it is processed.

    Heartbeats and plain location updates never get a row (see
    ``care.device._touch``); everything else is inserted first, then
    processed in a savepoint: a failure leaves the event in state *error*
    for the retry cron. ``(device_id, uid)`` is unique: a replay is
    recognised and never processed twice.
    """

    _name = "care.device.event"
    _description = "Device Event"
    _order = "received_at desc, id desc"
    _rec_name = "uid"

    uid = fields.Char("Event UID", readonly=True)
    device_id = fields.Many2one("care.device", required=True, readonly=True, index=True)
    elder_id = fields.Many2one("care.elder", readonly=True, index="btree_not_null")
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    code = fields.Selection(EVENT_CODES, required=True, readonly=True, index=True)
    device_time = fields.Datetime(readonly=True)
    received_at = fields.Datetime(required=True, readonly=True, index=True)
    latitude = fields.Float(digits=(10, 7), readonly=True)
    longitude = fields.Float(digits=(10, 7), readonly=True)
    accuracy = fields.Integer("Accuracy (m)", readonly=True)
    fix_type = fields.Selection(
        [("gps", "GPS"), ("lbs", "Cell (LBS)"), ("wifi", "Wi-Fi")], readonly=True
    )
    battery = fields.Integer("Battery (%)", readonly=True)
    # vital readings are medical: only the groups that read readings see them
    payload = fields.Text(
        readonly=True,
        help="The vital readings and extra data, JSON.",
        groups=VITALS_READERS,
    )
    raw = fields.Text("Raw frame", readonly=True, groups=VITALS_READERS)
    source = fields.Selection(
        [("device", "Device"), ("server", "Server")], default="device", readonly=True
    )
    state = fields.Selection(
        [
            ("received", "Received"),
            ("processed", "Processed"),
            ("error", "Error"),
        ],
        default="received",
        required=True,
        readonly=True,
        index=True,
    )
    error = fields.Text(readonly=True)
    attempts = fields.Integer(readonly=True)
    ticket_id = fields.Many2one(
        "helpdesk.ticket", readonly=True, index="btree_not_null"
    )
    api_key_id = fields.Many2one("care.device.api.key", readonly=True)
    # a ``cancel`` event: what it did, and why it was ignored
    cancel_result = fields.Selection(CANCEL_RESULTS, "Cancel", readonly=True)
    cancel_note = fields.Char("Cancel detail", readonly=True)
    map_url = fields.Char(compute="_compute_map_url", string="Map")

    def init(self):
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS care_device_event_device_uid "
            "ON care_device_event (device_id, uid) WHERE uid IS NOT NULL"
        )
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS care_device_event_retry "
            "ON care_device_event (id) WHERE state != 'processed'"
        )

    @api.depends("latitude", "longitude")
    def _compute_map_url(self):
        from .care_device import map_url

        for event in self:
            event.map_url = map_url(event.latitude, event.longitude)

    # ------------------------------------------------------------------
    # Parsing (pure: no database)
    # ------------------------------------------------------------------
    @api.model
    def _parse(self, data):
        """Validate one posted event; return a dict of clean values.

        Raises ``PayloadError`` naming the first bad field.
        """
        env = self.env
        if not isinstance(data, dict):
            raise PayloadError("event", env._("Each event must be a JSON object."))
        device = data.get("device_id")
        if not isinstance(device, str | int) or not str(device).strip():
            raise PayloadError(
                "device_id", env._("device_id (the IMEI or serial) is required.")
            )
        code = data.get("code")
        if code not in DEVICE_CODES:
            raise PayloadError(
                "code",
                env._(
                    "Unknown event code %(code)r; expected one of: %(codes)s.",
                    code=code,
                    codes=", ".join(sorted(DEVICE_CODES)),
                ),
            )
        uid = data.get("event_uid")
        if uid is not None and (not isinstance(uid, str) or not 0 < len(uid) <= 128):
            raise PayloadError(
                "event_uid", env._("event_uid must be a string of 1 to 128 characters.")
            )
        if code not in FAST_CODES and not uid:
            raise PayloadError(
                "event_uid",
                env._("event_uid is required, so that a resent event is recognised."),
            )
        vals = {"device": str(device).strip(), "code": code, "uid": uid}
        vals["device_time"] = self._parse_time(data.get("device_time"))
        battery = data.get("battery")
        if battery is not None:
            if (
                not isinstance(battery, int | float)
                or isinstance(battery, bool)
                or not (0 <= battery <= 100)
            ):
                raise PayloadError(
                    "battery", env._("battery must be a percentage between 0 and 100.")
                )
            battery = int(battery)
        vals["battery"] = battery
        vals["position"] = self._parse_position(data.get("position"))
        if code == "location" and not vals["position"]:
            raise PayloadError("position", env._("A location event needs a position."))
        vitals = data.get("vitals")
        if vitals is not None or code == "vitals":
            vals["vitals"] = self._parse_vitals(vitals)
        raw = data.get("raw")
        if raw is not None and not isinstance(raw, str):
            raise PayloadError("raw", env._("raw must be the frame as a string."))
        vals["raw"] = raw[:MAX_RAW] if raw else None
        return vals

    @api.model
    def _parse_time(self, value):
        if value in (None, ""):
            return None
        try:
            if isinstance(value, int | float) and not isinstance(value, bool):
                moment = datetime.fromtimestamp(value, tz=UTC)
            elif isinstance(value, str):
                moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
                if moment.tzinfo is None:  # devices in China report local time
                    moment = moment.replace(tzinfo=timezone(timedelta(hours=8)))
            else:
                raise ValueError
        except (ValueError, OverflowError, OSError) as exc:
            raise PayloadError(
                "device_time",
                self.env._(
                    "device_time must be an ISO 8601 date-time or a Unix timestamp."
                ),
            ) from exc
        moment = moment.astimezone(UTC).replace(tzinfo=None)
        if moment > datetime.utcnow() + timedelta(days=1):
            raise PayloadError(
                "device_time", self.env._("device_time is in the future.")
            )
        return moment

    @api.model
    def _parse_position(self, position):
        if position is None:
            return None
        env = self.env
        if not isinstance(position, dict):
            raise PayloadError("position", env._("position must be a JSON object."))
        clean = {}
        for key, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
            value = position.get(key)
            if (
                not isinstance(value, int | float)
                or isinstance(value, bool)
                or not (low <= value <= high)
            ):
                raise PayloadError(
                    f"position.{key}",
                    env._(
                        "%(key)s must be a number between %(low)s and %(high)s.",
                        key=key,
                        low=low,
                        high=high,
                    ),
                )
            clean[key] = float(value)
        accuracy = position.get("accuracy")
        if accuracy is not None and (
            not isinstance(accuracy, int | float) or not 0 <= accuracy <= 100000
        ):
            raise PayloadError(
                "position.accuracy",
                env._("accuracy must be a distance in metres (0 to 100000)."),
            )
        clean["accuracy"] = int(accuracy) if accuracy is not None else None
        fix = position.get("fix_type")
        if fix is not None and fix not in FIX_TYPES:
            raise PayloadError(
                "position.fix_type",
                env._("fix_type must be one of: %s.", ", ".join(FIX_TYPES)),
            )
        clean["fix_type"] = fix
        return clean

    @api.model
    def _parse_vitals(self, vitals):
        env = self.env
        if not isinstance(vitals, dict) or not vitals:
            raise PayloadError(
                "vitals", env._("vitals must be an object with at least one reading.")
            )
        clean = {}
        for key, value in vitals.items():
            if key not in MEASURES:
                raise PayloadError(
                    f"vitals.{key}",
                    env._(
                        "Unknown reading %(key)r; expected: %(keys)s.",
                        key=key,
                        keys=", ".join(MEASURES),
                    ),
                )
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise PayloadError(f"vitals.{key}", env._("%s must be a number.", key))
            clean[key] = value
        for key in clean:
            message = implausible({key: clean[key]}, env)
            if message:
                raise PayloadError(f"vitals.{key}", message)
        message = implausible(clean, env)
        if message:
            raise PayloadError("vitals.diastolic", message)
        return clean

    # ------------------------------------------------------------------
    # Intake
    # ------------------------------------------------------------------
    @api.model
    def _ingest(self, key, data):
        """Take one parsed-or-not event for ``key``; return (status, body).

        Runs as superuser in the key's company (the HTTP route has no user).
        """
        try:
            vals = self._parse(data)
        except PayloadError as exc:
            return 400, {"error": "invalid", "field": exc.field, "message": exc.message}
        device = self.env["care.device"].search(
            [("serial", "=", vals["device"]), ("company_id", "=", key.company_id.id)],
            limit=1,
        )
        if not device:
            return 404, {
                "error": "unknown_device",
                "field": "device_id",
                "message": self.env._("No device %s is registered.", vals["device"]),
            }
        if not key._allows(device):
            return 403, {
                "error": "forbidden",
                "field": "device_id",
                "message": self.env._(
                    "This API key may not post events for device %s.", device.serial
                ),
            }
        now = fields.Datetime.now()
        when = min(vals["device_time"] or now, now)
        if vals["code"] in FAST_CODES and not vals.get("vitals"):
            came_back, went_low = device._touch(
                when, battery=vals["battery"], position=vals["position"]
            )
            if came_back:
                self._close_offline_episode(device)
            if went_low:
                event = self._record_server_event(device, "low_battery", now)
                return 202, self._answer(event)
            return 200, {"status": "ok"}
        event, duplicate = self._store(device, key, vals, now)
        if duplicate:
            return 409, dict(self._answer(duplicate), status="duplicate")
        device._touch(when, battery=vals["battery"], position=vals["position"])
        event._process_safely()
        return (202 if event.ticket_id else 200), self._answer(event)

    def _answer(self, event):
        body = {"status": event.state, "event_id": event.id}
        if event.ticket_id:
            body["ticket"] = event.ticket_id.number
        if event.state == "error":
            body["message"] = self.env._(
                "The event is stored and will be processed again."
            )
        return body

    @api.model
    def _store(self, device, key, vals, now):
        """Insert the raw event; return ``(event, None)`` or ``(None, existing)``.

        One INSERT ... ON CONFLICT DO NOTHING: a concurrent replay waits for
        the first, then finds the row (or makes Odoo retry the request on a
        serialisation failure, after which it finds it).
        """
        position = vals["position"] or {}
        extra = {}
        if vals.get("vitals"):
            extra["vitals"] = vals["vitals"]
        params = {
            "uid": vals["uid"],
            "device": device.id,
            "elder": device.elder_id.id or None,
            "company": device.company_id.id,
            "code": vals["code"],
            "device_time": vals["device_time"],
            "now": now,
            "lat": position.get("latitude"),
            "lng": position.get("longitude"),
            "acc": position.get("accuracy"),
            "fix": position.get("fix_type"),
            "battery": vals["battery"],
            "payload": json.dumps(extra) if extra else None,
            "raw": vals["raw"],
            "key": key.id if key and isinstance(key.id, int) else None,
            "user": self.env.uid,
        }
        self.env.cr.execute(
            """
            INSERT INTO care_device_event (
                uid, device_id, elder_id, company_id, code, device_time,
                received_at, latitude, longitude, accuracy, fix_type, battery,
                payload, raw, api_key_id, source, state, attempts,
                create_uid, create_date, write_uid, write_date)
            VALUES (%(uid)s, %(device)s, %(elder)s, %(company)s, %(code)s,
                %(device_time)s, %(now)s, %(lat)s, %(lng)s, %(acc)s, %(fix)s,
                %(battery)s, %(payload)s, %(raw)s, %(key)s, 'device', 'received', 0,
                %(user)s, %(now)s, %(user)s, %(now)s)
            ON CONFLICT (device_id, uid) WHERE uid IS NOT NULL DO NOTHING
            RETURNING id
            """,
            params,
            # a concurrent replay fails to serialise: Odoo retries the request
            # and it is answered 409; not an error worth a log line
            log_exceptions=False,
        )
        row = self.env.cr.fetchone()
        if row:
            return self.browse(row[0]), None
        existing = self.search(
            [("device_id", "=", device.id), ("uid", "=", vals["uid"])], limit=1
        )
        return None, existing

    @api.model
    def _record_server_event(self, device, code, when):
        """An event the server itself detects (offline, low battery crossing)."""
        event, _dup = self._store(
            device,
            None,
            {
                "uid": None,
                "code": code,
                "device_time": when,
                "position": None,
                "battery": device.battery or None,
                "raw": None,
            },
            when,
        )
        event.sudo().source = "server"
        event._process_safely()
        return event

    # ------------------------------------------------------------------
    # Processing
    # ------------------------------------------------------------------
    def _process_safely(self):
        """Process each event in a savepoint; a failure is kept, not raised.

        Runs as superuser (the intake has no user; ``action_retry`` checks
        its caller first). An event that fails its last attempt -- a critical
        one (SOS, fall...) its first -- is handed to the desk as an urgent
        ticket: an alarm always reaches a person.
        """
        failed = self.browse()
        for event in self.sudo():
            try:
                with self.env.cr.savepoint():
                    event._process()
                    event.write({"state": "processed", "error": False})
            except (pgerrors.SerializationFailure, pgerrors.DeadlockDetected):
                raise  # let Odoo retry the whole request
            except Exception as exc:
                _logger.warning(
                    "care device event %s (%s) failed: %s", event.id, event.code, exc
                )
                event.write(
                    {
                        "state": "error",
                        "error": str(exc)[:2000],
                        "attempts": event.attempts + 1,
                    }
                )
                # a critical alarm reaches the desk at once; the others
                # after their last try
                if event.attempts >= MAX_ATTEMPTS or (
                    event.attempts == 1 and PRIORITY.get(event.code) == 1
                ):
                    failed |= event
        failed._hand_over_failed()

    def _hand_over_failed(self):
        """Events that failed their last attempt: an urgent ticket each on the
        emergency desk, saying which event could not be processed."""
        Ticket = self.env["helpdesk.ticket"].sudo()
        for event in self.sudo():
            try:
                with self.env.cr.savepoint():
                    Ticket._care_failed_event_ticket(event)
            except (pgerrors.SerializationFailure, pgerrors.DeadlockDetected):
                raise
            except Exception:
                _logger.exception(
                    "care device event %s (%s) failed and could not be handed "
                    "to the desk",
                    event.id,
                    event.code,
                )

    def _vitals(self):
        """The readings the event carries (any code may carry some)."""
        self.ensure_one()
        return json.loads(self.sudo().payload or "{}").get("vitals") or {}

    def _process(self):
        self.ensure_one()
        elder = self.device_id.elder_id
        if elder and not self.elder_id:
            self.elder_id = elder
        Ticket = self.env["helpdesk.ticket"]
        if self.code == "vitals":
            self._process_vitals()
            return
        if self.code == "cancel":
            self._process_cancel()
            return
        klass = PRIORITY.get(self.code, 0)
        if self.code == "geofence_exit" and self.elder_id.sudo().has_dementia:
            klass = 1
        if klass:
            Ticket._care_alarm_ticket(
                self.elder_id,
                self.code,
                TICKET_PRIORITY[klass],
                event=self,
                device=self.device_id,
            )
        # readings sent inside another event (a watch's SOS with its heart
        # rate, a heartbeat with SpO2) are checked like a vitals event; a
        # device bound to nobody has nobody to file them to: its alarm is
        # what counts, the readings stay on the event
        if self._vitals() and self.elder_id:
            self._process_vitals()

    def _cancel_moment(self):
        """When the wearer pressed: the device's time, never later than the
        server received the event (a clock ahead is clamped, as ingestion does)."""
        return min(self.device_time or self.received_at, self.received_at)

    def _process_cancel(self):
        """The wearer cancelled an alarm from the device (pre-alert window).

        The alarm cancelled is that of the latest open SOS or fall ticket of
        the device's elder (or of the device, when unbound) opened by this
        device. It is closed as a false alarm when the cancel comes within
        ``care_devices.cancel_window_seconds`` (default 30) of the ticket's
        first alarm, measured on the server's clock (received times) AND on
        the device's clock (device times), so that neither a late delivery
        nor a slow device clock stretches the window. Otherwise the cancel is
        kept and ignored, with the reason on the event and on the ticket.
        """
        self.ensure_one()
        Ticket = self.env["helpdesk.ticket"].sudo()
        elder = self.elder_id
        # serialise with the alarms of the same elder (see _care_lock_subject)
        Ticket._care_lock_subject(elder or self.device_id)
        domain = [
            ("care_alarm_kind", "in", CANCELLABLE),
            ("care_device_id", "=", self.device_id.id),
            ("closed", "=", False),
        ]
        if elder:
            domain.append(("care_elder_id", "=", elder.id))
        ticket = Ticket.search(domain, order="care_alarm_time desc, id desc", limit=1)
        if not ticket:
            self.write({"cancel_result": "no_alarm"})
            return
        self.ticket_id = ticket
        window = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("care_devices.cancel_window_seconds", CANCEL_WINDOW_DEFAULT)
        )
        alarms = ticket.care_event_ids.filtered(
            lambda e: e.code in CANCELLABLE and e.id != self.id
        )
        first = alarms.sorted(lambda e: (e.received_at, e.id))[:1]
        server_seconds = (
            self.received_at - (first.received_at or ticket.care_alarm_time)
        ).total_seconds()
        device_seconds = (
            (self._cancel_moment() - first._cancel_moment()).total_seconds()
            if first
            else server_seconds
        )
        seconds = max(server_seconds, device_seconds)
        note = self.env._(
            "%(seconds)s s after the alarm (window %(window)s s).",
            seconds=int(seconds),
            window=window,
        )
        if ticket.care_ack_date:
            result = "acknowledged"
        elif alarms.device_id - self.device_id:
            result = "other_device"
        elif device_seconds < 0:
            # pressed before this alarm by the device's own clock: it belongs
            # to an earlier one
            result = "no_alarm"
            note = self.env._("Pressed before the alarm by the device's clock.")
        elif seconds > window:
            result = "too_late"
        else:
            result = "cancelled"
        self.write({"cancel_result": result, "cancel_note": note})
        if result == "cancelled":
            ticket._care_cancel_by_wearer(self)
        else:
            ticket._care_note_ignored_cancel(self)

    def _process_vitals(self):
        values = self._vitals()
        if not self.elder_id:
            raise UserError(
                self.env._(
                    "Device %s is not bound to an elder: the reading cannot be filed.",
                    self.device_id.serial,
                )
            )
        reading = self.env["care.vital.reading"].create(
            {
                "elder_id": self.elder_id.id,
                "device_id": self.device_id.id,
                "event_id": self.id,
                "company_id": self.company_id.id,
                "measured_at": self.device_time or self.received_at,
                **values,
            }
        )
        reading._check_thresholds()

    @api.model
    def _close_offline_episode(self, device):
        """The device spoke again: say so on its open offline ticket."""
        ticket = self.env["helpdesk.ticket"].search(
            [
                ("care_device_id", "=", device.id),
                ("care_alarm_kind", "=", "offline"),
                ("stage_id.closed", "=", False),
            ],
            limit=1,
        )
        if ticket:
            ticket.message_post(body=self.env._("The device is back online."))

    @api.model
    def _cron_retry(self, limit=500, max_batches=20):
        """Process again the events whose processing failed (up to
        ``MAX_ATTEMPTS`` tries), selected by state whatever their age: a cron
        that missed a day catches up, batch after batch. One event failing
        does not stop the others (a savepoint each); its last failure is
        handed to the desk. Returns the events tried."""
        domain = [
            ("state", "in", ("received", "error")),
            ("attempts", "<", MAX_ATTEMPTS),
            ("received_at", "<", fields.Datetime.now() - timedelta(seconds=30)),
        ]
        Event = self.sudo()
        tried = Event.browse()
        last_id = 0
        for _batch in range(max_batches):
            events = Event.search(
                [*domain, ("id", ">", last_id)], limit=limit, order="id"
            )
            if not events:
                break
            events._process_safely()
            tried |= events
            last_id = events[-1].id
        failed = tried.filtered(lambda e: e.state == "error")
        if failed:
            _logger.warning(
                "care device events: %s of %s could not be processed again "
                "(ids %s); they stay in error for the next run",
                len(failed),
                len(tried),
                failed.ids[:50],
            )
        return tried

    def action_retry(self):
        if not self.env.user.has_group("care_devices.group_care_device_admin"):
            raise AccessError(
                self.env._("Only device administrators may process events again.")
            )
        self.check_access("read")
        self.filtered(lambda e: e.state != "processed")._process_safely()
        return True

    # ------------------------------------------------------------------
    # XML-RPC intake for gateway users
    # ------------------------------------------------------------------
    @api.model
    def post_events(self, events):
        """Post device events over XML-RPC (gateway users).

        ``events`` is one event dict or a list (same fields as the HTTP
        API). Returns a list of ``{"status_code", ...}`` answers. The caller
        must be in the *Device gateway* or *Device administrator* group; the
        events are taken as by a gateway key of the user's company.
        """
        if not self.env.user.has_groups(
            "care_devices.group_care_gateway,care_devices.group_care_device_admin"
        ):
            raise UserError(self.env._("Only device gateways may post events."))
        if isinstance(events, dict):
            events = [events]
        if not isinstance(events, list) or len(events) > MAX_BATCH:
            raise UserError(
                self.env._("Post one event or a list of at most %s.", MAX_BATCH)
            )
        company = self.env.company
        key = (
            self.env["care.device.api.key"]
            .sudo()
            .new({"scope": "gateway", "company_id": company.id})
        )
        answers = []
        Event = self.sudo().with_company(company)
        for data in events:
            status, body = Event._ingest(key, data)
            answers.append(dict(body, status_code=status))
        return answers
