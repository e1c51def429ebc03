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


# ---------------------------------------------------------------------------
# Money (care_family_vouchers): co-payment invoices never reachable outside
# the money permission of the invoice's own elder
# ---------------------------------------------------------------------------
class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class PageBrowser(Browser):
    """A browser session that does not follow redirects: an Odoo portal
    page that refuses sends the visitor elsewhere (303), which must not be
    taken for the page."""

    def __init__(self, url, db, login):
        super().__init__(url, db, login)
        jar = next(
            handler.cookiejar
            for handler in self.opener.handlers
            if isinstance(handler, urllib.request.HTTPCookieProcessor)
        )
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), _NoRedirect()
        )

    def page(self, path):
        """(status, Location header, body)."""
        try:
            with self.opener.open(self.url + path, timeout=60) as response:
                return response.status, None, response.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.headers.get("Location"), err.read().decode()


@pytest.fixture(scope="module")
def copay(admin):
    """The demo co-payment invoice of 刘德明 (care_family_vouchers' demo)."""
    fields_ = admin.call("fsm.order", "fields_get", [], attributes=["type"])
    if "care_copay_move_id" not in fields_:
        pytest.skip("care_vouchers is not installed")
    elder = xmlid(admin, "elder_crm", "elder_04_demo")
    orders = admin.search_read(
        "fsm.order",
        [("care_elder_id", "=", elder), ("care_copay_move_id", "!=", False)],
        ["care_copay_move_id"],
    )
    assert orders, "care_family_vouchers' demo invoice of 刘德明 must exist"
    invoice = orders[0]["care_copay_move_id"][0]
    name = admin.read("account.move", [invoice], ["name"])[0]["name"]
    return {"elder": elder, "invoice": invoice, "name": name}


def test_portal_cannot_read_copay_invoices_over_rpc(portal, browser, copay, admin):
    before = admin.read(
        "account.move", [copay["invoice"]], ["payment_state", "access_token"]
    )[0]
    refusal(portal.refused("account.move", "read", [copay["invoice"]], ["name"]))
    rows = portal.search_read("account.move", [], ["name"])
    assert copay["name"] not in [row["name"] for row in rows]
    refusal(
        portal.refused(
            "account.move", "write", [copay["invoice"]], {"access_token": "x"}
        )
    )
    refusal(portal.refused("care.family.access", "_care_copay_moves", [copay["elder"]]))
    answer = browser.call_kw(
        "account.move", "read", [copay["invoice"]], ["name", "access_token"]
    )
    assert call_kw_refused(answer) == "odoo.exceptions.AccessError", answer
    answer = browser.call_kw(
        "account.move", "search_read", [("id", "=", copay["invoice"])], ["name"]
    )
    assert call_kw_refused(answer) in ("odoo.exceptions.AccessError", []), answer
    after = admin.read(
        "account.move", [copay["invoice"]], ["payment_state", "access_token"]
    )[0]
    assert after == before


def test_portal_cannot_open_another_elders_invoice(odoo_server, family, copay, admin):
    page = PageBrowser(odoo_server.url, odoo_server.db, family["login"])
    own, invoice = family["elder"], copay["invoice"]
    for path in (
        f"/my/elder/{own}/copay/{invoice}",
        f"/my/elder/{own}/copay/{invoice}?pay=1",
        f"/my/elder/{copay['elder']}/copay/{invoice}?pay=1",
    ):
        status, _location, _body = page.page(path)
        assert status == 404, path
    # Odoo's invoice page: without the token, with a guessed one
    for path in (
        f"/my/invoices/{invoice}",
        f"/my/invoices/{invoice}?access_token=00000000-0000-4000-8000-000000000000",
        f"/my/invoices/{invoice}?report_type=pdf&download=true&access_token=guess",
    ):
        status, _location, body = page.page(path)
        assert status != 200, path
        assert copay["name"] not in body, path
    # even with the money permission on their own elder
    admin.call("care.family.access", "write", [family["line"]], {"perm_money": True})
    try:
        status, _location, body = page.page(f"/my/elder/{own}")
        assert status == 200 and "o_care_money" in body
        assert copay["name"] not in body
        status, _location, _body = page.page(f"/my/elder/{own}/copay/{invoice}?pay=1")
        assert status == 404
    finally:
        admin.call(
            "care.family.access", "write", [family["line"]], {"perm_money": False}
        )
    status, _location, body = page.page(f"/my/elder/{own}")
    assert status == 200 and "o_care_money" not in body, "revoked at once"


@pytest.fixture(scope="module")
def payer(admin, copay):
    """A family member of our own on 刘德明 (the demo invoice's elder), with a
    portal login (password = login) and the money permission: the demo's
    own family lines stay as they are."""
    tag = f"{random.randint(0, 10**8):08d}"
    contact = admin.call(
        "care.elder.contact",
        "create",
        {"elder_id": copay["elder"], "name": f"家属付款{tag}", "relationship": "son"},
    )
    partner = admin.read("care.elder.contact", [contact], ["partner_id"])[0][
        "partner_id"
    ][0]
    login = f"sec_payer_{tag}"
    admin.call(
        "res.users",
        "create",
        {
            "name": f"家属付款{tag}",
            "login": login,
            "password": login,
            "partner_id": partner,
            "groups_id": [(6, 0, [xmlid(admin, "base", "group_portal")])],
        },
    )
    line = admin.call(
        "care.family.access",
        "create",
        {
            "contact_id": contact,
            "perm_schedule": True,
            "perm_money": True,
            "consent": "decision_maker",
        },
    )
    return {"login": login, "line": line}


def test_revoking_money_kills_the_invoice_link_at_once(
    odoo_server, copay, payer, admin
):
    page = PageBrowser(odoo_server.url, odoo_server.db, payer["login"])
    path = f"/my/elder/{copay['elder']}/copay/{copay['invoice']}?pay=1"
    status, _location, body = page.page(f"/my/elder/{copay['elder']}")
    assert status == 200 and copay["name"] in body
    status, link, _body = page.page(path)
    assert status == 303 and link
    link = link.removeprefix(odoo_server.url)
    status, _location, body = page.page(link)
    assert status == 200 and copay["name"] in body
    admin.call("care.family.access", "write", [payer["line"]], {"perm_money": False})
    assert page.page(path)[0] == 404
    status, _location, body = page.page(f"/my/elder/{copay['elder']}")
    assert status == 200 and copay["name"] not in body
    status, _location, body = page.page(link)
    assert status != 200 and copay["name"] not in body, "the old link is dead"
    # granted again: a new link; archiving the line kills it too
    admin.call("care.family.access", "write", [payer["line"]], {"perm_money": True})
    status, fresh, _body = page.page(path)
    assert status == 303 and fresh.removeprefix(odoo_server.url) != link
    admin.call("care.family.access", "write", [payer["line"]], {"active": False})
    assert page.page(fresh.removeprefix(odoo_server.url))[0] != 200
    assert page.page(path)[0] == 404


# ---------------------------------------------------------------------------
# SMS invitation (care_family_sms)
# ---------------------------------------------------------------------------
def test_portal_cannot_text_invitations_or_read_invite_keys(
    portal, family, admin, http
):
    if not admin.call(
        "ir.module.module",
        "search_count",
        [("name", "=", "care_family_sms"), ("state", "=", "installed")],
    ):
        pytest.skip("care_family_sms is not installed")
    before = admin.call(
        "care.sms.message", "search_count", [("kind", "=", "portal_invitation")]
    )
    refusal(portal.refused("care.family.access", "action_invite_sms", [family["line"]]))
    refusal(
        portal.refused(
            "care.family.access", "read", [family["line"]], ["care_invite_token"]
        )
    )
    refusal(portal.refused("care.family.access", "_care_invite_line", "x" * 22))
    after = admin.call(
        "care.sms.message", "search_count", [("kind", "=", "portal_invitation")]
    )
    assert after == before
    for key in ("x" * 22, "A" * 64, "short"):
        assert http("GET", f"/my/invite/{key}").status == 404, key
