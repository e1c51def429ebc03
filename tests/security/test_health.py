"""Health records (issue 18), attacked over the real protocol.

Medical data is read by the health team only: reception, dispatch, finance and
the emergency desk read none of it, a member of team A reads nothing of team
B, and nobody writes the computed classification. Every test prepares its own
teams, elders and follow-ups as admin and re-reads as admin that nothing
changed; the demo data is left as it is.
"""

import re
import uuid

import pytest

from .conftest import fault_is_refusal

HEALTH_MODELS = (
    "care.health.followup",
    "care.health.reading",
    "care.health.registry",
    "care.health.referral",
    "care.health.screening",
    "care.health.intervention",
    "care.health.contract",
)
OTHER_ROLES = ("reception", "dispatcher", "finance", "emergency")


def _xmlid(admin, module, name):
    [row] = admin.search_read(
        "ir.model.data", [("module", "=", module), ("name", "=", name)], ["res_id"]
    )
    return row["res_id"]


@pytest.fixture(scope="module")
def world(admin, odoo_server):
    """Two teams with one member each, an elder per team with a registered
    hypertension and an uncontrolled follow-up, a reading and a referral."""
    from .conftest import _login

    member_group = _xmlid(admin, "care_health", "group_health_member")
    tag = uuid.uuid4().hex[:6]
    users, teams, elders, followups, readings, referrals = {}, {}, {}, {}, {}, {}
    for side in ("a", "b"):
        login = f"hl_sec_{side}_{tag}"
        users[side] = admin.call(
            "res.users",
            "create",
            {
                "name": f"HL {side}",
                "login": login,
                "password": login,
                "groups_id": [(6, 0, [member_group])],
            },
        )
        teams[side] = admin.call(
            "care.health.team",
            "create",
            {"name": f"HL sec {side} {tag}", "leader_id": users[side]},
        )
        elders[side] = admin.call(
            "care.elder", "create", {"name": f"健康测试{side}{tag}"}
        )
        admin.call(
            "care.health.contract",
            "create",
            {"elder_id": elders[side], "team_id": teams[side]},
        )
        registry = admin.call(
            "care.health.registry",
            "create",
            {
                "elder_id": elders[side],
                "disease": "hypertension",
                "diagnosis_date": "2020-01-01",
                "source": "hospital",
            },
        )
        followups[side] = admin.call(
            "care.health.followup",
            "create",
            {"registry_id": registry, "kind": "extra", "sbp": 152, "dbp": 95},
        )
        readings[side] = admin.call(
            "care.health.reading",
            "create",
            {"elder_id": elders[side], "sbp": 150, "dbp": 92},
        )
        referrals[side] = admin.call(
            "care.health.referral",
            "create",
            {"elder_id": elders[side], "registry_id": registry, "reason": "sec test"},
        )
    callers = {
        side: _login(odoo_server, f"hl_sec_{side}_{tag}", f"hl_sec_{side}_{tag}")
        for side in users
    }
    return {
        "callers": callers,
        "elders": elders,
        "followups": followups,
        "readings": readings,
        "referrals": referrals,
    }


def _followup(admin, followup_id):
    [row] = admin.read(
        "care.health.followup",
        [followup_id],
        ["classification", "state", "next_date", "sbp"],
    )
    return row


@pytest.mark.parametrize("login", OTHER_ROLES)
def test_other_roles_read_no_health_record(role, admin, world, login):
    caller = role(login)
    for model in HEALTH_MODELS:
        for method, args in (
            ("search_read", ([], ["id"])),
            ("search_count", ([],)),
            ("read_group", ([], ["id:count"], [])),
        ):
            text = caller.refused(model, method, *args)
            assert fault_is_refusal(text), (
                f"{login} {model}.{method}: crash, not a refusal"
            )
    text = caller.refused(
        "care.health.followup", "read", [world["followups"]["a"]], ["classification"]
    )
    assert fault_is_refusal(text)
    text = caller.refused(
        "care.health.reading", "read", [world["readings"]["a"]], ["sbp"]
    )
    assert fault_is_refusal(text)
    # nor through the elder
    text = caller.refused(
        "care.elder", "read", [world["elders"]["a"]], ["health_registry_ids"]
    )
    assert fault_is_refusal(text)


@pytest.mark.parametrize("login", OTHER_ROLES)
def test_other_roles_cannot_act(role, admin, world, login):
    caller = role(login)
    before = _followup(admin, world["followups"]["a"])
    text = caller.refused(
        "care.health.followup", "action_done", [world["followups"]["a"]]
    )
    assert fault_is_refusal(text)
    text = caller.refused(
        "care.health.referral", "action_send", [world["referrals"]["a"]]
    )
    assert fault_is_refusal(text)
    text = caller.refused(
        "care.health.reading",
        "create",
        {"elder_id": world["elders"]["a"], "sbp": 150, "dbp": 90},
    )
    assert fault_is_refusal(text)
    assert _followup(admin, world["followups"]["a"]) == before
    [referral] = admin.read(
        "care.health.referral", [world["referrals"]["a"]], ["state"]
    )
    assert referral["state"] == "draft"


def test_member_cannot_write_computed_classification(admin, world):
    member = world["callers"]["a"]
    followup_id = world["followups"]["a"]
    before = _followup(admin, followup_id)
    assert before["classification"] == "uncontrolled"
    # the member can read and edit the readings of their own patient...
    assert member.read("care.health.followup", [followup_id], ["classification"])
    for vals in (
        {"classification": "controlled"},
        {"next_date": "2030-01-01"},
        {"bp_class": "normal"},
        {"state": "done"},
        {"out_of_target": False},
    ):
        text = member.refused("care.health.followup", "write", [followup_id], vals)
        assert fault_is_refusal(text), text
        assert "set by the system" in text or "Access" in text or "不能" in text
    # a forged context changes nothing
    text = member.refused(
        "care.health.followup",
        "write",
        [followup_id],
        {"classification": "controlled"},
        context={"install_mode": True, "module": "care_health", "su": True},
    )
    assert fault_is_refusal(text)
    assert _followup(admin, followup_id) == before
    # nor at creation
    registry = admin.read("care.health.followup", [followup_id], ["registry_id"])[0][
        "registry_id"
    ][0]
    count = admin.call(
        "care.health.followup", "search_count", [("registry_id", "=", registry)]
    )
    text = member.refused(
        "care.health.followup",
        "create",
        {
            "registry_id": registry,
            "sbp": 190,
            "dbp": 120,
            "classification": "controlled",
        },
    )
    assert fault_is_refusal(text)
    assert (
        admin.call(
            "care.health.followup", "search_count", [("registry_id", "=", registry)]
        )
        == count
    )


def test_member_cannot_write_intervention_or_referral_state(admin, world):
    member = world["callers"]["a"]
    referral_id = world["referrals"]["a"]
    text = member.refused(
        "care.health.referral", "write", [referral_id], {"state": "closed"}
    )
    assert fault_is_refusal(text)
    [row] = admin.read("care.health.referral", [referral_id], ["state"])
    assert row["state"] == "draft"
    # private helpers are not callable over RPC
    text = member.refused(
        "care.health.followup", "_apply_outcome", [world["followups"]["a"]]
    )
    assert fault_is_refusal(text)
    text = member.refused("care.health.intervention", "_cron_escalate")
    assert fault_is_refusal(text)


def test_member_reads_nothing_of_other_team(admin, world):
    member = world["callers"]["a"]
    for model, key in (
        ("care.health.followup", "followups"),
        ("care.health.reading", "readings"),
        ("care.health.referral", "referrals"),
    ):
        found = member.call(model, "search", [("id", "in", list(world[key].values()))])
        assert found == [world[key]["a"]], model
        text = member.refused(model, "read", [world[key]["b"]], ["id"])
        assert fault_is_refusal(text)
    # nor the other team's elder
    text = member.refused("care.elder", "read", [world["elders"]["b"]], ["name"])
    assert fault_is_refusal(text)


def test_member_cannot_act_on_other_team(admin, world):
    member = world["callers"]["a"]
    followup_b = world["followups"]["b"]
    before = _followup(admin, followup_b)
    text = member.refused("care.health.followup", "action_done", [followup_b])
    assert fault_is_refusal(text)
    text = member.refused(
        "care.health.followup", "write", [followup_b], {"sbp": 120, "dbp": 70}
    )
    assert fault_is_refusal(text)
    text = member.refused(
        "care.health.reading",
        "create",
        {"elder_id": world["elders"]["b"], "sbp": 120, "dbp": 70},
    )
    assert fault_is_refusal(text)
    assert _followup(admin, followup_b) == before
    assert (
        admin.call(
            "care.health.reading",
            "search_count",
            [("elder_id", "=", world["elders"]["b"])],
        )
        == 1
    )


def test_impossible_reading_refused(admin, world):
    member = world["callers"]["a"]
    elder = world["elders"]["a"]
    count = admin.call(
        "care.health.reading", "search_count", [("elder_id", "=", elder)]
    )
    for vals in ({"sbp": 80, "dbp": 95}, {"glucose": -2.0}, {}):
        text = member.refused(
            "care.health.reading", "create", {"elder_id": elder, **vals}
        )
        assert fault_is_refusal(text), text
    assert (
        admin.call("care.health.reading", "search_count", [("elder_id", "=", elder)])
        == count
    )


def test_member_cannot_move_records_to_other_team(admin, world):
    member = world["callers"]["a"]
    reading_a = world["readings"]["a"]
    text = member.refused(
        "care.health.reading", "write", [reading_a], {"elder_id": world["elders"]["b"]}
    )
    assert fault_is_refusal(text)
    [row] = admin.read("care.health.reading", [reading_a], ["elder_id"])
    assert row["elder_id"][0] == world["elders"]["a"]
    registry_b = admin.read(
        "care.health.followup", [world["followups"]["b"]], ["registry_id"]
    )[0]["registry_id"][0]
    text = member.refused(
        "care.health.followup",
        "write",
        [world["followups"]["a"]],
        {"registry_id": registry_b},
    )
    assert fault_is_refusal(text)
    [row] = admin.read("care.health.followup", [world["followups"]["a"]], ["elder_id"])
    assert row["elder_id"][0] == world["elders"]["a"]


def _session(odoo_server, http, login, password):
    answer = http(
        "POST",
        "/web/session/authenticate",
        {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"db": odoo_server.db, "login": login, "password": password},
        },
    )
    assert answer.status == 200 and "error" not in answer.json(), answer.body[:300]
    cookie = re.search(r"session_id=([^;]+)", answer.headers.get("Set-Cookie", ""))
    assert cookie, answer.headers
    return {"Cookie": f"session_id={cookie.group(1)}"}


@pytest.mark.parametrize("login", ("reception", "dispatcher"))
def test_referral_letter_refused_to_other_roles(odoo_server, http, admin, world, login):
    """The printed referral letter carries the readings: over HTTP too, only
    the team prints it."""
    referral = world["referrals"]["a"]
    path = f"/report/html/care_health.report_care_health_referral/{referral}"
    page = http("GET", path, headers=_session(odoo_server, http, login, login))
    assert page.status != 200 or "sec test" not in page.body.decode(errors="replace")
    assert "152" not in page.body.decode(errors="replace")
    # the team member prints it
    member = world["callers"]["a"]
    page = http(
        "GET", path, headers=_session(odoo_server, http, member.login, member.password)
    )
    assert page.status == 200, page.body[:300]
    assert "sec test" in page.body.decode()


def test_member_moves_own_referral_through_its_cycle_over_xmlrpc(admin, world):
    """Every step of the referral cycle answers over XML-RPC (an action that
    returned None could not be sent back: a crash, not an answer)."""
    member = world["callers"]["a"]
    hospital = _xmlid(admin, "care_health", "hospital_demo")
    department = _xmlid(admin, "care_health", "department_cardiology_demo")
    referral = admin.call(
        "care.health.referral",
        "create",
        {
            "elder_id": world["elders"]["a"],
            "reason": "cycle over RPC",
            "hospital_id": hospital,
            "department_id": department,
        },
    )
    member.call("care.health.referral", "action_send", [referral])
    for step in ("action_accept", "action_seen"):
        assert member.call("care.health.referral", step, [referral]) is True, step
    member.call("care.health.referral", "write", [referral], {"advice": "低盐饮食"})
    member.call("care.health.referral", "action_return", [referral])
    assert member.call("care.health.referral", "action_close", [referral]) is True
    state = admin.call("care.health.referral", "read", [referral], ["state"])
    assert state[0]["state"] == "closed"


# ---------------------------------------------------------------------------
# Quarterly report and health events (issue 18, second round)
# ---------------------------------------------------------------------------


def _installed(admin, module):
    return bool(
        admin.call(
            "ir.module.module",
            "search_count",
            [("name", "=", module), ("state", "=", "installed")],
        )
    )


@pytest.mark.parametrize("login", OTHER_ROLES)
def test_quarterly_report_refused_to_other_roles(
    odoo_server, http, admin, world, login
):
    from .conftest import _login

    caller = _login(odoo_server, login, login)
    text = caller.refused(
        "care.health.quarterly", "create", {"year": 2025, "quarter": "2"}
    )
    assert fault_is_refusal(text)
    report = admin.call(
        "care.health.quarterly", "create", {"year": 2025, "quarter": "2"}
    )
    text = caller.refused("care.health.quarterly", "action_print", [report])
    assert fault_is_refusal(text)
    path = f"/report/html/care_health.report_care_health_quarterly/{report}"
    page = http("GET", path, headers=_session(odoo_server, http, login, login))
    body = page.body.decode(errors="replace")
    assert page.status != 200 or "Registered Patients" not in body
    # the team member prints the report of their own team
    member = world["callers"]["a"]
    mine = member.call(
        "care.health.quarterly", "create", {"year": 2025, "quarter": "2"}
    )
    action = member.call("care.health.quarterly", "action_print", [mine])
    assert action["report_name"] == "care_health.report_care_health_quarterly"


@pytest.fixture(scope="module")
def health_event(admin, world):
    if not _installed(admin, "care_health_event"):
        pytest.skip("care_health_event is not installed in this database")
    checkup = _xmlid(admin, "care_health_event", "event_type_health_checkup")
    event = admin.call(
        "event.event",
        "create",
        {
            "name": f"HL sec check-up {uuid.uuid4().hex[:6]}",
            "event_type_id": checkup,
            "date_begin": "2030-06-01 01:00:00",
            "date_end": "2030-06-01 05:00:00",
        },
    )
    plain = admin.call(
        "event.event",
        "create",
        {
            "name": f"HL sec plain {uuid.uuid4().hex[:6]}",
            "date_begin": "2030-06-02 01:00:00",
            "date_end": "2030-06-02 05:00:00",
        },
    )
    registration = admin.call(
        "event.registration",
        "create",
        {"event_id": event, "care_elder_id": world["elders"]["a"]},
    )
    return {"event": event, "plain": plain, "registration": registration}


def _registration(admin, registration_id):
    [row] = admin.read(
        "event.registration",
        [registration_id],
        ["state", "care_screening_id", "care_elder_id", "name"],
    )
    return row


def test_event_reception_reads_changes_nothing(role, admin, world, health_event):
    reception = role("reception")
    registration = health_event["registration"]
    before = _registration(admin, registration)
    rows = reception.search_read(
        "event.registration", [("id", "=", registration)], ["name", "state"]
    )
    assert rows and rows[0]["state"] == before["state"]
    for method, args in (
        ("write", ([registration], {"state": "done"})),
        ("action_set_done", ([registration],)),
        ("action_care_record_screening", ([registration],)),
        ("unlink", ([registration],)),
    ):
        text = reception.refused("event.registration", method, *args)
        assert fault_is_refusal(text), (method, text)
    text = reception.refused(
        "event.registration", "create", {"event_id": health_event["event"], "name": "X"}
    )
    assert fault_is_refusal(text)
    text = reception.refused(
        "event.event", "write", [health_event["event"]], {"name": "changed"}
    )
    assert fault_is_refusal(text)
    # the screening link is health data
    text = reception.refused(
        "event.registration", "read", [registration], ["care_screening_id"]
    )
    assert fault_is_refusal(text)
    text = reception.refused(
        "care.health.event.screening",
        "create",
        {"registration_id": registration, "sbp": 150, "dbp": 95},
    )
    assert fault_is_refusal(text)
    assert _registration(admin, registration) == before


@pytest.mark.parametrize("login", ("dispatcher", "finance", "emergency"))
def test_event_other_roles_change_nothing(role, admin, health_event, login):
    """Odoo makes every new internal user an event administrator: the other
    roles still change no health event, registration or screening."""
    caller = role(login)
    registration = health_event["registration"]
    before = _registration(admin, registration)
    for method, args in (
        ("write", ([registration], {"state": "cancel"})),
        ("action_set_done", ([registration],)),
        ("action_care_record_screening", ([registration],)),
        ("read", ([registration], ["care_screening_id"])),
    ):
        text = caller.refused("event.registration", method, *args)
        assert fault_is_refusal(text), (login, method, text)
    text = caller.refused(
        "event.event", "write", [health_event["event"]], {"name": "changed"}
    )
    assert fault_is_refusal(text)
    text = caller.refused(
        "event.registration", "create", {"event_id": health_event["event"], "name": "X"}
    )
    assert fault_is_refusal(text)
    assert _registration(admin, registration) == before


def test_event_screening_other_team_refused(admin, world, health_event):
    """A member of team B records nothing for team A's elder, nor writes the
    screening link; a member of team A does."""
    member_b = world["callers"]["b"]
    member_a = world["callers"]["a"]
    registration = health_event["registration"]
    before = _registration(admin, registration)
    count = admin.call(
        "care.health.screening",
        "search_count",
        [("elder_id", "=", world["elders"]["a"])],
    )
    wizard = member_b.call(
        "care.health.event.screening",
        "create",
        {"registration_id": registration, "sbp": 150, "dbp": 95},
    )
    text = member_b.refused("care.health.event.screening", "action_record", [wizard])
    assert fault_is_refusal(text)
    # the link is set by the system only
    screening = admin.call(
        "care.health.screening", "create", {"elder_id": world["elders"]["a"]}
    )
    text = member_a.refused(
        "event.registration",
        "write",
        [registration],
        {"care_screening_id": screening},
    )
    assert fault_is_refusal(text)
    assert _registration(admin, registration) == before
    assert (
        admin.call(
            "care.health.screening",
            "search_count",
            [("elder_id", "=", world["elders"]["a"]), ("id", "!=", screening)],
        )
        == count
    )
    # a member changes health events only
    text = member_a.refused(
        "event.event", "write", [health_event["plain"]], {"seats_max": 3}
    )
    assert fault_is_refusal(text)
    # team A's member records it, over XML-RPC
    wizard = member_a.call(
        "care.health.event.screening",
        "create",
        {
            "registration_id": registration,
            "sbp": 150,
            "dbp": 95,
            "height_cm": 160,
            "weight_kg": 70,
        },
    )
    member_a.call("care.health.event.screening", "action_record", [wizard])
    after = _registration(admin, registration)
    assert after["state"] == "done" and after["care_screening_id"]
