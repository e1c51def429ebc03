"""SMS (issue 22), attacked over the real protocols.

Each test queues its own texts as a demo login or as admin, to numbers of its
own (the daily cap is per number), attacks over XML-RPC or HTTP, and checks as
admin that nothing changed.
"""

import hashlib
import hmac
import json
import random
import time

import pytest

from .conftest import fault_is_refusal

PARAMS = {"elder": "安全测试", "service": "助浴", "time": "明天9点"}
SECRET = "sec-sms-callback-secret"


def new_number():
    return f"139{random.randint(0, 99999999):08d}"


@pytest.fixture(scope="module", autouse=True)
def settings(admin):
    admin.call("ir.config_parameter", "set_param", "care_sms.provider", "test")
    admin.call("ir.config_parameter", "set_param", "care_sms.test_fail", "")
    admin.call("ir.config_parameter", "set_param", "care_sms.callback_secret", SECRET)
    admin.call(
        "ir.config_parameter",
        "set_param",
        "care_sms.aliyun_access_key_secret",
        "top-secret",
    )


def messages_to(admin, number):
    return admin.search_read(
        "care.sms.message",
        [("number", "=", f"+86{number}")],
        ["state", "provider_ref", "reason", "attempts"],
    )


def run_sms_queue(admin):
    """Run Odoo's SMS queue cron now (as `make run`'s cron thread would)."""
    [row] = admin.search_read(
        "ir.model.data",
        [("module", "=", "sms"), ("name", "=", "ir_cron_sms_scheduler_action")],
        ["res_id"],
    )
    admin.call("ir.cron", "method_direct_trigger", [row["res_id"]])


def send_now(admin, message_id):
    run_sms_queue(admin)
    [message] = admin.read("care.sms.message", [message_id], ["state", "provider_ref"])
    assert message["state"] == "sent"
    return message


def signed(body, secret=SECRET, stamp=None):
    stamp = str(int(time.time()) if stamp is None else stamp)
    signature = hmac.new(
        secret.encode(), stamp.encode() + b"\n" + body, hashlib.sha256
    ).hexdigest()
    return {
        "Content-Type": "application/json",
        "X-Care-Timestamp": stamp,
        "X-Care-Signature": signature,
    }


# ----------------------------------------------------------------------
# who may send
# ----------------------------------------------------------------------
@pytest.mark.parametrize("login", ["reception", "dispatcher", "emergency", "finance"])
def test_staff_may_send(role, admin, login):
    number = new_number()
    message_id = role(login).call(
        "care.sms.message", "send_suite_message", "order_confirmed", number, PARAMS
    )
    assert [m["id"] for m in messages_to(admin, number)] == [message_id]


@pytest.mark.parametrize("login", ["devices", "doctor"])
def test_other_roles_may_not_send(role, admin, login):
    number = new_number()
    text = role(login).refused(
        "care.sms.message", "send_suite_message", "order_confirmed", number, PARAMS
    )
    assert fault_is_refusal(text)
    assert not messages_to(admin, number)


def test_private_queue_not_callable(role, admin):
    number = new_number()
    for login in ("reception", "devices"):
        text = role(login).refused(
            "care.sms.message", "_care_queue", "alarm_open", number, PARAMS
        )
        assert fault_is_refusal(text)
    assert not messages_to(admin, number)


def test_bad_input_refused_before_sending(role, admin):
    reception = role("reception")
    before = admin.call("care.sms.message", "search_count", [])
    for number, params in (
        ("010-65123456", PARAMS),  # a landline
        ("+14155550100", PARAMS),  # a foreign number
        (new_number(), {"elder": "安全测试"}),  # parameters missing
        (new_number(), {**PARAMS, "service": "助" * 200}),  # too long
    ):
        text = reception.refused(
            "care.sms.message", "send_suite_message", "order_confirmed", number, params
        )
        assert fault_is_refusal(text), text
    assert admin.call("care.sms.message", "search_count", []) == before


# ----------------------------------------------------------------------
# the log, the secrets, the states
# ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "login", ["reception", "dispatcher", "emergency", "finance", "devices", "doctor"]
)
def test_log_not_readable_by_roles(role, admin, login):
    number = new_number()
    message_id = admin.call(
        "care.sms.message", "send_suite_message", "order_confirmed", number, PARAMS
    )
    caller = role(login)
    assert fault_is_refusal(
        caller.refused("care.sms.message", "read", [message_id], ["body"])
    )
    assert fault_is_refusal(
        caller.refused("care.sms.message", "search_read", [], ["body"])
    )
    assert fault_is_refusal(
        caller.refused("care.sms.receipt", "search_read", [], ["key"])
    )


@pytest.mark.parametrize("login", ["reception", "finance", "devices"])
def test_secrets_not_readable(role, login):
    caller = role(login)
    assert fault_is_refusal(
        caller.refused(
            "ir.config_parameter", "get_param", "care_sms.aliyun_access_key_secret"
        )
    )
    assert fault_is_refusal(
        caller.refused(
            "ir.config_parameter",
            "search_read",
            [("key", "like", "care_sms.")],
            ["value"],
        )
    )
    text = caller.refused("res.config.settings", "create", {})
    assert fault_is_refusal(text)
    assert "top-secret" not in text


@pytest.mark.parametrize("login", ["admin", "reception"])
def test_direct_write_of_states_refused(role, admin, login):
    number = new_number()
    message_id = admin.call(
        "care.sms.message", "send_suite_message", "order_confirmed", number, PARAMS
    )
    send_now(admin, message_id)
    caller = admin if login == "admin" else role(login)
    for vals in (
        {"state": "delivered"},
        {"state": "failed", "reason": "forged"},
        {"provider_ref": "forged"},
        {"number": "+8613800000000"},
    ):
        assert fault_is_refusal(
            caller.refused("care.sms.message", "write", [message_id], vals)
        )
    assert fault_is_refusal(
        caller.refused(
            "care.sms.message",
            "create",
            {"number": "+8613800000000", "state": "delivered", "kind": "alarm_open"},
        )
    )
    [message] = messages_to(admin, number)
    assert message["state"] == "sent"
    assert message["provider_ref"].startswith("TEST-")


def test_retry_only_for_managers(role, admin):
    admin.call("ir.config_parameter", "set_param", "care_sms.test_fail", "permanent")
    try:
        number = new_number()
        message_id = admin.call(
            "care.sms.message", "send_suite_message", "order_confirmed", number, PARAMS
        )
        run_sms_queue(admin)
    finally:
        admin.call("ir.config_parameter", "set_param", "care_sms.test_fail", "")
    [before] = messages_to(admin, number)
    assert before["state"] == "failed"
    for login in ("reception", "emergency"):
        assert fault_is_refusal(
            role(login).refused("care.sms.message", "action_retry", [message_id])
        )
    assert messages_to(admin, number) == [before]


def test_opt_out_and_consent(role, admin):
    number = new_number()
    partner = admin.call(
        "res.partner", "create", {"name": "安全测试家属", "mobile": number}
    )
    assert fault_is_refusal(
        role("devices").refused("res.partner", "action_care_sms_opt_out", [partner])
    )
    [row] = admin.read("res.partner", [partner], ["care_sms_opted_out"])
    assert not row["care_sms_opted_out"]
    role("reception").call("res.partner", "action_care_sms_opt_out", [partner])
    text = role("reception").refused(
        "care.sms.message",
        "send_suite_message",
        "order_confirmed",
        number,
        PARAMS,
        partner,
    )
    assert "退订" in text or "STOP" in text
    # the record of consent is the system's: a forged date is ignored
    role("reception").call(
        "res.partner",
        "write",
        [partner],
        {
            "care_sms_marketing_consent": True,
            "care_sms_consent_date": "2001-01-01 00:00:00",
        },
    )
    [row] = admin.read(
        "res.partner", [partner], ["care_sms_consent_date", "care_sms_consent_user_id"]
    )
    assert row["care_sms_consent_date"] != "2001-01-01 00:00:00"
    assert row["care_sms_consent_user_id"][0] == role("reception").uid


# ----------------------------------------------------------------------
# receipts over HTTP
# ----------------------------------------------------------------------
def test_receipts_signed_and_replay_refused(admin, http):
    number = new_number()
    message_id = admin.call(
        "care.sms.message", "send_suite_message", "order_confirmed", number, PARAMS
    )
    ref = send_now(admin, message_id)["provider_ref"]
    body = json.dumps({"ref": ref, "status": "delivered", "time": "t1"}).encode()
    # unsigned, wrongly signed, stale, a guessed token: 403, nothing changes
    for headers, path in (
        ({"Content-Type": "application/json"}, "/care_sms/receipt/test"),
        (signed(body, secret="guess"), "/care_sms/receipt/test"),
        (signed(body, stamp=int(time.time()) - 3600), "/care_sms/receipt/test"),
        ({"Content-Type": "application/json"}, "/care_sms/receipt/test?token=guess"),
    ):
        answer = http("POST", path, body, headers)
        assert answer.status == 403, (headers, answer.body)
    assert messages_to(admin, number)[0]["state"] == "sent"
    # a forged body under a signature of another body
    forged = json.dumps({"ref": ref, "status": "failed", "time": "t1"}).encode()
    answer = http("POST", "/care_sms/receipt/test", forged, signed(body))
    assert answer.status == 403
    assert messages_to(admin, number)[0]["state"] == "sent"
    # the genuine receipt, then the same again
    answer = http("POST", "/care_sms/receipt/test", body, signed(body))
    assert answer.status == 200 and answer.json()["applied"] == 1
    answer = http("POST", "/care_sms/receipt/test", body, signed(body))
    assert answer.status == 200 and answer.json()["applied"] == 0
    late = json.dumps(
        {"ref": ref, "status": "failed", "reason": "x", "time": "t2"}
    ).encode()
    assert (
        http("POST", "/care_sms/receipt/test", late, signed(late)).json()["applied"]
        == 0
    )
    [message] = messages_to(admin, number)
    assert message["state"] == "delivered"
    assert (
        admin.call(
            "care.sms.receipt", "search_count", [("message_id", "=", message_id)]
        )
        == 2
    )


def test_inbound_stop_needs_signature(admin, http):
    number = new_number()
    body = json.dumps({"number": number, "text": "退订"}).encode()
    answer = http(
        "POST", "/care_sms/inbound/test", body, {"Content-Type": "application/json"}
    )
    assert answer.status == 403
    assert not admin.call(
        "phone.blacklist", "search", [("number", "=", f"+86{number}")]
    )
    answer = http("POST", "/care_sms/inbound/test", body, signed(body))
    assert answer.status == 200
    assert admin.call("phone.blacklist", "search", [("number", "=", f"+86{number}")])
