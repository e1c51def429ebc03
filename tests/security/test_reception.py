"""Reception (care_reception) attacked over the real protocols.

Issue 14, items 9 (the public pre-visit questionnaire), 17 (staff without an
e-mail address) and 23 (results no client may type): an anonymous visitor
over plain HTTP, then the demo roles over XML-RPC. Each test creates its own
leads as admin and re-reads them as admin to check that nothing changed; the
demo data stay as they are.
"""

import http.cookiejar
import json
import random
import re
import urllib.error
import urllib.request
import uuid

import pytest

from .conftest import fault_is_refusal

refusal = fault_is_refusal


THROTTLE_ADDRESS = "care_reception.previsit_max_per_address_hour"
THROTTLE_NUMBER = "care_reception.previsit_max_per_number_day"
QUESTIONS = (
    "contact",
    "mobile",
    "elder",
    "health",
    "memory",
    "living",
    "budget",
    "form",
    "note",
)
ANSWERS = ("health_much", "memory_dx", "live_alone", "budget_lt3k", "form_residential")
LEAD_FIELDS = [
    "name",
    "email_from",
    "contact_name",
    "mobile",
    "stage_id",
    "tag_ids",
    "care_budget",
    "care_form",
    "care_prospect_name",
    "care_previsit_input_id",
    "care_possible_duplicate",
    "care_health_answers",
    "company_id",
]


def fresh_mobile():
    """A Chinese mobile number no other test uses."""
    return f"166{random.randrange(10**7, 10**8)}"


def ref(admin, xmlid):
    module, name = xmlid.split(".")
    [row] = admin.search_read(
        "ir.model.data", [("module", "=", module), ("name", "=", name)], ["res_id"]
    )
    return row["res_id"]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """An anonymous browser: its own cookies, nobody logged in."""

    def __init__(self, url):
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            NoRedirect(),
        )

    def get(self, path):
        try:
            with self.opener.open(self.url + path, timeout=30) as resp:
                return resp.status, dict(resp.headers), resp.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers), err.read().decode()

    def json(self, path, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params})
        request = urllib.request.Request(
            self.url + path,
            data=body.encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with self.opener.open(request, timeout=60) as resp:
            answer = json.loads(resp.read())
        assert "error" not in answer, answer
        return answer["result"]


@pytest.fixture(scope="module")
def questionnaire(admin):
    survey_id = ref(admin, "care_reception.survey_previsit")
    [survey] = admin.read("survey.survey", [survey_id], ["access_token"])
    questions = {
        name: ref(admin, f"care_reception.previsit_q_{name}") for name in QUESTIONS
    }
    answers = {
        name: ref(admin, f"care_reception.previsit_a_{name}") for name in ANSWERS
    }
    return {
        "id": survey_id,
        "token": survey["access_token"],
        "q": questions,
        "a": answers,
    }


@pytest.fixture
def limits(admin):
    """Set the questionnaire's throttles for one test, then put them back."""
    before = {
        key: admin.call("ir.config_parameter", "get_param", key)
        for key in (THROTTLE_ADDRESS, THROTTLE_NUMBER)
    }

    def set_limits(per_address=0, per_number=0):
        admin.call("ir.config_parameter", "set_param", THROTTLE_ADDRESS, per_address)
        admin.call("ir.config_parameter", "set_param", THROTTLE_NUMBER, per_number)

    set_limits()  # every test here submits from 127.0.0.1
    yield set_limits
    for key, value in before.items():
        admin.call("ir.config_parameter", "set_param", key, value or False)


def post_answers(questionnaire, mobile, **over):
    q, a = questionnaire["q"], questionnaire["a"]
    values = {
        "contact": "冒充的访客",
        "mobile": mobile,
        "elder": "某老人",
        "health": a["health_much"],
        "memory": a["memory_dx"],
        "living": a["live_alone"],
        "budget": a["budget_lt3k"],
        "form": a["form_residential"],
        "note": "visitor@example.com 请用这个邮箱联系我",
    }
    values.update(over)
    return {str(q[name]): str(value) for name, value in values.items()}


def submit(odoo_server, questionnaire, mobile, answer_token=None, **over):
    """Fill and send the questionnaire as an anonymous visitor.

    Returns (the answer token, the JSON result of the submission)."""
    visitor = Visitor(odoo_server.url)
    token = questionnaire["token"]
    if answer_token is None:
        status, headers, _body = visitor.get(f"/survey/start/{token}")
        assert status in (302, 303), status
        answer_token = headers["Location"].rstrip("/").split("/")[-1]
    status, _headers, _body = visitor.get(f"/survey/{token}/{answer_token}")
    assert status == 200
    visitor.json(f"/survey/begin/{token}/{answer_token}", {})
    params = post_answers(questionnaire, mobile, **over)
    params.update(token=answer_token, button_submit="next")
    result = visitor.json(f"/survey/submit/{token}/{answer_token}", params)
    return answer_token, result


def answer_of(admin, answer_token):
    [row] = admin.search_read(
        "survey.user_input",
        [("access_token", "=", answer_token)],
        ["state", "care_lead_id"],
    )
    return row


def make_family_lead(admin, mobile, **vals):
    stage_new = ref(admin, "crm.stage_lead1")
    lead = admin.call(
        "crm.lead",
        "create",
        {
            "name": f"真实家庭 {uuid.uuid4().hex[:6]}",
            "type": "opportunity",
            "contact_name": "真实的女儿",
            "mobile": mobile,
            "care_prospect_name": "真实的老人",
            "stage_id": stage_new,
            "care_health_answers": "接待员记录：膝关节置换",
            "tag_ids": [(6, 0, [ref(admin, "care_reception.tag_dementia")])],
            **vals,
        },
    )
    return lead


# ----------------------------------------------------------------------
# The public questionnaire, as an anonymous visitor
# ----------------------------------------------------------------------
def test_known_number_does_not_reach_the_family_lead(
    admin, odoo_server, questionnaire, limits
):
    mobile = fresh_mobile()
    family = make_family_lead(admin, mobile)
    [before] = admin.read("crm.lead", [family], LEAD_FIELDS)
    # the same number, typed another way, by an outsider
    typed = f"+86 {mobile[:3]}-{mobile[3:7]}-{mobile[7:]}"
    token, result = submit(odoo_server, questionnaire, typed)
    answer = answer_of(admin, token)
    assert answer["state"] == "done", result
    new_lead = answer["care_lead_id"][0]
    assert new_lead != family
    [after] = admin.read("crm.lead", [family], LEAD_FIELDS)
    assert after == before, "the family's lead is untouched"
    [made] = admin.read("crm.lead", [new_lead], LEAD_FIELDS)
    assert made["care_possible_duplicate"] is True
    assert made["company_id"] == before["company_id"]
    # what the visitor got back says nothing about the family
    text = json.dumps(result, ensure_ascii=False)
    for secret in (before["name"], "真实", "already"):
        assert secret not in text
    # the family's own link still works: nothing is blocked by the outsider
    admin.call("crm.lead", "action_care_send_questionnaire", [family])
    [link] = admin.read("crm.lead", [family], ["care_questionnaire_url"])
    personal = link["care_questionnaire_url"].split("answer_token=")[1]
    token, _result = submit(odoo_server, questionnaire, mobile, answer_token=personal)
    assert answer_of(admin, token)["care_lead_id"][0] == family


def test_submissions_are_throttled(admin, odoo_server, questionnaire, limits):
    limits(per_number=2)
    mobile = fresh_mobile()
    for _i in range(2):
        token, _result = submit(odoo_server, questionnaire, mobile)
        assert answer_of(admin, token)["state"] == "done"
    count = admin.call("crm.lead", "search_count", [("mobile", "=", mobile)])
    assert count == 2
    token, result = submit(odoo_server, questionnaire, mobile)
    assert result[1]["error"] == "validation"
    [message] = result[1]["fields"].values()
    assert "try again later" in message
    assert answer_of(admin, token)["state"] != "done"
    assert admin.call("crm.lead", "search_count", [("mobile", "=", mobile)]) == 2
    # per address: this address sent at least two in the last hour
    limits(per_address=2)
    other = fresh_mobile()
    token, result = submit(odoo_server, questionnaire, other)
    assert result[1]["error"] == "validation"
    assert list(result[1]["fields"].values()) == [message], "one neutral answer"
    assert admin.call("crm.lead", "search_count", [("mobile", "=", other)]) == 0


def test_personal_link_replayed_is_refused(admin, odoo_server, questionnaire, limits):
    mobile = fresh_mobile()
    family = make_family_lead(admin, mobile, email_from=False)
    admin.call("crm.lead", "action_care_send_questionnaire", [family])
    [link] = admin.read("crm.lead", [family], ["care_questionnaire_url"])
    personal = link["care_questionnaire_url"].split("answer_token=")[1]
    token, _result = submit(odoo_server, questionnaire, mobile, answer_token=personal)
    assert answer_of(admin, token)["state"] == "done"
    [before] = admin.read("crm.lead", [family], LEAD_FIELDS)
    _token, result = submit(
        odoo_server,
        questionnaire,
        fresh_mobile(),
        answer_token=personal,
        contact="重放者",
        budget=questionnaire["a"]["budget_lt3k"],
    )
    assert result[1] == {"error": "unauthorized"}
    [after] = admin.read("crm.lead", [family], LEAD_FIELDS)
    assert after == before


# ----------------------------------------------------------------------
# Results no client may type (XML-RPC)
# ----------------------------------------------------------------------
GUARDED = {
    "care_level": "0",
    "care_satisfaction_score": 100.0,
    "care_next_followup": "2030-01-01 00:00:00",
    "care_followup_overdue": True,
    "care_first_followup_on_time": "yes",
    "care_summary_sent": "2030-01-01 00:00:00",
    "care_possible_duplicate": True,
}


def test_reception_cannot_type_results(admin, role):
    reception = role("reception")
    lead = admin.call(
        "crm.lead",
        "create",
        {
            "name": f"结果字段 {uuid.uuid4().hex[:6]}",
            "type": "opportunity",
            "user_id": reception.uid,
            "care_prospect_name": "某老人",
        },
    )
    [before] = admin.read("crm.lead", [lead], list(GUARDED))
    for field, value in GUARDED.items():
        text = reception.refused("crm.lead", "write", [lead], {field: value})
        assert refusal(text), text
        assert "set by the system" in text
    text = reception.refused(
        "crm.lead",
        "create",
        {"name": "伪造的满意度", "care_satisfaction_score": 100.0},
    )
    assert "set by the system" in text
    [after] = admin.read("crm.lead", [lead], list(GUARDED))
    assert after == before
    # reception may still edit what is theirs to type
    reception.call("crm.lead", "write", [lead], {"care_budget": "3to5k"})
    # answers cannot be moved onto a lead
    survey = ref(admin, "care_reception.survey_previsit")
    answer = admin.call(
        "survey.user_input", "create", {"survey_id": survey, "email": "x@example.com"}
    )
    text = reception.refused(
        "survey.user_input", "write", [answer], {"care_lead_id": lead}
    )
    assert refusal(text), text
    [row] = admin.read("survey.user_input", [answer], ["care_lead_id"])
    assert row["care_lead_id"] is False


def test_non_medical_roles_do_not_see_health(admin, role):
    lead = make_family_lead(admin, fresh_mobile())
    dementia = ref(admin, "care_reception.tag_dementia")
    for login in ("dispatcher", "finance"):
        caller = role(login)
        text = caller.refused("crm.lead", "read", [lead], ["care_health_answers"])
        assert refusal(text), text
        text = caller.refused("crm.lead", "read", [lead], ["tag_ids"])
        assert refusal(text), text
        try:
            tags = caller.search_read("crm.tag", [("id", "=", dementia)], ["name"])
        except Exception as exc:  # refused outright is fine too
            assert refusal(str(exc)), exc
        else:
            assert tags == []
    # a plain CRM salesperson reads leads but not health: the dementia tag
    # is not on the lead for them, the health notes are refused
    login = f"seller_{uuid.uuid4().hex[:8]}"
    admin.call(
        "res.users",
        "create",
        {
            "name": "普通销售",
            "login": login,
            "password": login,
            "groups_id": [
                (6, 0, [ref(admin, "sales_team.group_sale_salesman_all_leads")])
            ],
        },
    )
    seller = role(login)
    [row] = seller.read("crm.lead", [lead], ["tag_ids"])
    assert dementia not in row["tag_ids"]
    text = seller.refused("crm.lead", "read", [lead], ["care_health_answers"])
    assert refusal(text), text
    [row] = admin.read("crm.lead", [lead], ["tag_ids"])
    assert dementia in row["tag_ids"], "still there for medical staff"
    # nor can the seller find the leads by the tag's id, or group by it
    domain = [("id", "=", lead), ("tag_ids", "in", [dementia])]
    assert admin.call("crm.lead", "search_count", domain) == 1
    assert seller.call("crm.lead", "search_count", domain) == 0
    assert (
        seller.call(
            "crm.lead", "search_count", [("id", "=", lead), ("tag_ids", "=", dementia)]
        )
        == 0
    )
    assert (
        seller.call(
            "crm.lead",
            "search_count",
            [("id", "=", lead), ("tag_ids", "not in", [dementia])],
        )
        == 1
    ), "for the seller the lead does not carry the tag"
    groups = seller.call(
        "crm.lead",
        "read_group",
        [("id", "=", lead)],
        ["tag_ids"],
        ["tag_ids"],
        lazy=False,
    )
    assert all(
        not group["tag_ids"] or group["tag_ids"][0] != dementia for group in groups
    ), groups


# ----------------------------------------------------------------------
# Item 17: a whole path over XML-RPC as the demo reception login, and as a
# receptionist without an e-mail address
# ----------------------------------------------------------------------
@pytest.mark.parametrize("who", ["demo", "no_email"])
def test_reception_signs_a_lead_over_xmlrpc(admin, role, who):
    if who == "demo":
        reception = role("reception")
    else:
        login = f"rc_noemail_{uuid.uuid4().hex[:8]}"
        user = admin.call(
            "res.users",
            "create",
            {
                "name": "没有邮箱的接待员",
                "login": login,
                "password": login,
                "email": False,
                "groups_id": [(6, 0, [ref(admin, "elder_crm.group_care_reception")])],
            },
        )
        [row] = admin.read("res.users", [user], ["email"])
        assert not row["email"]
        reception = role(login)
    elder_name = f"签约老人{uuid.uuid4().hex[:4]}"
    lead = reception.call(
        "crm.lead",
        "create",
        {
            "name": f"{elder_name} 入住咨询",
            "type": "opportunity",
            "contact_name": "女儿",
            "mobile": fresh_mobile(),
            "care_prospect_name": elder_name,
            "care_prospect_birth_year": 1942,
            "care_form": "home",
            "user_id": reception.uid,
            "stage_id": ref(admin, "crm.stage_lead1"),
        },
    )
    assert reception.call("crm.lead", "action_care_send_questionnaire", [lead])
    reception.call("crm.lead", "write", [lead], {"care_intent": "high"})
    reception.call(
        "crm.lead", "write", [lead], {"stage_id": ref(admin, "crm.stage_lead2")}
    )
    reception.call(
        "crm.lead",
        "write",
        [lead],
        {
            "stage_id": ref(admin, "care_reception.stage_proposal"),
            "care_package_id": ref(admin, "care_reception.package_home_standard"),
        },
    )
    reception.call("crm.lead", "action_set_won", [lead])
    [row] = reception.read("crm.lead", [lead], ["stage_id", "care_elder_id"])
    assert row["stage_id"][0] == ref(admin, "crm.stage_lead4")
    assert row["care_elder_id"], "signing made the elder's archive"
    [elder] = admin.read("care.elder", [row["care_elder_id"][0]], ["name", "state"])
    assert elder == {
        "id": row["care_elder_id"][0],
        "name": elder_name,
        "state": "active",
    }
    # a birth year typed wrong is refused with a clear message, not a crash
    text = reception.refused(
        "crm.lead", "write", [lead], {"care_prospect_birth_year": -1950}
    )
    assert refusal(text), text
    assert "birth year -1950 is not possible" in text
    assert re.search(r"between 1900 and \d{4}", text)


# ----------------------------------------------------------------------
# Issue 21 item 4: duplicate enquiries over XML-RPC
# ----------------------------------------------------------------------
def test_duplicate_flagged_and_linked_by_reception_only(admin, role):
    reception = role("reception")
    mobile = fresh_mobile()
    elder = admin.call(
        "care.elder",
        "create",
        {
            "name": f"已建档老人{uuid.uuid4().hex[:4]}",
            "contact_ids": [
                (0, 0, {"name": "儿子", "mobile": mobile, "relationship": "son"})
            ],
        },
    )
    # reception types the son's number in another form: flagged at once
    typed = f"+86 {mobile[:3]}-{mobile[3:7]}-{mobile[7:]}"
    lead = reception.call(
        "crm.lead",
        "create",
        {
            "name": f"重复咨询 {uuid.uuid4().hex[:6]}",
            "type": "opportunity",
            "mobile": typed,
            "user_id": reception.uid,
        },
    )
    [row] = reception.read(
        "crm.lead", [lead], ["care_possible_duplicate", "care_duplicate_elder_ids"]
    )
    assert row["care_possible_duplicate"] is True
    assert row["care_duplicate_elder_ids"] == [elder]
    # the wrong role, the wrong elder, and a forged context are refused
    fields = ["care_elder_id", "care_possible_duplicate"]
    before = admin.read("crm.lead", [lead], fields)
    for login in ("dispatcher", "emergency", "finance"):
        text = role(login).refused("crm.lead", "action_care_link_elder", [lead], elder)
        assert refusal(text), text
    stranger = admin.call("care.elder", "create", {"name": "无关老人"})
    text = reception.refused("crm.lead", "action_care_link_elder", [lead], stranger)
    assert refusal(text) and "does not share a number" in text, text
    text = reception.refused(
        "care.elder",
        "action_care_link_lead",
        [stranger],
        context={"care_lead_id": lead},
    )
    assert refusal(text), text
    assert admin.read("crm.lead", [lead], fields) == before
    # reception links it; the flag is settled; a replay is refused
    assert reception.call("crm.lead", "action_care_link_elder", [lead], elder)
    [after] = admin.read("crm.lead", [lead], fields)
    assert after["care_elder_id"][0] == elder
    assert after["care_possible_duplicate"] is False
    text = reception.refused("crm.lead", "action_care_link_elder", [lead], elder)
    assert refusal(text), text
    assert admin.read("crm.lead", [lead], fields) == [after]
