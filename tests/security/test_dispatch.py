"""The call centre (care_dispatch) attacked over the protocols an outsider
has: XML-RPC as each demo login and raw HTTP on the telephone system's route.

Issue 14, items 2 (the order's provider, evidence and price), 13 and 20 (the
telephone system's door), 17 (the demo dispatcher's end-to-end path) and 23
(stored results). Every attack is made over the real protocol, must be
refused, and is followed by a re-read as admin that nothing changed.
"""

import http.cookiejar
import json
import threading
import urllib.request
import uuid

import pytest

from .conftest import RpcRefused, _login, fault_is_refusal

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgAAIAAAUAAen63NgAAAAASUVORK5CYII="
# fields of a service order no client writes (care_dispatch's; care_price is
# care_vouchers', fixed at dispatch and changed by finance only)
PROTECTED = {
    "care_provider_id": None,  # filled with another provider below
    "care_dispatched_at": "2020-01-01 00:00:00",
    "care_accepted_at": "2020-01-01 00:00:00",
    "care_checkin_at": "2020-01-01 00:00:00",
    "care_checkout_at": "2020-01-01 00:00:00",
    "care_checkin_latitude": 1.5,
    "care_checkin_longitude": 2.5,
    "care_escalated": True,
    "care_has_health_notes": False,
    "care_volunteer_hours": 42.0,
    "care_price": 0.01,
    # the proof of visit and its review (issue 21)
    "care_evv_state": "verified",
    "care_evv_reason": False,
    "care_evv_distance_in": 1,
    "care_evv_minutes_off": 0,
    "care_evv_review_note": "ok",
    "care_checkout_latitude": 1.5,
}
ATTACKERS = ("dispatcher", "reception", "emergency")


def refusal_or_fail(text):
    """A refusal over /xmlrpc/2: an Odoo exception's message (fault code 2
    or 4, no traceback); a crash carries a Python traceback."""
    assert fault_is_refusal(text), f"a crash, not a refusal:\n{text[-800:]}"
    return text


def xmlid(admin, module, name):
    return admin.call("ir.model.data", "check_object_reference", module, name)[1]


class WebSession:
    """A browser-like JSON-RPC session (cookie), to make an API key the way a
    user does it in their preferences (with the identity check)."""

    def __init__(self, url, db, login, password):
        self.url = url
        self.password = password
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.rpc(
            "/web/session/authenticate",
            {"db": db, "login": login, "password": password},
        )

    def rpc(self, path, params):
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(
                {"jsonrpc": "2.0", "method": "call", "params": params}
            ).encode(),
            headers={"Content-Type": "application/json"},
        )
        with self.opener.open(request, timeout=60) as response:
            body = json.load(response)
        if "error" in body:
            raise RuntimeError(body["error"])
        return body["result"]

    def call_kw(self, model, method, *args, **kwargs):
        return self.rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def api_key(self):
        wizard = self.call_kw(
            "res.users.apikeys.description", "create", {"name": "PBX", "duration": "7"}
        )
        action = self.call_kw("res.users.apikeys.description", "make_key", [wizard])
        if action.get("res_model") == "res.users.identitycheck":
            check = action["res_id"]
            self.call_kw(
                "res.users.identitycheck", "write", [check], {"password": self.password}
            )
            action = self.call_kw("res.users.identitycheck", "run_check", [check])
        return action["context"]["default_key"]


@pytest.fixture(scope="module")
def ids(admin):
    """Demo records: an elder served by the housekeeping providers."""
    return {
        "elder": xmlid(admin, "elder_crm", "elder_04_demo"),
        "housekeeping": xmlid(admin, "care_dispatch", "cat_housekeeping"),
        "rehab": xmlid(admin, "care_dispatch", "cat_rehab"),
        "xingfu": xmlid(admin, "care_dispatch", "provider_xingfu_demo"),
        "anxin": xmlid(admin, "care_dispatch", "provider_anxin_demo"),
        "cti_group": xmlid(admin, "care_dispatch", "group_care_cti"),
        "internal": xmlid(admin, "base", "group_user"),
        "dispatcher_group": xmlid(admin, "elder_crm", "group_care_dispatcher"),
    }


@pytest.fixture
def order(admin, ids):
    """A fresh order of the demo elder, dispatched by admin."""
    order_id = admin.call(
        "fsm.order",
        "create",
        {"care_elder_id": ids["elder"], "care_category_id": ids["housekeeping"]},
    )
    admin.call("fsm.order", "action_care_dispatch", [order_id], ids["xingfu"])
    return order_id


@pytest.fixture(scope="module")
def pbx(odoo_server, admin, ids):
    """The telephone system's user (Telephony integration group) and its key."""
    login = f"pbx_{uuid.uuid4().hex[:8]}"
    admin.call(
        "res.users",
        "create",
        {
            "name": "PBX",
            "login": login,
            "password": login,
            # an internal user with only the integration group
            "groups_id": [(6, 0, [ids["internal"], ids["cti_group"]])],
        },
    )
    session = WebSession(odoo_server.url, odoo_server.db, login, login)
    return {"login": login, "key": session.api_key()}


def post_call(http, body, key, raw=None):
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {key}"}
    return http("POST", "/care/api/v1/calls", raw if raw is not None else body, headers)


# ----------------------------------------------------------------------
# item 2 / 23: direct writes
# ----------------------------------------------------------------------
@pytest.mark.parametrize("login", ATTACKERS)
def test_direct_writes_on_an_order_are_refused(admin, role, ids, order, login):
    caller = role(login)
    names = [
        name
        for name in PROTECTED
        if name in admin.call("fsm.order", "fields_get", [name], ["type"])
    ]
    before = admin.read("fsm.order", [order], names)
    for name in names:
        value = PROTECTED[name] if name != "care_provider_id" else ids["anxin"]
        text = caller.refused("fsm.order", "write", [order], {name: value})
        refusal_or_fail(text)
    # the money-deciding request fields are locked once dispatched
    for name, value in (
        ("care_category_id", ids["rehab"]),
        ("care_elder_id", xmlid(admin, "elder_crm", "elder_05_demo")),
    ):
        refusal_or_fail(caller.refused("fsm.order", "write", [order], {name: value}))
    assert admin.read("fsm.order", [order], names) == before
    assert (
        admin.read("fsm.order", [order], ["care_category_id"])[0]["care_category_id"][0]
        == ids["housekeeping"]
    )


def test_create_with_evidence_is_refused(admin, role, ids):
    caller = role("dispatcher")
    count = admin.call(
        "fsm.order", "search_count", [("care_elder_id", "=", ids["elder"])]
    )
    for name, value in (
        ("care_checkin_at", "2020-01-01 00:00:00"),
        ("care_provider_id", ids["anxin"]),
        ("care_escalated", True),
    ):
        refusal_or_fail(
            caller.refused(
                "fsm.order",
                "create",
                {
                    "care_elder_id": ids["elder"],
                    "care_category_id": ids["housekeeping"],
                    name: value,
                },
            )
        )
    assert (
        admin.call("fsm.order", "search_count", [("care_elder_id", "=", ids["elder"])])
        == count
    )


@pytest.mark.parametrize(
    "login", ("reception", "emergency", "finance", "devices", "doctor")
)
def test_only_dispatchers_dispatch_and_record_visits(admin, role, ids, login):
    order_id = admin.call(
        "fsm.order",
        "create",
        {"care_elder_id": ids["elder"], "care_category_id": ids["housekeeping"]},
    )
    caller = role(login)
    refusal_or_fail(
        caller.refused("fsm.order", "action_care_dispatch", [order_id], ids["anxin"])
    )
    admin.call("fsm.order", "action_care_dispatch", [order_id], ids["xingfu"])
    for method in ("action_care_accept", "action_care_checkin", "action_care_checkout"):
        refusal_or_fail(caller.refused("fsm.order", method, [order_id]))
    [after] = admin.read(
        "fsm.order",
        [order_id],
        ["care_provider_id", "care_accepted_at", "care_checkin_at"],
    )
    assert after["care_provider_id"][0] == ids["xingfu"]
    assert not after["care_accepted_at"]
    assert not after["care_checkin_at"]


def test_provider_standing_and_rating_are_not_writable(admin, role, ids):
    before = admin.read("care.provider", [ids["xingfu"]], ["state", "rating"])
    caller = role("dispatcher")
    for vals in ({"rating": 5.0}, {"state": "approved"}, {"score_on_time": 100.0}):
        refusal_or_fail(caller.refused("care.provider", "write", [ids["xingfu"]], vals))
    refusal_or_fail(
        caller.refused("care.provider", "action_terminate", [ids["xingfu"]])
    )
    assert admin.read("care.provider", [ids["xingfu"]], ["state", "rating"]) == before


def test_callback_result_is_recorded_once(admin, role, ids, order):
    admin.call("fsm.order", "action_care_checkin", [order])
    admin.call("fsm.order", "action_care_checkout", [order])
    admin.call(
        "ir.attachment",
        "create",
        {"name": "p.png", "datas": PNG, "res_model": "fsm.order", "res_id": order},
    )
    admin.call("fsm.order", "write", [order], {"signature": PNG})
    admin.call("fsm.order", "action_complete", [order])
    dispatcher = role("dispatcher")
    callback = dispatcher.call(
        "care.callback",
        "create",
        {"order_id": order, "rating": 1, "is_complaint": True},
    )
    for vals in (
        {"rating": 5},
        {"is_complaint": False},
        {"complaint_state": "resolved"},
    ):
        refusal_or_fail(dispatcher.refused("care.callback", "write", [callback], vals))
    # the signature of a completed order is evidence
    refusal_or_fail(
        dispatcher.refused("fsm.order", "write", [order], {"signature": PNG})
    )
    [after] = admin.read(
        "care.callback", [callback], ["rating", "is_complaint", "complaint_state"]
    )
    assert (after["rating"], after["is_complaint"], after["complaint_state"]) == (
        1,
        True,
        "open",
    )


def test_finance_changes_a_price_with_a_trace(admin, role, order):
    fields = admin.call("fsm.order", "fields_get", ["care_price"], ["type"])
    if "care_price" not in fields:
        pytest.skip("care_vouchers (the order's price) is not installed")
    [before] = admin.read("fsm.order", [order], ["care_price"])
    # not the dispatcher, not by writing the field
    refusal_or_fail(
        role("dispatcher").refused(
            "fsm.order", "action_care_change_price", [order], 1.0, "折扣"
        )
    )
    refusal_or_fail(
        role("finance").refused("fsm.order", "write", [order], {"care_price": 1.0})
    )
    assert admin.read("fsm.order", [order], ["care_price"]) == [before]
    new = before["care_price"] + 12.5
    role("finance").call(
        "fsm.order", "action_care_change_price", [order], new, "合同补充协议调价"
    )
    [after] = admin.read("fsm.order", [order], ["care_price", "message_ids"])
    assert after["care_price"] == pytest.approx(new)
    bodies = " ".join(
        m["body"] for m in admin.read("mail.message", after["message_ids"], ["body"])
    )
    assert "合同补充协议调价" in bodies


# ----------------------------------------------------------------------
# item 17: the demo dispatcher's path, and a dispatcher without e-mail
# ----------------------------------------------------------------------
def dispatch_path(caller, admin, ids):
    mobile = admin.read("care.elder", [ids["elder"]], ["mobile"])[0]["mobile"]
    pop = caller.call("care.call", "cti_incoming", mobile or "13800001111")
    order_id = caller.call(
        "fsm.order",
        "create",
        {
            "care_elder_id": ids["elder"],
            "care_category_id": ids["housekeeping"],
            "care_call_id": pop["call_id"],
        },
    )
    ranking = caller.call("fsm.order", "care_propose_providers", [order_id])
    assert ranking, "the demo elder is served by a housekeeping provider"
    caller.call(
        "fsm.order", "action_care_dispatch", [order_id], ranking[0]["provider_id"]
    )
    caller.call("fsm.order", "action_care_checkin", [order_id], 39.92, 116.47)
    caller.call("fsm.order", "action_care_checkout", [order_id])
    [order] = admin.read(
        "fsm.order",
        [order_id],
        ["care_provider_id", "care_dispatched_at", "care_checkin_at", "message_ids"],
    )
    assert order["care_provider_id"][0] == ranking[0]["provider_id"]
    assert order["care_dispatched_at"] and order["care_checkin_at"]
    bodies = " ".join(
        m["body"] for m in admin.read("mail.message", order["message_ids"], ["body"])
    )
    assert "Dispatched to" in bodies or "派" in bodies
    return order_id


def test_demo_dispatcher_end_to_end(admin, role, ids):
    dispatch_path(role("dispatcher"), admin, ids)


def test_dispatcher_without_email_end_to_end(odoo_server, admin, ids):
    login = f"nomail_{uuid.uuid4().hex[:8]}"
    admin.call(
        "res.users",
        "create",
        {
            "name": "无邮箱调度员",
            "login": login,
            "password": login,
            "email": False,
            "groups_id": [(6, 0, [ids["dispatcher_group"]])],
        },
    )
    caller = _login(odoo_server, login, login)
    assert not admin.search_read("res.users", [("login", "=", login)], ["email"])[0][
        "email"
    ]
    dispatch_path(caller, admin, ids)


# ----------------------------------------------------------------------
# items 13 and 20: the telephone system's door
# ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "args"),
    [
        ("cti_incoming", [["x"]]),
        ("cti_incoming", [{"a": 1}]),
        ("cti_incoming", [True]),
        ("cti_incoming", ["1" * 1_000_000]),
        ("cti_incoming", ["13800001111", {"a": 1}]),
        ("cti_incoming", ["13800001111", None, ["http://x"]]),
        ("cti_incoming", ["13800001111", None, "file:///etc/passwd"]),
        ("cti_hangup", ["abc"]),
        ("cti_hangup", [{"a": 1}]),
        ("cti_hangup", [-5]),
    ],
)
def test_xmlrpc_junk_is_refused(admin, role, method, args):
    count = admin.call("care.call", "search_count", [])
    with pytest.raises(RpcRefused) as caught:
        role("dispatcher").call("care.call", method, *args)
    refusal_or_fail(str(caught.value))
    assert admin.call("care.call", "search_count", []) == count


@pytest.mark.parametrize("login", ("reception", "finance", "devices", "doctor"))
def test_only_agents_and_the_pbx_log_calls(admin, role, login):
    count = admin.call("care.call", "search_count", [])
    refusal_or_fail(role(login).refused("care.call", "cti_incoming", "13800001111"))
    assert admin.call("care.call", "search_count", []) == count


JUNK_BODIES = [
    {"number": {"a": 1}},
    {"number": ["13800001111"]},
    {"number": True},
    {"number": "13800001111", "external_id": {"a": 1}},
    {"number": "13800001111", "external_id": ["x"]},
    {"number": "13800001111", "recording_url": ["http://x"]},
    {"number": "13800001111", "recording_url": "javascript:alert(1)"},
    {"number": "1" * 41},
    "13800001111",
]


@pytest.mark.parametrize("body", JUNK_BODIES, ids=range(len(JUNK_BODIES)))
def test_http_junk_gives_400(admin, http, pbx, body):
    count = admin.call("care.call", "search_count", [])
    answer = post_call(http, body, pbx["key"])
    assert answer.status == 400, answer.body[:300]
    assert "error" in answer.json()
    assert admin.call("care.call", "search_count", []) == count


def test_http_oversized_and_nested_bodies(admin, http, pbx):
    count = admin.call("care.call", "search_count", [])
    huge = json.dumps({"number": "1" * 1_000_000})
    assert post_call(http, None, pbx["key"], raw=huge).status == 413
    nested = "[" * 4000 + "]" * 4000
    assert post_call(http, None, pbx["key"], raw=nested).status == 400
    assert admin.call("care.call", "search_count", []) == count


def test_only_the_integration_key_logs_calls(odoo_server, admin, http, pbx):
    dispatcher_key = WebSession(
        odoo_server.url, odoo_server.db, "dispatcher", "dispatcher"
    ).api_key()
    count = admin.call("care.call", "search_count", [])
    assert post_call(http, {"number": "13800001111"}, dispatcher_key).status == 403
    assert post_call(http, {"number": "13800001111"}, "not-a-key").status == 401
    assert admin.call("care.call", "search_count", []) == count
    answer = post_call(
        http,
        {"number": "13800001111", "agent": "dispatcher", "external_id": "sec-agent"},
        pbx["key"],
    )
    assert answer.status == 200, answer.body[:300]
    body = answer.json()
    # the integration learns which elder rang (id, code, name), not the archive
    for card in body["elders"]:
        assert set(card) == {"id", "code", "name"}
    [call] = admin.read("care.call", [body["call_id"]], ["user_id"])
    assert call["user_id"][1]
    # the PBX user may not read the archive or anything else of the centre
    pbx_caller = _login(odoo_server, pbx["login"], pbx["login"])
    refusal_or_fail(pbx_caller.refused("care.elder", "search_read", [], ["name"]))
    refusal_or_fail(pbx_caller.refused("fsm.order", "search_read", [], ["name"]))


def test_same_external_id_at_once_gives_one_call(admin, http, pbx):
    external_id = f"race-{uuid.uuid4().hex}"
    threads = 6
    barrier = threading.Barrier(threads)
    answers = [None] * threads

    def ring(index):
        barrier.wait()
        answers[index] = post_call(
            http,
            {"number": "13800001111", "external_id": external_id},
            pbx["key"],
        )

    workers = [threading.Thread(target=ring, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    statuses = [answer.status for answer in answers]
    assert statuses == [200] * threads, [a.body[:200] for a in answers]
    assert len({answer.json()["call_id"] for answer in answers}) == 1
    assert (
        admin.call("care.call", "search_count", [("external_id", "=", external_id)])
        == 1
    )


# ----------------------------------------------------------------------
# issue 21 item 2: proof of visit
# ----------------------------------------------------------------------
@pytest.mark.parametrize("login", ("reception", "emergency", "finance", "doctor"))
def test_only_dispatchers_review_the_proof_of_visit(admin, role, ids, order, login):
    # checked in without a position: an exception to review
    admin.call("fsm.order", "action_care_checkin", [order])
    fields = ["care_evv_state", "care_evv_review_note", "care_evv_reviewed_by"]
    before = admin.read("fsm.order", [order], fields)
    assert before[0]["care_evv_state"] == "exception"
    caller = role(login)
    for method in ("action_care_evv_accept", "action_care_evv_reject"):
        refusal_or_fail(caller.refused("fsm.order", method, [order], "我来批准"))
    # nor through the review wizard
    refusal_or_fail(
        caller.refused(
            "care.evv.review",
            "create",
            {"order_id": order, "decision": "accept", "note": "x"},
        )
    )
    assert admin.read("fsm.order", [order], fields) == before
    # the dispatcher reviews once; a replay is refused and changes nothing
    dispatcher = role("dispatcher")
    assert dispatcher.call("fsm.order", "action_care_evv_accept", [order], "信号漂移")
    after = admin.read("fsm.order", [order], fields)
    assert after[0]["care_evv_state"] == "accepted"
    refusal_or_fail(
        dispatcher.refused("fsm.order", "action_care_evv_reject", [order], "改主意")
    )
    assert admin.read("fsm.order", [order], fields) == after


def test_check_in_with_an_impossible_position_is_refused(admin, role, ids, order):
    dispatcher = role("dispatcher")
    for position in ((95.0, 116.0), (39.9, 200.0), ("39.9", "116.4")):
        refusal_or_fail(
            dispatcher.refused("fsm.order", "action_care_checkin", [order], *position)
        )
    [after] = admin.read("fsm.order", [order], ["care_checkin_at", "care_evv_state"])
    assert not after["care_checkin_at"]
    assert after["care_evv_state"] == "none"
