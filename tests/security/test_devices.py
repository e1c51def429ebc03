"""Devices and the emergency desk, attacked over the real protocols (issue 14).

Every test prepares its own elder, devices and key as admin (the demo data
stays as the other tests expect it), attacks over XML-RPC as a demo login or
over HTTP, and checks as admin that nothing changed.
"""

import json
import re
import socket
import threading
import uuid
from urllib.parse import urlsplit

import pytest

from .conftest import fault_is_refusal

ROUTE = "/care/api/v1/events"
CONDITION = "冠心病"
MEDICATION = "阿司匹林肠溶片 100mg qd"
ALLERGY = "磺胺类药物过敏"
DOCTOR = "测试家庭医生 郑大夫"
HOSPITAL = "测试市第三人民医院"
MEDICAL_WORDS = (CONDITION, MEDICATION, ALLERGY, DOCTOR, HOSPITAL)


# ----------------------------------------------------------------------
# fixtures (this file's own)
# ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def key(admin):
    """A gateway key of the admin's company: (record id, secret)."""
    key_id = admin.call("care.device.api.key", "create", {"name": "sec devices"})
    action = admin.call("care.device.api.key", "action_generate", [key_id])
    [wizard] = admin.read("care.api.key.wizard", [action["res_id"]], ["key"])
    return key_id, wizard["key"]


@pytest.fixture(scope="module")
def medical_refs(admin):
    condition = admin.call(
        "care.condition", "search_read", [("name", "=", CONDITION)], ["id"], limit=1
    )
    condition_id = (
        condition[0]["id"]
        if condition
        else admin.call("care.condition", "create", {"name": CONDITION})
    )
    doctor = admin.call(
        "res.partner", "create", {"name": DOCTOR, "mobile": "13911112222"}
    )
    hospital = admin.call("res.partner", "create", {"name": HOSPITAL})
    model = admin.call(
        "care.device.model",
        "create",
        {"name": "sec watch", "vendor": "sec", "device_type": "watch"},
    )
    return {
        "condition": condition_id,
        "doctor": doctor,
        "hospital": hospital,
        "model": model,
    }


@pytest.fixture
def make_elder(admin, medical_refs):
    """``make_elder(devices=1)``: a new active elder with a medical record
    and bound devices; returns (elder id, mobile, [device serials])."""

    made = []

    def make(devices=1):
        tag = uuid.uuid4().hex[:8]
        mobile = "139" + str(int(tag, 16) % 10**8).zfill(8)
        elder = admin.call(
            "care.elder",
            "create",
            {
                "name": f"安全测试老人{tag}",
                "mobile": mobile,
                "condition_ids": [(6, 0, [medical_refs["condition"]])],
                "medications": MEDICATION,
                "allergies": ALLERGY,
                "doctor_id": medical_refs["doctor"],
                "hospital_id": medical_refs["hospital"],
            },
        )
        admin.call("care.elder", "action_activate", [elder])
        serials = [f"SEC-{tag}-{n}" for n in range(devices)]
        device_ids = admin.call(
            "care.device",
            "create",
            [{"serial": s, "model_id": medical_refs["model"]} for s in serials],
        )
        admin.call(
            "care.device.binding",
            "create",
            [{"device_id": d, "elder_id": elder} for d in device_ids],
        )
        made.extend(device_ids)
        return elder, mobile, serials

    yield make
    # retire the devices: other tests (the gateway simulator) take every bound
    # device of the database as theirs
    if made:
        admin.call("care.device", "action_retire", made)


@pytest.fixture
def post(http, key):
    """``post(body, secret=None)``: POST to the events API with the key."""

    def send(body, secret=None, raw=None):
        headers = {
            "Content-Type": "application/json",
            "X-Care-Api-Key": secret or key[1],
        }
        data = raw if raw is not None else json.dumps(body).encode()
        return http("POST", ROUTE, data, headers)

    return send


def event(serial, code="sos", **data):
    data.setdefault("event_uid", f"sec-{uuid.uuid4().hex}")
    return {"device_id": serial, "code": code, **data}


def tickets_of(admin, elder, kind="sos"):
    return admin.call(
        "helpdesk.ticket",
        "search",
        [("care_elder_id", "=", elder), ("care_alarm_kind", "=", kind)],
    )


def assert_no_medical_word(text, who):
    for word in MEDICAL_WORDS:
        assert word not in text, f"{who} reads {word!r}"


def subscribe(admin, ticket, login, role):
    partner = role(login).read("res.users", [role(login).uid], ["partner_id"])
    admin.call(
        "helpdesk.ticket",
        "message_subscribe",
        [ticket],
        partner_ids=[partner[0]["partner_id"][0]],
    )


# ----------------------------------------------------------------------
# 7, 8: medical data on tickets and in the chatter
# ----------------------------------------------------------------------
def test_non_medical_followers_read_no_medical_word_of_an_alarm(
    admin, role, post, make_elder
):
    elder, _mobile, [serial] = make_elder()
    answer = post(event(serial))
    assert answer.status == 202, answer.body
    [ticket] = tickets_of(admin, elder)
    medical = admin.read("helpdesk.ticket", [ticket], ["care_card_medical"])[0]
    for word in MEDICAL_WORDS:
        assert word in medical["care_card_medical"], "the desk reads it all"

    # reception does not follow it: it reads no ticket at all
    assert not role("reception").call(
        "helpdesk.ticket", "search", [("id", "=", ticket)]
    )
    for login in ("dispatcher", "finance"):
        subscribe(admin, ticket, login, role)
        caller = role(login)
        assert caller.call("helpdesk.ticket", "search", [("id", "=", ticket)]) == [
            ticket
        ], f"{login} follows the ticket and reads it"
        values = caller.read("helpdesk.ticket", [ticket])[0]
        assert "care_card_medical" not in values
        messages = caller.call(
            "mail.message",
            "search_read",
            [("model", "=", "helpdesk.ticket"), ("res_id", "=", ticket)],
            ["body"],
        )
        assert_no_medical_word(
            json.dumps([values, messages], ensure_ascii=False), login
        )
        for field in ("care_card_medical", "care_vital_reading_ids"):
            text = caller.refused("helpdesk.ticket", "read", [ticket], [field])
            assert fault_is_refusal(text), text
    # the family doctor and reception, as followers, read it (medical groups)
    for login in ("doctor", "reception"):
        subscribe(admin, ticket, login, role)
        values = role(login).read("helpdesk.ticket", [ticket], ["care_card_medical"])
        assert MEDICATION in values[0]["care_card_medical"], login


def test_dispatcher_who_hands_over_a_call_reads_no_medical_word(
    admin, role, make_elder
):
    elder, mobile, _serials = make_elder(devices=0)
    dispatcher = role("dispatcher")
    pop = dispatcher.call("care.call", "cti_incoming", mobile)
    call_id = pop["call_id"]
    dispatcher.call("care.call", "write", [call_id], {"summary": "老人说胸口疼"})
    dispatcher.call("care.call", "action_emergency", [call_id])
    [ticket] = tickets_of(admin, elder, "phone")
    followers = admin.read("helpdesk.ticket", [ticket], ["message_partner_ids"])[0]
    me = dispatcher.read("res.users", [dispatcher.uid], ["partner_id"])[0]
    assert me["partner_id"][0] in followers["message_partner_ids"], "a follower"
    values = dispatcher.read("helpdesk.ticket", [ticket])[0]
    assert "老人说胸口疼" in values["care_card"], "the caller's words, not medical"
    messages = dispatcher.call(
        "mail.message",
        "search_read",
        [("model", "=", "helpdesk.ticket"), ("res_id", "=", ticket)],
        ["body"],
    )
    assert_no_medical_word(
        json.dumps([values, messages], ensure_ascii=False), "dispatcher"
    )
    text = dispatcher.refused(
        "helpdesk.ticket", "read", [ticket], ["care_card_medical"]
    )
    assert fault_is_refusal(text), text


def test_vital_alert_is_not_told_in_the_elder_chatter(admin, role, post, make_elder):
    elder, _mobile, [serial] = make_elder()
    answer = post(event(serial, "vitals", vitals={"systolic": 197, "diastolic": 121}))
    assert answer.status == 202, answer.body
    [ticket] = tickets_of(admin, elder, "vital_abnormal")
    for login in ("dispatcher", "finance", "reception"):
        caller = role(login)
        messages = caller.call(
            "mail.message",
            "search_read",
            [("model", "=", "care.elder"), ("res_id", "=", elder)],
            ["body"],
        )
        text = json.dumps(messages, ensure_ascii=False)
        assert "alert" in text or "警" in text, f"{login} sees there is an alert"
        # as numbers of their own (an elder code such as EL000121 is not one)
        values = re.findall(r"(?<!\d)(?:197|121)(?!\d)", text)
        assert not values, f"{login} reads the values: {values}"
    # the desk reads them on the ticket's medical card
    card = admin.read("helpdesk.ticket", [ticket], ["care_card_medical", "description"])
    assert "197" in card[0]["care_card_medical"]
    assert "197" not in (card[0]["description"] or "")


# ----------------------------------------------------------------------
# 10: readings inside other events
# ----------------------------------------------------------------------
def test_readings_inside_an_sos_are_checked(admin, post, make_elder):
    elder, _mobile, [serial] = make_elder()
    answer = post(event(serial, "sos", vitals={"heart_rate": 188}))
    assert answer.status == 202, answer.body
    readings = admin.call(
        "care.vital.reading",
        "search_read",
        [("event_id", "=", answer.json()["event_id"])],
        ["heart_rate", "severity", "ticket_id"],
    )
    assert [r["heart_rate"] for r in readings] == [188]
    assert readings[0]["severity"] and readings[0]["ticket_id"], readings
    assert tickets_of(admin, elder, "vital_abnormal")
    # and an impossible one is refused, nothing stored
    uid = f"sec-{uuid.uuid4().hex}"
    answer = post(event(serial, "fall", event_uid=uid, vitals={"heart_rate": 900}))
    assert answer.status == 400 and answer.json()["field"] == "vitals.heart_rate"
    assert not admin.call("care.device.event", "search", [("uid", "=", uid)])


# ----------------------------------------------------------------------
# 12: the events API's input
# ----------------------------------------------------------------------
def test_oversized_body_is_413_before_it_is_read(odoo_server, post, key):
    """100 MB announced, one byte sent: answered at once, the body unread
    (the connection would hang until the timeout if the server waited for it;
    above 128 MB Odoo itself refuses before the route)."""
    url = urlsplit(odoo_server.url)
    with socket.create_connection((url.hostname, url.port), timeout=20) as sock:
        sock.sendall(
            (
                f"POST {ROUTE} HTTP/1.1\r\nHost: {url.netloc}\r\n"
                f"Content-Type: application/json\r\nX-Care-Api-Key: {key[1]}\r\n"
                "Content-Length: 100000000\r\nConnection: close\r\n\r\n["
            ).encode()
        )
        head = b""
        while chunk := sock.recv(4096):  # until the server closes
            head += chunk
        head = head.decode(errors="replace")
    assert head.startswith("HTTP/1.1 413"), head[:300]
    assert '"too_large"' in head, head[:600]
    # and a body really over 2 MB
    answer = post(None, raw=json.dumps({"raw": "x" * 2_200_000}).encode())
    assert answer.status == 413 and answer.json()["error"] == "too_large"


@pytest.mark.parametrize("depth", [50, 200_000])
def test_deeply_nested_json_is_400_never_500(post, depth):
    answer = post(None, raw=("[" * depth + "]" * depth).encode())
    assert answer.status == 400, answer.body[:300]
    assert answer.json()["field"] == "body"
    answer = post(None, raw=('{"a":' * depth + "1" + "}" * depth).encode())
    assert answer.status == 400, answer.body[:300]


def test_late_location_frame_does_not_overwrite_a_newer_position(
    admin, post, make_elder
):
    _elder, _mobile, [serial] = make_elder()
    newer = {"latitude": 31.2304, "longitude": 121.4737, "accuracy": 8}
    older = {"latitude": 39.9042, "longitude": 116.4074, "accuracy": 8}
    frame = {"device_id": serial, "code": "location"}
    answer = post(dict(frame, position=newer, device_time="2026-11-20T10:00:00+08:00"))
    assert answer.status == 200, answer.body
    for late in ("2026-11-20T09:00:00+08:00", "2026-11-20T10:00:00+08:00"):
        answer = post(dict(frame, position=older, device_time=late))
        assert answer.status == 200, answer.body
    [device] = admin.call(
        "care.device",
        "search_read",
        [("serial", "=", serial)],
        ["last_latitude", "last_longitude", "last_position_date"],
    )
    assert (device["last_latitude"], device["last_longitude"]) == (31.2304, 121.4737)
    assert device["last_position_date"] == "2026-11-20 02:00:00"


# ----------------------------------------------------------------------
# 14: revoked keys
# ----------------------------------------------------------------------
def test_revoked_key_stays_revoked(admin, role, post, make_elder):
    _elder, _mobile, [serial] = make_elder()
    devices = role("devices")
    key_id = devices.call("care.device.api.key", "create", {"name": "sec revoked"})
    action = devices.call("care.device.api.key", "action_generate", [key_id])
    [shown] = devices.read("care.api.key.wizard", [action["res_id"]], ["key"])
    secret = shown["key"]
    assert secret.startswith("cdk_")
    # the plaintext is gone once shown
    [again] = devices.read("care.api.key.wizard", [action["res_id"]], ["key"])
    assert not again["key"]
    heartbeat = {"device_id": serial, "code": "heartbeat"}
    assert post(heartbeat, secret=secret).status == 200
    devices.call("care.device.api.key", "action_revoke", [key_id])
    assert post(heartbeat, secret=secret).status == 403

    for caller in (devices, admin):
        for method, args, kwargs in (
            ("write", [[key_id], {"active": True}], {}),
            ("write", [[key_id], {"revoked_date": False}], {}),
            ("write", [[key_id], {"active": True, "revoked_date": False}], {}),
            ("action_unarchive", [[key_id]], {}),
            ("toggle_active", [[key_id]], {}),
            ("action_generate", [[key_id]], {}),
        ):
            text = caller.refused("care.device.api.key", method, *args, **kwargs)
            assert fault_is_refusal(text), f"{caller.login} {method}: {text}"
    [after] = admin.call(
        "care.device.api.key",
        "search_read",
        [("id", "=", key_id), ("active", "in", (True, False))],
        ["active", "revoked_date"],
    )
    assert not after["active"] and after["revoked_date"]
    answer = post(heartbeat, secret=secret)
    assert answer.status == 403 and answer.json()["error"] == "forbidden"
    # other roles may not touch keys at all
    for login in ("emergency", "dispatcher"):
        text = role(login).refused("care.device.api.key", "action_revoke", [key_id])
        assert fault_is_refusal(text), text


# ----------------------------------------------------------------------
# 17 and 23: the desk's path as demo `emergency`, and its guarded results
# ----------------------------------------------------------------------
def test_emergency_handles_an_alarm_end_to_end_and_cannot_forge_its_times(
    admin, role, post, make_elder
):
    elder, _mobile, [serial] = make_elder()
    answer = post(event(serial, "fall"))
    assert answer.status == 202, answer.body
    [ticket] = tickets_of(admin, elder, "fall")
    desk = role("emergency")
    forged = "2020-01-01 00:00:00"
    for vals in (
        {"care_ack_date": forged},
        {"care_time_to_ack": 1.0, "care_ack_60": 100.0},
        {"care_alarm_time": forged},
        {"care_card_medical": "<p>x</p>"},
        {"care_escalated": True},
    ):
        text = desk.refused("helpdesk.ticket", "write", [ticket], vals)
        assert fault_is_refusal(text), text
    text = desk.refused(
        "care.alarm.action", "create", {"ticket_id": ticket, "action": "ack"}
    )
    assert fault_is_refusal(text), text
    # the dispatcher (a follower) may not acknowledge it
    subscribe(admin, ticket, "dispatcher", role)
    text = role("dispatcher").refused(
        "helpdesk.ticket", "action_care_acknowledge", [ticket]
    )
    assert fault_is_refusal(text), text
    assert not admin.read("helpdesk.ticket", [ticket], ["care_ack_date"])[0][
        "care_ack_date"
    ]

    desk.call("helpdesk.ticket", "action_care_acknowledge", [ticket])
    desk.call("helpdesk.ticket", "action_care_elder_called", [ticket])
    action = desk.call("helpdesk.ticket", "action_care_close", [ticket])
    wizard = desk.call(
        "care.alarm.close.wizard",
        "create",
        {"ticket_id": ticket, "outcome": "false_alarm"},
        context=action["context"],
    )
    desk.call("care.alarm.close.wizard", "action_confirm", [wizard])
    [done] = admin.read(
        "helpdesk.ticket",
        [ticket],
        ["closed", "care_outcome", "care_ack_user_id", "care_ack_date"],
    )
    assert done["closed"] and done["care_outcome"] == "false_alarm"
    assert done["care_ack_user_id"][0] == desk.uid
    trail = admin.call(
        "care.alarm.action",
        "search_read",
        [("ticket_id", "=", ticket)],
        ["action", "user_id"],
        order="id",
    )
    assert [t["action"] for t in trail] == ["ack", "elder_called", "closed"]
    assert {t["user_id"][0] for t in trail} == {desk.uid}
    # the device's pipeline fields are not the device admin's to write either
    [device] = admin.call("care.device", "search", [("serial", "=", serial)])
    for vals in ({"battery": 100}, {"last_seen": forged}, {"offline": True}):
        text = role("devices").refused("care.device", "write", [device], vals)
        assert fault_is_refusal(text), text


# ----------------------------------------------------------------------
# 21: simultaneous alarms of one elder join one ticket
# ----------------------------------------------------------------------
def test_simultaneous_alarms_of_one_elder_from_two_devices_join_one_ticket(
    admin, post, make_elder
):
    rounds = 20
    elders = [make_elder(devices=2) for _round in range(rounds)]
    split = []
    for elder, _mobile, serials in elders:
        barrier = threading.Barrier(len(serials))
        answers = {}

        def press(serial, barrier=barrier, answers=answers):
            body = event(serial, "sos")
            barrier.wait()
            answers[serial] = post(body)

        threads = [threading.Thread(target=press, args=(s,)) for s in serials]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        statuses = sorted(a.status for a in answers.values())
        assert statuses == [202, 202], [a.body for a in answers.values()]
        numbers = {a.json()["ticket"] for a in answers.values()}
        tickets = tickets_of(admin, elder)
        if len(tickets) != 1 or len(numbers) != 1:
            split.append((elder, tickets, numbers))
        else:
            [count] = admin.read("helpdesk.ticket", tickets, ["care_alarm_count"])
            assert count["care_alarm_count"] == 2
    assert not split, f"{len(split)} of {rounds} rounds opened two tickets: {split}"


# ----------------------------------------------------------------------
# issue 21, item 3: the pre-alert window and the call-out ladder
# ----------------------------------------------------------------------
def _device_time(seconds_ago=0):
    from datetime import UTC, datetime, timedelta

    moment = datetime.now(UTC) - timedelta(seconds=seconds_ago)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _cancel_result(admin, uid):
    [row] = admin.call(
        "care.device.event",
        "search_read",
        [("uid", "=", uid)],
        ["cancel_result", "ticket_id", "state"],
    )
    return row


def _ticket_state(admin, ticket):
    [row] = admin.read(
        "helpdesk.ticket",
        [ticket],
        ["closed", "care_outcome", "care_ack_date", "care_ladder_state"],
    )
    return row


def test_wearer_cancel_inside_the_window_and_its_replay(admin, post, make_elder):
    elder, _mobile, [serial] = make_elder()
    assert post(event(serial, "sos")).status == 202
    [ticket] = tickets_of(admin, elder)
    cancel = event(serial, "cancel")
    answer = post(cancel)
    assert answer.status == 202, answer.body
    assert _cancel_result(admin, cancel["event_uid"])["cancel_result"] == "cancelled"
    before = _ticket_state(admin, ticket)
    assert before["closed"] and before["care_outcome"] == "wearer_cancelled"
    trail = admin.call(
        "care.alarm.action", "search_read", [("ticket_id", "=", ticket)], ["action"]
    )
    # the replay of the same cancel: answered 409, nothing changes
    answer = post(cancel)
    assert answer.status == 409 and answer.json()["status"] == "duplicate"
    assert _ticket_state(admin, ticket) == before
    assert (
        admin.call(
            "care.alarm.action",
            "search_read",
            [("ticket_id", "=", ticket)],
            ["action"],
        )
        == trail
    )
    assert (
        admin.call(
            "care.device.event", "search_count", [("uid", "=", cancel["event_uid"])]
        )
        == 1
    )


def test_late_or_acknowledged_cancel_is_stored_and_ignored(
    admin, role, post, make_elder
):
    elder, _mobile, [serial] = make_elder()
    # the alarm pressed 60 s ago by the device's clock: a cancel now is late
    late_alarm = event(serial, "sos", device_time=_device_time(60))
    assert post(late_alarm).status == 202
    [ticket] = tickets_of(admin, elder)
    late = event(serial, "cancel", device_time=_device_time())
    assert post(late).status == 202
    row = _cancel_result(admin, late["event_uid"])
    assert row["cancel_result"] == "too_late" and row["ticket_id"][0] == ticket
    assert not _ticket_state(admin, ticket)["closed"]
    # the desk reads the reason on the event
    [seen] = role("emergency").read(
        "care.device.event", [row["id"]], ["cancel_result", "cancel_note"]
    )
    assert seen["cancel_result"] == "too_late" and seen["cancel_note"]

    # acknowledged by the desk, then cancelled within the window: ignored
    elder, _mobile, [serial] = make_elder()
    assert post(event(serial, "fall")).status == 202
    [ticket] = tickets_of(admin, elder, "fall")
    role("emergency").call("helpdesk.ticket", "action_care_acknowledge", [ticket])
    # the desk may not file it as the wearer's false alarm (out of the report)
    text = role("emergency").refused(
        "helpdesk.ticket", "write", [ticket], {"care_outcome": "wearer_cancelled"}
    )
    assert fault_is_refusal(text), text
    cancel = event(serial, "cancel")
    assert post(cancel).status == 202
    assert _cancel_result(admin, cancel["event_uid"])["cancel_result"] == (
        "acknowledged"
    )
    state = _ticket_state(admin, ticket)
    assert not state["closed"] and not state["care_outcome"]
    assert state["care_ladder_state"] == "running"


@pytest.fixture
def gateway_user(admin, odoo_server):
    """A device-gateway user (the key holder's RPC side), made for the test."""
    from .conftest import _login

    login = f"sec_gateway_{uuid.uuid4().hex[:8]}"
    groups = admin.call(
        "ir.model.data",
        "search_read",
        [
            "|",
            "&",
            ("module", "=", "care_devices"),
            ("name", "=", "group_care_gateway"),
            "&",
            ("module", "=", "base"),
            ("name", "=", "group_user"),
        ],
        ["res_id"],
    )
    admin.call(
        "res.users",
        "create",
        {
            "name": login,
            "login": login,
            "password": login,
            "groups_id": [(6, 0, [g["res_id"] for g in groups])],
        },
    )
    return _login(odoo_server, login, login)


LADDER_METHODS = (
    "action_care_ladder_answered",
    "action_care_ladder_no_answer",
    "action_care_ladder_busy",
    "action_care_ladder_refused",
)


def test_ladder_outcomes_are_the_desks_and_its_state_cannot_be_written(
    admin, role, post, make_elder, gateway_user
):
    elder, _mobile, [serial] = make_elder()
    assert post(event(serial, "sos")).status == 202
    [ticket] = tickets_of(admin, elder)
    desk = role("emergency")
    desk.call("helpdesk.ticket", "action_care_acknowledge", [ticket])
    fields = ["care_ladder_state", "care_ladder_step", "care_ladder_deadline"]
    before = admin.read("helpdesk.ticket", [ticket], fields)
    lines = admin.call(
        "care.alarm.ladder.line",
        "search_read",
        [("ticket_id", "=", ticket)],
        ["state", "outcome", "kind"],
        order="sequence",
    )
    assert before[0]["care_ladder_state"] == "running"
    assert [x["state"] for x in lines][:2] == ["current", "waiting"]

    for login in ("dispatcher", "reception", "finance"):
        subscribe(admin, ticket, login, role)
    callers = [role(x) for x in ("reception", "dispatcher", "devices", "finance")]
    for caller in [*callers, gateway_user]:
        for method in LADDER_METHODS:
            text = caller.refused("helpdesk.ticket", method, [ticket])
            assert fault_is_refusal(text), f"{caller.login} {method}: {text}"
        text = caller.refused(
            "helpdesk.ticket", "_cron_ladder_advance"
        )  # private: not callable over RPC
        assert fault_is_refusal(text), text
    # direct writes of the ladder state, by the desk and by admin
    current = lines[0]["id"]
    for caller in (desk, admin):
        for vals in (
            {"care_ladder_state": "answered"},
            {"care_ladder_deadline": "2099-01-01 00:00:00"},
            {"care_ladder_line_id": False},
            {"care_ladder_line_ids": [(1, current, {"outcome": "answered"})]},
            {"care_ladder_line_ids": [(2, current)]},
        ):
            text = caller.refused("helpdesk.ticket", "write", [ticket], vals)
            assert fault_is_refusal(text), f"{caller.login} {vals}: {text}"
        for vals in ({"outcome": "answered"}, {"state": "done"}, {"alerted": True}):
            text = caller.refused("care.alarm.ladder.line", "write", [current], vals)
            assert fault_is_refusal(text), f"{caller.login} {vals}: {text}"
        text = caller.refused(
            "care.alarm.ladder.line", "create", {"ticket_id": ticket, "kind": "elder"}
        )
        assert fault_is_refusal(text), text
    text = desk.refused("care.alarm.ladder.line", "unlink", [current])
    assert fault_is_refusal(text), text
    # a forged context naming another step is refused, not applied
    text = desk.refused(
        "helpdesk.ticket",
        "action_care_ladder_answered",
        [ticket],
        context={"care_ladder_line_id": lines[1]["id"]},
    )
    assert fault_is_refusal(text), text
    assert admin.read("helpdesk.ticket", [ticket], fields) == before
    after = admin.call(
        "care.alarm.ladder.line",
        "search_read",
        [("ticket_id", "=", ticket)],
        ["state", "outcome", "kind"],
        order="sequence",
    )
    assert after == lines

    # the desk records outcomes: no answer moves on, an answer ends it
    desk.call("helpdesk.ticket", "action_care_ladder_no_answer", [ticket])
    desk.call(
        "helpdesk.ticket",
        "action_care_ladder_answered",
        [ticket],
        context={"care_ladder_line_id": lines[1]["id"]},
    )
    done = admin.call(
        "care.alarm.ladder.line",
        "search_read",
        [("ticket_id", "=", ticket)],
        ["state", "outcome", "user_id"],
        order="sequence",
    )
    assert [x["outcome"] for x in done[:2]] == ["no_answer", "answered"]
    assert {x["user_id"][0] for x in done[:2]} == {desk.uid}
    assert (
        admin.read("helpdesk.ticket", [ticket], ["care_ladder_state"])[0][
            "care_ladder_state"
        ]
        == "answered"
    )
