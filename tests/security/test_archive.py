"""The elder archive attacked over the real protocols, role by role.

Issue 14, items 6 (ID numbers), 8 (AD8 and dementia), 17 (demo e-mails) and
23 (confirmed assessments): every test logs in as a demo role over XML-RPC
(or HTTP for the printed card), tries what that role must not do, and
re-reads as admin that nothing changed. The records attacked are created by
admin in each test; the demo data stay as they are.
"""

import json
import random
import re
import uuid
import xmlrpc.client

import pytest

from .conftest import DEMO_ROLES

# /xmlrpc/2 answers an Odoo refusal with its fault code and only the
# message as text (no exception class name, which conftest's
# fault_is_refusal looks for); a crash comes as code 1 with a traceback
REFUSAL_CODES = {2: "UserError", 3: "AccessDenied", 4: "AccessError"}

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
NON_MANAGERS = DEMO_ROLES  # none of the demo logins is a care manager


def check_char(first17):
    return CHECK_CHARS[
        sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11
    ]


def id_number(region="110105", birth=None, female=True):
    """A valid resident ID number, random birth date and sequence (no two
    tests of a run share one), of the given sex."""
    birth = birth or (
        f"{random.randrange(1925, 1955)}{random.randrange(1, 13):02d}"
        f"{random.randrange(1, 29):02d}"
    )
    seq = random.randrange(10, 99) * 10 + random.choice(
        (0, 2, 4, 6, 8) if female else (1, 3, 5, 7, 9)
    )
    first17 = f"{region}{birth}{seq:03d}"
    return first17 + check_char(first17)


def candidates(masked, birth_date, gender):
    """Every valid number a reader could build from what is shown."""
    region = masked[:6]
    if not region.isdigit():
        return None  # not even the region is shown
    birth = birth_date.replace("-", "")
    parity = 0 if gender == "female" else 1
    found = []
    for seq in range(1000):
        if seq % 2 != parity:
            continue
        first17 = f"{region}{birth}{seq:03d}"
        number = first17 + check_char(first17)
        if all(m in ("*", c) for m, c in zip(masked, number, strict=True)):
            found.append(number)
    return found


def gbt_answers(total):
    """GB/T 42195 item answers summing to ``total`` (top scores, from the
    first item down): the maxima of the 26 items, in order."""
    maxima = [4] * 8 + [4, 4, 4, 3] + [4, 4, 4, 4, 4, 4, 1, 1, 2] + [2, 2, 4, 3, 4]
    assert sum(maxima) == 90
    remaining = 90 - total
    names = (
        [f"gbt_b1_{i}" for i in range(1, 9)]
        + [f"gbt_b2_{i}" for i in range(1, 5)]
        + [f"gbt_b3_{i}" for i in range(1, 10)]
        + [f"gbt_b4_{i}" for i in range(1, 6)]
    )
    answers = {}
    for name, top in zip(names, maxima, strict=True):
        cut = min(top, remaining)
        remaining -= cut
        answers[name] = str(top - cut)
    return answers


AD8_QUESTIONS = (
    "ad8_judgment",
    "ad8_interest",
    "ad8_repeats",
    "ad8_learning",
    "ad8_month",
    "ad8_finances",
    "ad8_appointments",
    "ad8_daily",
)


@pytest.fixture
def elder(admin):
    """A fresh elder with a full ID number, address, phone and chatter."""
    tag = uuid.uuid4().hex[:8]
    number = id_number()
    mobile = f"+86 139 {random.randrange(1000, 9999)} {random.randrange(1000, 9999)}"
    elder_id = admin.call(
        "care.elder",
        "create",
        {
            "name": f"档案测试 {tag}",
            "id_number": number,
            "mobile": mobile,
            "street": "红庙北里8号楼",
            "city": "朝阳区",
            "zip": "100025",
        },
    )
    # a manager's correction leaves a chatter trace, like real data
    admin.call("care.elder", "write", [elder_id], {"hobbies": "京剧"})
    admin.call("care.elder", "action_activate", [elder_id])
    return {"id": elder_id, "number": number, "mobile": mobile, "tag": tag}


def _execute(caller, model, method, *args, **kwargs):
    """(True, answer) or (False, refusal text); a crash fails the test."""
    try:
        return True, caller._models.execute_kw(
            caller.db, caller.uid, caller.password, model, method, list(args), kwargs
        )
    except xmlrpc.client.Fault as fault:
        assert fault.faultCode in REFUSAL_CODES, (
            f"{caller.login}: {model}.{method} crashed instead of refusing:\n"
            f"{fault.faultString}"
        )
        return False, fault.faultString


def readable(caller, model, method, *args, **kwargs):
    """The answer, or None when the role is refused it."""
    ok, answer = _execute(caller, model, method, *args, **kwargs)
    return answer if ok else None


def refused(caller, model, method, *args, **kwargs):
    """The refusal's text; fails the test if the call was accepted or crashed."""
    ok, answer = _execute(caller, model, method, *args, **kwargs)
    if ok:
        pytest.fail(
            f"{caller.login}: {model}.{method}{args!r} was accepted (returned "
            f"{answer!r})"
        )
    return answer


# computed, not stored, values the archive shows
SHOWN_COMPUTED = ("id_number_display", "display_name", "phone_lookup")


def plain_fields(caller, model):
    """Every field the role is offered that holds a value, not a link (a
    full read of an elder also follows the partner's links to CRM, sales...
    that a role may not open: refused, which is not what is tested here)."""
    described = readable(caller, model, "fields_get", [], ["type", "store"])
    if described is None:
        return None
    return [
        name
        for name, field in described.items()
        if (field["store"] or name in SHOWN_COMPUTED)
        and field["type"] not in ("one2many", "many2many", "binary")
    ]


def leaks(value, number):
    """Does ``value`` (any answer) hold the number or its hidden digits?"""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return number in text or number[10:] in text


# ---------------------------------------------------------------------------
# (a) no non-manager role reads a full ID number anywhere
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("login", NON_MANAGERS)
def test_no_role_reads_a_full_id_number(role, admin, elder, login):
    caller = role(login)
    eid, number = elder["id"], elder["number"]
    partner_id = admin.read("care.elder", [eid], ["partner_id"])[0]["partner_id"][0]

    elder_fields = plain_fields(caller, "care.elder")
    partner_fields = plain_fields(caller, "res.partner")
    answers = {
        "read": elder_fields
        and readable(caller, "care.elder", "read", [eid], elder_fields),
        "search_read": elder_fields
        and readable(
            caller, "care.elder", "search_read", [("id", "=", eid)], elder_fields
        ),
        "partner": partner_fields
        and readable(caller, "res.partner", "read", [partner_id], partner_fields),
        "partner_search": partner_fields
        and readable(
            caller,
            "res.partner",
            "search_read",
            [("id", "=", partner_id)],
            partner_fields,
        ),
        "messages": readable(
            caller,
            "mail.message",
            "search_read",
            [("model", "=", "care.elder"), ("res_id", "=", eid)],
            [],
        ),
        "fields": readable(caller, "care.elder", "fields_get", ["id_number"]),
    }
    for what, answer in answers.items():
        assert not leaks(answer, number), f"{login}: {what} shows the number"

    # the full field itself is refused, however asked
    for method, args in (
        ("read", ([eid], ["id_number"])),
        ("export_data", ([eid], ["id_number"])),
        ("read_group", ([], ["id"], ["id_number"])),
        ("search_read", ([("id", "=", eid)], ["id_number"])),
    ):
        refused(caller, "care.elder", method, *args)
    for path in ("elder_ids/id_number", "elder_ids/id_number_display"):
        answer = readable(caller, "res.partner", "export_data", [partner_id], [path])
        assert not leaks(answer, number), f"{login}: partner export {path}"
    refused(
        caller,
        "mail.tracking.value",
        "search_read",
        [("mail_message_id.res_id", "=", eid)],
    )

    card = answers["read"]
    if card is None:
        return  # the role reads no elder at all: nothing to combine
    card = card[0]
    assert "id_number" not in card
    masked = card["id_number_display"]
    assert masked == number[:6] + "*" * 12
    exported = readable(
        caller, "care.elder", "export_data", [eid], ["id_number_display", "birth_date"]
    )
    if exported is not None:  # only users allowed to export get this far
        assert exported["datas"][0][0] == masked
    # what the role reads together: masked value, birth date, sex, address,
    # age. The sequence and check are not shown: hundreds of numbers fit.
    fits = candidates(masked, card["birth_date"], card["gender"])
    assert number in fits
    assert len(fits) >= 500
    assert not leaks({k: v for k, v in card.items() if k != "birth_date"}, number)


@pytest.mark.parametrize("login", ("reception", "finance"))
def test_printed_card_shows_the_masked_number(odoo_server, http, elder, login):
    answer = http(
        "POST",
        "/web/session/authenticate",
        {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"db": odoo_server.db, "login": login, "password": login},
        },
    )
    assert answer.status == 200 and "error" not in answer.json(), answer.body[:300]
    cookie = re.search(r"session_id=([^;]+)", answer.headers.get("Set-Cookie", ""))
    assert cookie, answer.headers
    page = http(
        "GET",
        f"/report/html/elder_crm.report_care_elder_card/{elder['id']}",
        headers={"Cookie": f"session_id={cookie.group(1)}"},
    )
    assert page.status == 200, page.body[:300]
    html = page.body.decode()
    assert elder["tag"] in html
    assert elder["number"][:6] + "*" * 12 in html
    assert elder["number"] not in html
    assert elder["number"][10:] not in html


# ---------------------------------------------------------------------------
# (b) the search oracle is closed
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("login", NON_MANAGERS)
def test_search_oracle_refused(role, admin, elder, login):
    caller = role(login)
    number = elder["number"]
    wrong = id_number(female=False)
    for domain in (
        [("id_number", "=", number)],
        [("id_number", "=like", number[:14] + "%")],
        [("id_number", "ilike", number[10:])],
        [("id_number_display", "=", number)],
        [("id_number_display", "=", wrong)],
        [("id_number_display", "ilike", number[:14])],
        [("partner_id.elder_ids.id_number", "=", number)],
    ):
        refused(caller, "care.elder", "search_count", domain)
    for model, domain in (
        ("res.partner", [("elder_ids.id_number", "=", number)]),
        ("res.partner", [("elder_ids.id_number_display", "=", number)]),
    ):
        refused(caller, model, "search_count", domain)
    refused(caller, "care.elder", "search_read", [], ["name"], order="id_number")
    # name_search and the partner's search by name do not match the number
    for model in ("care.elder", "res.partner"):
        found = readable(caller, model, "name_search", number)
        assert not found, f"{login}: {model}.name_search matched the number"
    # a care manager still finds the elder by the number
    assert admin.call("care.elder", "search", [("id_number_display", "=", number)]) == [
        elder["id"]
    ]


def _new_receptionist(admin):
    """A receptionist of our own: the refusals below count against it."""
    login = f"arch_reception_{uuid.uuid4().hex[:8]}"
    group = admin.call(
        "ir.model.data", "check_object_reference", "elder_crm", "group_care_reception"
    )[1]
    admin.call(
        "res.users",
        "create",
        {"name": login, "login": login, "password": login, "groups_id": [(4, group)]},
    )
    return login


def test_duplicate_refusal_names_nobody_and_is_throttled(role, admin, elder):
    caller = role(_new_receptionist(admin))
    number = elder["number"]
    before = admin.call("care.elder", "search_count", [])
    name = admin.read("care.elder", [elder["id"]], ["name", "code"])[0]
    for _attempt in range(5):
        text = refused(
            caller,
            "care.elder",
            "create",
            {"name": "重复登记", "id_number_display": number},
        )
        assert "already registered" in text
        assert name["name"] not in text and name["code"] not in text
        assert number[:6] not in text.split("already registered")[-1]
    # then every number is refused the same way, registered or not
    for typed in (number, id_number(region="440524", birth="19380102")):
        text = refused(
            caller,
            "care.elder",
            "create",
            {"name": "重复登记", "id_number_display": typed},
        )
        assert "suspended" in text
    assert admin.call("care.elder", "search_count", []) == before


def test_registered_number_cannot_be_probed_by_writing_guesses(role, admin, elder):
    caller = role(_new_receptionist(admin))
    eid, number = elder["id"], elder["number"]
    right = refused(caller, "care.elder", "write", [eid], {"id_number_display": number})
    wrong = refused(
        caller, "care.elder", "write", [eid], {"id_number_display": id_number()}
    )
    # the same refusal for the right and a wrong number: no oracle
    assert right.splitlines()[-1] == wrong.splitlines()[-1]
    assert "care manager" in right
    # the masked value saved back is accepted and changes nothing
    masked = number[:6] + "*" * 12
    caller.call("care.elder", "write", [eid], {"id_number_display": masked})
    assert admin.read("care.elder", [eid], ["id_number"])[0]["id_number"] == number


# ---------------------------------------------------------------------------
# (c) a confirmed assessment is locked
# ---------------------------------------------------------------------------
@pytest.fixture
def confirmed(admin, elder):
    assessment_id = admin.call(
        "care.assessment",
        "create",
        {"elder_id": elder["id"], "assessment_type": "gbt42195", **gbt_answers(70)},
    )
    admin.call("care.assessment", "action_confirm", [assessment_id])
    return {"id": assessment_id, "elder_id": elder["id"]}


ASSESSMENT_FIELDS = [
    "state",
    "date",
    "valid_until",
    "total_score",
    "preliminary_level",
    "final_level",
    "gbt_b1_1",
    "assessor_ids",
    "elder_id",
]
ELDER_LEVEL_FIELDS = ["gbt_level", "gbt_valid_until", "gbt_assessment_id"]


def test_reception_cannot_rewrite_a_confirmed_assessment(role, admin, confirmed):
    caller = role("reception")
    aid, eid = confirmed["id"], confirmed["elder_id"]
    before = admin.read("care.assessment", [aid], ASSESSMENT_FIELDS)
    level_before = admin.read("care.elder", [eid], ELDER_LEVEL_FIELDS)
    assert before[0]["total_score"] == 70 and before[0]["final_level"] == "1"
    assert level_before[0]["gbt_level"] == "1"
    for vals in (
        {"total_score": 90},
        {"final_level": "0"},
        {"preliminary_level": "0"},
        {"total_score": 90, "final_level": "0", "preliminary_level": "0"},
        {"date": "2020-01-01"},
        {"valid_until": "2099-12-31"},
        {"gbt_b1_1": "0"},
        {"state": "draft"},
        {"state": "cancel"},
        {"assessment_type": "barthel"},
        {"elder_id": eid},
    ):
        refused(caller, "care.assessment", "write", [aid], vals)
    for method in ("action_reset_draft", "action_cancel", "unlink"):
        refused(caller, "care.assessment", method, [aid])
    assert admin.read("care.assessment", [aid], ASSESSMENT_FIELDS) == before
    assert admin.read("care.elder", [eid], ELDER_LEVEL_FIELDS) == level_before


def test_no_role_creates_a_ready_made_result(role, admin, elder):
    caller = role("reception")
    before = admin.call("care.assessment", "search_count", [])
    for vals in (
        {"state": "done"},
        {"total_score": 90},
        {"final_level": "0"},
        {"date_confirmed": "2026-01-01 08:00:00"},
    ):
        refused(
            caller,
            "care.assessment",
            "create",
            {"elder_id": elder["id"], **gbt_answers(30), **vals},
        )
    for vals in ({"gbt_level": "0"}, {"age": 99}, {"gbt_valid_until": "2099-01-01"}):
        refused(caller, "care.elder", "write", [elder["id"]], vals)
    assert admin.call("care.assessment", "search_count", []) == before
    assert admin.read("care.elder", [elder["id"]], ["gbt_level"])[0]["gbt_level"] in (
        False,
        None,
    )


# ---------------------------------------------------------------------------
# (d) finance and dispatchers read no AD8 result or dementia
# ---------------------------------------------------------------------------
@pytest.fixture
def screened(admin, elder):
    dementia = admin.call(
        "ir.model.data", "check_object_reference", "elder_crm", "condition_dementia"
    )[1]
    admin.call("care.elder", "write", [elder["id"]], {"condition_ids": [(4, dementia)]})
    answers = dict.fromkeys(AD8_QUESTIONS, "no")
    answers.update(ad8_judgment="yes", ad8_repeats="yes", ad8_month="yes")
    aid = admin.call(
        "care.assessment",
        "create",
        {"elder_id": elder["id"], "assessment_type": "ad8", **answers},
    )
    admin.call("care.assessment", "action_confirm", [aid])
    values = admin.read(
        "care.elder", [elder["id"]], ["has_dementia", "ad8_score", "ad8_positive"]
    )[0]
    assert (
        values["has_dementia"] and values["ad8_positive"] and values["ad8_score"] == 3
    )
    return elder


MEDICAL_RESULTS = ("has_dementia", "ad8_score", "ad8_positive")


@pytest.mark.parametrize("login", ("finance", "dispatcher"))
def test_non_medical_roles_read_no_dementia_or_ad8(role, screened, login):
    caller = role(login)
    eid = screened["id"]
    fields = caller.call("care.elder", "fields_get", [], ["string"])
    assert not set(MEDICAL_RESULTS) & set(fields)
    assert not {"condition_ids", "assessment_ids", "gbt_assessment_id"} & set(fields)
    values = caller.read("care.elder", [eid], plain_fields(caller, "care.elder"))[0]
    assert not set(MEDICAL_RESULTS) & set(values)
    assert values["gbt_level"] in (False, None) or values["gbt_level"]
    for fname in MEDICAL_RESULTS:
        for method, args in (
            ("read", ([eid], [fname])),
            ("search_count", ([(fname, "=", True)],)),
            ("search_count", ([(fname, ">", 0)],)),
            ("read_group", ([], ["id"], [fname])),
            ("export_data", ([eid], [fname])),
        ):
            refused(caller, "care.elder", method, *args)
    refused(
        caller,
        "care.assessment",
        "search_read",
        [("elder_id", "=", eid)],
        ["ad8_score"],
    )
    # the caller card tells the dispatcher nothing medical either
    cards = caller.call("care.elder", "lookup_phone", screened["mobile"])
    assert [card["id"] for card in cards] == [eid]
    assert "AD8 positive" not in cards[0]["flags"]
    assert "Dementia" not in cards[0]["flags"]
    assert not set(MEDICAL_RESULTS) & set(cards[0])


def test_medical_roles_still_see_the_screen(role, screened):
    for login in ("reception", "emergency"):
        values = role(login).read("care.elder", [screened["id"]], MEDICAL_RESULTS)[0]
        assert values["ad8_positive"] and values["has_dementia"]


# ---------------------------------------------------------------------------
# item 17: the demo users have (example) e-mail addresses
# ---------------------------------------------------------------------------
def test_demo_users_have_example_emails(admin):
    users = admin.call(
        "res.users",
        "search_read",
        [("login", "in", ["reception", "dispatcher", "emergency", "finance"])],
        ["login", "email"],
    )
    assert len(users) == 4
    for user in users:
        assert user["email"] == f"{user['login']}@demo.yanglao.example"
