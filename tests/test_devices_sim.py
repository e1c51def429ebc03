"""care_devices over real HTTP and XML-RPC, against a running server.

The gateway simulator (scripts/devices_gateway_sim.py) replays a day of the
demo devices' events, resending a fifth of them, and the database is then
checked over XML-RPC: every event stored once, no second ticket for a
resent alarm, repeated SOS presses joined, readings filed and rated.
"""

import sys
import xmlrpc.client
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import devices_gateway_sim as sim

SEED = 7


def new_key(call, name):
    key_id = call("care.device.api.key", "create", {"name": name, "scope": "gateway"})
    action = call("care.device.api.key", "action_generate", [key_id])
    [wizard] = call("care.api.key.wizard", "read", [action["res_id"]], ["key"])
    return wizard["key"]


def test_gateway_replays_a_day_without_loss_or_duplicate(odoo_server, xmlrpc_admin):
    call = xmlrpc_admin
    # the demo devices only: other tests bind devices of their own
    demo = call(
        "ir.model.data",
        "search_read",
        [("module", "=", "care_devices"), ("model", "=", "care.device")],
        ["res_id"],
    )
    devices = call(
        "care.device",
        "search_read",
        [("state", "=", "bound"), ("id", "in", [d["res_id"] for d in demo])],
        ["serial", "elder_id"],
        order="serial",
    )
    assert len(devices) >= 20, "the demo data binds 30 devices"
    elder_of = {d["serial"]: d["elder_id"][0] for d in devices}
    key = new_key(call, "Simulator")
    events = sim.build_day(
        list(elder_of), seed=SEED, day=date.today() - timedelta(days=1)
    )
    with_uid = [e for e in events if e.get("event_uid")]
    assert {e["code"] for e in with_uid} >= {"sos", "fall", "vitals", "low_battery"}

    summary = sim.replay(
        odoo_server.url,
        key,
        events,
        batch=40,
        resend_share=0.2,
        concurrency=2,
        seed=SEED,
    )

    assert not summary.errors, summary.errors[:5]
    assert summary.sent == len(events) + summary.resent
    assert summary.duplicates == summary.resent_with_uid > 0

    # every event with a uid is stored exactly once
    prefix = f"sim-{SEED}-"
    stored = call(
        "care.device.event",
        "search_read",
        [("uid", "=like", prefix + "%")],
        ["uid", "state", "ticket_id", "code"],
    )
    assert sorted(e["uid"] for e in stored) == sorted(e["event_uid"] for e in with_uid)
    assert {e["state"] for e in stored} == {"processed"}

    # SOS: one ticket per elder, the second press joined the first
    sos_tickets = defaultdict(set)
    for event in stored:
        if event["code"] == "sos":
            assert event["ticket_id"], event
            serial = event["uid"].split("-")[3]  # sim-seed-day-serial-sos-n
            sos_tickets[elder_of[serial]].add(event["ticket_id"][0])
    assert sos_tickets
    assert all(len(tickets) == 1 for tickets in sos_tickets.values()), sos_tickets
    tickets = call(
        "helpdesk.ticket",
        "read",
        sorted({t for ts in sos_tickets.values() for t in ts}),
        ["priority", "care_alarm_count", "care_elder_id", "team_id"],
    )
    assert {t["priority"] for t in tickets} == {"3"}
    assert max(t["care_alarm_count"] for t in tickets) >= 2

    # readings filed; the out-of-range ones rated and ticketed
    readings = call(
        "care.vital.reading",
        "search_read",
        [("event_id.uid", "=like", prefix + "%")],
        ["systolic", "glucose", "severity", "ticket_id"],
    )
    assert len(readings) == sum(1 for e in with_uid if e["code"] == "vitals")
    for reading in readings:
        abnormal = reading["systolic"] >= 180 or 0 < reading["glucose"] < 3.9
        assert bool(reading["severity"]) == abnormal, reading
        assert bool(reading["ticket_id"]) == abnormal, reading

    # heartbeats reached the devices without event rows
    assert not call("care.device.event", "search_count", [("code", "=", "heartbeat")])
    seen = call("care.device", "read", [devices[0]["id"]], ["last_seen", "battery"])
    assert seen[0]["last_seen"] and seen[0]["battery"]


def test_gateway_user_posts_events_over_xmlrpc(odoo_server, xmlrpc_admin):
    call = xmlrpc_admin
    group = call(
        "ir.model.data", "check_object_reference", "care_devices", "group_care_gateway"
    )[1]
    call(
        "res.users",
        "create",
        {
            "name": "Gateway RPC",
            "login": "gateway_rpc",
            "password": "gateway-rpc-pass",
            "groups_id": [(6, 0, [group])],
        },
    )
    common = xmlrpc.client.ServerProxy(f"{odoo_server.url}/xmlrpc/2/common")
    uid = common.authenticate(odoo_server.db, "gateway_rpc", "gateway-rpc-pass", {})
    models = xmlrpc.client.ServerProxy(
        f"{odoo_server.url}/xmlrpc/2/object", allow_none=True
    )
    [device] = call(
        "care.device", "search_read", [("state", "=", "bound")], ["serial"], limit=1
    )
    answers = models.execute_kw(
        odoo_server.db,
        uid,
        "gateway-rpc-pass",
        "care.device.event",
        "post_events",
        [
            [
                {"device_id": device["serial"], "code": "heartbeat", "battery": 55},
                {"device_id": device["serial"], "code": "fall", "event_uid": "rpc-1"},
                {"device_id": device["serial"], "code": "fall", "event_uid": "rpc-1"},
                {"device_id": device["serial"], "code": "fall"},
            ]
        ],
    )
    assert [a["status_code"] for a in answers] == [200, 202, 409, 400]
    assert answers[1]["ticket"] == answers[2]["ticket"]
    assert answers[3]["field"] == "event_uid"
    # the gateway user reads nothing
    with pytest.raises(xmlrpc.client.Fault, match="not allowed"):
        models.execute_kw(
            odoo_server.db,
            uid,
            "gateway-rpc-pass",
            "care.device",
            "search_read",
            [[]],
            {"fields": ["serial"]},
        )
