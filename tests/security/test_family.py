"""The family portal (issue 17), attacked over the real protocols.

A portal user of our own (created as admin, linked to an elder of our own)
tries to read the back office directly over XML-RPC and /web/dataset/call_kw,
to change their own access line, and to open another family's elder on the
portal. Everything must be refused (or come back empty) and nothing change.
"""

import http.cookiejar
import json
import random
import re
import urllib.error
import urllib.request

import pytest

from .conftest import RpcRefused, fault_is_refusal

PERMISSIONS = ("perm_schedule", "perm_alarms", "perm_health", "perm_money", "perm_book")


def id_number(seed):
    """A valid GB 11643 number of our own (the check digit is checked)."""
    body = f"11010519380711{seed % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(
        int(digit) * weight for digit, weight in zip(body, weights, strict=True)
    )
    return body + "10X98765432"[total % 11]


def xmlid(admin, module, name):
    return admin.call("ir.model.data", "check_object_reference", module, name)[1]


def refusal(text):
    assert fault_is_refusal(text), f"a crash, not a refusal:\n{text[-800:]}"
    return text


@pytest.fixture(scope="module")
def family(admin):
    """An elder of our own, a family contact with a portal login
    (password = login) and an access line with the visits only."""
    tag = f"{random.randint(0, 10**8):08d}"
    elder = admin.call(
        "care.elder",
        "create",
        {
            "name": f"家属安全老人{tag}",
            "street": "红庙北里6号楼",
            "city": "朝阳区",
            "id_number": id_number(int(tag)),
            "contact_ids": [
                (0, 0, {"name": f"家属安全{tag}", "relationship": "daughter"})
            ],
        },
    )
    contact = admin.call("care.elder.contact", "search", [("elder_id", "=", elder)])[0]
    partner = admin.read("care.elder.contact", [contact], ["partner_id"])[0][
        "partner_id"
    ][0]
    login = f"sec_family_{tag}"
    user = admin.call(
        "res.users",
        "create",
        {
            "name": f"家属安全{tag}",
            "login": login,
            "password": login,
            "partner_id": partner,
            "groups_id": [(6, 0, [xmlid(admin, "base", "group_portal")])],
        },
    )
    line = admin.call(
        "care.family.access",
        "create",
        {"contact_id": contact, "perm_schedule": True, "consent": "elder"},
    )
    return {
        "elder": elder,
        "contact": contact,
        "partner": partner,
        "user": user,
        "login": login,
        "line": line,
    }


@pytest.fixture(scope="module")
def portal(role, family):
    return role(family["login"])


@pytest.fixture(scope="module")
def visit(admin):
    """A completed visit of a demo elder with its photo: not our family's."""
    order = xmlid(admin, "care_dispatch", "order_week_1_demo")
    photo = xmlid(admin, "care_dispatch", "order_week_1_photo_demo")
    elder = admin.read("fsm.order", [order], ["care_elder_id"])[0]["care_elder_id"][0]
    return {"order": order, "photo": photo, "elder": elder}


# ---------------------------------------------------------------------------
# XML-RPC: the back-office models are closed to a portal user
# ---------------------------------------------------------------------------
CLOSED_MODELS = (
    "care.elder",
    "care.elder.contact",
    "care.assessment",
    "fsm.order",
    "fsm.location",
    "fsm.person",
    "care.callback",
    "care.provider",
    "care.family.rating",
    "care.family.letter",
    "care.call",
)


@pytest.mark.parametrize("model", CLOSED_MODELS)
def test_portal_cannot_read_back_office(portal, model):
    try:
        rows = portal.search_read(model, [], ["display_name"], limit=5)
    except RpcRefused as exc:
        refusal(exc)
        return
    assert rows == [], f"{model}: a portal user read {rows!r}"


def test_portal_cannot_read_their_own_elder_directly(portal, family, visit):
    for model, ids in (
        ("care.elder", [family["elder"]]),
        ("care.elder", [visit["elder"]]),
        ("care.elder.contact", [family["contact"]]),
        ("fsm.order", [visit["order"]]),
    ):
        refusal(portal.refused(model, "read", ids, ["display_name"]))


def test_portal_reads_no_elder_partner(portal, admin, family, visit):
    partners = [
        admin.read("care.elder", [elder], ["partner_id"])[0]["partner_id"][0]
        for elder in (family["elder"], visit["elder"])
    ]
    try:
        rows = portal.read("res.partner", partners, ["phone", "mobile", "street"])
    except RpcRefused as exc:
        refusal(exc)
        return
    pytest.fail(f"a portal user read the elders' partners: {rows!r}")


def test_portal_cannot_read_visit_attachments(portal, visit):
    refusal(portal.refused("ir.attachment", "read", [visit["photo"]], ["datas"]))
    try:
        rows = portal.search_read(
            "ir.attachment",
            [("res_model", "=", "fsm.order")],
            ["name"],
        )
    except RpcRefused as exc:
        refusal(exc)
        return
    assert rows == []


def test_portal_sees_no_tickets_or_vouchers(portal, admin):
    models = ["helpdesk.ticket"] + [
        row["model"]
        for row in admin.search_read(
            "ir.model", [("model", "=like", "care.voucher%")], ["model"]
        )
    ]
    for model in models:
        try:
            rows = portal.search_read(model, [], ["display_name"], limit=5)
        except RpcRefused as exc:
            refusal(exc)
            continue
        assert rows == [], f"{model}: {rows!r}"


# ---------------------------------------------------------------------------
# The access line: readable by its member, written by the care manager only
# ---------------------------------------------------------------------------
def test_portal_reads_only_own_access_line(portal, family, admin):
    rows = portal.search_read("care.family.access", [], ["elder_id", "perm_book"])
    assert [row["id"] for row in rows] == [family["line"]]
    others = admin.call(
        "care.family.access", "search", [("id", "!=", family["line"])], limit=1
    )
    if others:
        refusal(portal.refused("care.family.access", "read", others, ["perm_book"]))


def test_portal_cannot_grant_itself_permissions(portal, family, admin):
    before = admin.read("care.family.access", [family["line"]], list(PERMISSIONS))[0]
    for name in PERMISSIONS:
        refusal(
            portal.refused(
                "care.family.access", "write", [family["line"]], {name: True}
            )
        )
    refusal(portal.refused("care.family.access", "unlink", [family["line"]]))
    # nor a line to another elder
    other_contact = admin.call(
        "care.elder.contact", "search", [("elder_id", "!=", family["elder"])], limit=1
    )
    refusal(
        portal.refused(
            "care.family.access",
            "create",
            {"contact_id": other_contact[0], "perm_health": True},
        )
    )
    # nor call the portal's check
    refusal(
        portal.refused(
            "care.family.access", "_care_portal_line", family["elder"], "health"
        )
    )
    after = admin.read("care.family.access", [family["line"]], list(PERMISSIONS))[0]
    assert after == before


def test_portal_cannot_post_or_read_other_conversations(portal, family, admin):
    """The conversation with the centre goes through the portal's form only:
    no message_post over RPC (its partner_ids would notify anybody), and no
    message of another family's line."""
    before = admin.call(
        "mail.message",
        "search_count",
        [("model", "=", "care.family.access"), ("res_id", "=", family["line"])],
    )
    refusal(
        portal.refused(
            "care.family.access",
            "message_post",
            [family["line"]],
            body="spam",
            partner_ids=[xmlid(admin, "base", "partner_admin")],
        )
    )
    after = admin.call(
        "mail.message",
        "search_count",
        [("model", "=", "care.family.access"), ("res_id", "=", family["line"])],
    )
    assert after == before
    others = admin.call(
        "care.family.access", "search", [("id", "!=", family["line"])], limit=5
    )
    try:
        rows = portal.search_read(
            "mail.message",
            [("model", "=", "care.family.access"), ("res_id", "in", others)],
            ["body"],
        )
    except RpcRefused as exc:
        refusal(exc)
        return
    assert rows == []


def test_staff_outside_managers_cannot_grant(role, family, admin):
    for login in ("reception", "dispatcher"):
        refusal(
            role(login).refused(
                "care.family.access", "write", [family["line"]], {"perm_health": True}
            )
        )
    line = admin.read("care.family.access", [family["line"]], ["perm_health"])[0]
    assert line["perm_health"] is False


def test_portal_cannot_create_orders_or_ratings(portal, family, visit, admin):
    before = admin.call("fsm.order", "search_count", [])
    refusal(
        portal.refused(
            "fsm.order",
            "create",
            {"care_elder_id": family["elder"], "care_from_family": True},
        )
    )
    refusal(
        portal.refused(
            "care.family.rating",
            "create",
            {"order_id": visit["order"], "partner_id": family["partner"], "rating": 5},
        )
    )
    assert admin.call("fsm.order", "search_count", []) == before
    assert not admin.call(
        "care.family.rating", "search", [("partner_id", "=", family["partner"])]
    )


# ---------------------------------------------------------------------------
# /web/dataset/call_kw with the portal user's browser session
# ---------------------------------------------------------------------------
class Browser:
    def __init__(self, url, db, login):
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        answer = self.rpc(
            "/web/session/authenticate", {"db": db, "login": login, "password": login}
        )
        assert "result" in answer, answer

    def rpc(self, path, params):
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(
                {"jsonrpc": "2.0", "method": "call", "params": params}
            ).encode(),
            headers={"Content-Type": "application/json"},
        )
        with self.opener.open(request, timeout=60) as response:
            return json.load(response)

    def call_kw(self, model, method, *args, **kwargs):
        return self.rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def get(self, path):
        try:
            with self.opener.open(self.url + path, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()


@pytest.fixture(scope="module")
def browser(odoo_server, family):
    return Browser(odoo_server.url, odoo_server.db, family["login"])


def call_kw_refused(answer):
    if "error" in answer:
        data = answer["error"].get("data", {})
        assert data.get("name", "").startswith("odoo.exceptions."), answer["error"]
        return data["name"]
    return answer["result"]


@pytest.mark.parametrize("model", ("care.elder", "fsm.order", "care.elder.contact"))
def test_call_kw_search_read_refused(browser, model):
    answer = browser.call_kw(model, "search_read", [], ["display_name"])
    assert call_kw_refused(answer) in ("odoo.exceptions.AccessError", []), answer


def test_call_kw_write_access_line_refused(browser, family, admin):
    answer = browser.call_kw(
        "care.family.access", "write", [family["line"]], {"perm_money": True}
    )
    assert call_kw_refused(answer) == "odoo.exceptions.AccessError", answer
    line = admin.read("care.family.access", [family["line"]], ["perm_money"])[0]
    assert line["perm_money"] is False


def test_portal_pages_answer_404_for_other_elders(browser, family, visit):
    status, html = browser.get(f"/my/elder/{family['elder']}")
    assert status == 200
    assert "家属安全老人" in html
    assert "110105194" not in html
    for path in (
        f"/my/elder/{visit['elder']}",
        f"/my/elder/{visit['elder']}/photo",
        f"/my/elder/{visit['elder']}/visit/{visit['order']}/photo/{visit['photo']}",
        f"/my/elder/{family['elder']}/visit/{visit['order']}/photo/{visit['photo']}",
        f"/my/elder/{family['elder']}/visit/{visit['order']}/signature",
    ):
        status, html = browser.get(path)
        assert status == 404, path
    assert "/web/content" not in re.findall(r'src="([^"]+)"', html)
