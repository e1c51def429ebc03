"""Service plans (care_plans) attacked over XML-RPC as each demo login.

Issue 19: reception signs plans (nobody else), the signed plan, its quotas
and the services counted against it are written by their code paths only,
a promotion the elder is not eligible for is refused with its reason, and
the staff booking a service read what the plan has left. Every attack is
followed by a re-read as admin showing that nothing changed.
"""

import datetime
import itertools

import pytest

from .conftest import fault_is_refusal

NOT_RECEPTION = ("dispatcher", "emergency", "finance", "devices", "doctor")
_serial = itertools.count(1)


def ref(admin, xmlid):
    module, name = xmlid.split(".")
    return admin.call("ir.model.data", "check_object_reference", module, name)[1]


def refused(caller, model, method, *args, **kwargs):
    text = caller.refused(model, method, *args, **kwargs)
    assert fault_is_refusal(text), (
        f"{caller.login}: {model}.{method} crashed instead of refusing:\n{text}"
    )
    return text


@pytest.fixture
def elder(admin):
    """A new elder of the demo centre with a daughter, no plan."""
    n = next(_serial)
    elder_id = admin.call(
        "care.elder",
        "create",
        {
            "name": f"套餐测试老人{n}",
            "contact_ids": [
                (
                    0,
                    0,
                    {
                        "name": f"套餐测试女儿{n}",
                        "mobile": f"+86 139 1000 {n:04d}",
                        "relationship": "daughter",
                    },
                )
            ],
        },
    )
    return admin.read("care.elder", [elder_id], ["partner_id", "contact_ids"])[0]


@pytest.fixture
def plan(admin):
    return ref(admin, "care_plans.plan_basic_demo")


def subscriptions(admin, elder):
    return admin.search_read(
        "care.plan.subscription",
        [("elder_id", "=", elder["id"])],
        ["state", "plan_id", "payer_id", "date_start", "promotion_ids"],
    )


def test_reception_signs_and_staff_read_the_quota(admin, role, elder, plan):
    daughter = admin.read("care.elder.contact", elder["contact_ids"], ["partner_id"])[
        0
    ]["partner_id"][0]
    sid = role("reception").call(
        "care.elder", "action_care_sign_plan", [elder["id"]], plan, payer_id=daughter
    )
    [signed] = subscriptions(admin, elder)
    assert signed["id"] == sid and signed["state"] == "active"
    assert signed["payer_id"][0] == daughter
    contract = admin.read("care.plan.subscription", [sid], ["contract_id"])[0][
        "contract_id"
    ]
    lines = admin.search_read(
        "contract.line",
        [("contract_id", "=", contract[0])],
        ["price_unit", "recurring_rule_type", "recurring_invoicing_type"],
    )
    assert [
        (line["price_unit"], line["recurring_invoicing_type"]) for line in lines
    ] == [(199.0, "pre-paid")]
    assert (
        admin.read("contract.contract", [contract[0]], ["partner_id"])[0]["partner_id"][
            0
        ]
        == daughter
    )
    for login in ("dispatcher", "reception", "finance"):
        quota = role(login).call("care.elder", "care_plan_quota", [elder["id"]])
        [row] = quota[str(elder["id"])]
        assert (row["quota"], row["used"], row["left"]) == (4, 0, 4), login


@pytest.mark.parametrize("login", NOT_RECEPTION)
def test_only_reception_signs(admin, role, elder, plan, login):
    refused(role(login), "care.elder", "action_care_sign_plan", [elder["id"]], plan)
    assert subscriptions(admin, elder) == []


def test_private_signing_is_not_callable(admin, role, elder, plan):
    for login in ("reception", "finance"):
        refused(
            role(login),
            "care.plan.subscription",
            "_care_sign",
            [],
            elder["id"],
            plan,
        )
    assert subscriptions(admin, elder) == []


def test_ineligible_promotion_refused_with_reason(admin, role, elder, plan):
    household = ref(admin, "care_plans.promotion_model_household_demo")
    text = refused(
        role("reception"),
        "care.elder",
        "action_care_sign_plan",
        [elder["id"]],
        plan,
        promotion_ids=[household],
    )
    assert "model household" in text
    double_ninth = ref(admin, "care_plans.promotion_double_ninth_demo")
    text = refused(
        role("reception"),
        "care.elder",
        "action_care_sign_plan",
        [elder["id"]],
        plan,
        promotion_ids=[double_ninth],
        code="GUESS",
    )
    assert "needs its code" in text
    assert subscriptions(admin, elder) == []
    role("reception").call(
        "care.elder",
        "action_care_sign_plan",
        [elder["id"]],
        plan,
        promotion_ids=[double_ninth],
        code="CY2026",
    )
    [signed] = subscriptions(admin, elder)
    assert signed["promotion_ids"] == [double_ninth]


def test_reception_cannot_backdate(admin, role, elder, plan):
    role("reception").call(
        "care.elder",
        "action_care_sign_plan",
        [elder["id"]],
        plan,
        date_start="2020-01-01",
    )
    [signed] = subscriptions(admin, elder)
    assert signed["date_start"] >= datetime.date.today().isoformat()


def test_no_direct_writes(admin, role, elder, plan):
    sid = role("reception").call(
        "care.elder", "action_care_sign_plan", [elder["id"]], plan
    )
    before = subscriptions(admin, elder)
    for login in ("reception", "finance", "dispatcher"):
        caller = role(login)
        refused(caller, "care.plan.subscription", "write", [sid], {"state": "ended"})
        refused(
            caller,
            "care.plan.subscription",
            "create",
            {
                "name": "伪造",
                "elder_id": elder["id"],
                "plan_id": plan,
                "payer_id": elder["partner_id"][0],
                "company_id": 1,
                "date_start": "2020-01-01",
            },
        )
        refused(
            caller,
            "care.plan.quota",
            "create",
            {
                "subscription_id": sid,
                "elder_id": elder["id"],
                "category_id": ref(admin, "care_dispatch.cat_housekeeping"),
                "period": "2020-01-01",
                "allowance": 999,
            },
        )
    assert subscriptions(admin, elder) == before
    assert admin.search_read("care.plan.quota", [("subscription_id", "=", sid)]) == []


def test_only_finance_ends_and_only_the_manager_picks_the_model_household(
    admin, role, elder, plan
):
    sid = role("reception").call(
        "care.elder", "action_care_sign_plan", [elder["id"]], plan
    )
    for login in ("reception", "dispatcher"):
        refused(role(login), "care.plan.subscription", "action_care_end", [sid], "走了")
    assert subscriptions(admin, elder)[0]["state"] == "active"
    role("finance").call("care.plan.subscription", "action_care_end", [sid], "搬家")
    assert subscriptions(admin, elder)[0]["state"] == "ended"
    community = ref(admin, "elder_crm.community_hongmiao_demo")
    chosen = admin.read("care.community", [community], ["care_model_household_id"])
    for login in ("reception", "finance"):
        refused(
            role(login),
            "care.community",
            "write",
            [community],
            {"care_model_household_id": elder["id"]},
        )
    assert (
        admin.read("care.community", [community], ["care_model_household_id"]) == chosen
    )


@pytest.mark.parametrize("login", ("reception", "dispatcher", "emergency"))
def test_only_finance_draws_and_prices_referrals(admin, role, login):
    n = next(_serial)
    draw = admin.call(
        "care.plan.draw",
        "create",
        {
            "name": f"安全测试抽奖{n}",
            "date_from": "2020-01-01",
            "date_to": "2020-01-31",
            "seed": "seed",
        },
    )
    refused(role(login), "care.plan.draw", "action_care_draw", [draw])
    assert admin.read("care.plan.draw", [draw], ["state"])[0]["state"] == "draft"
    campaign = admin.call("utm.campaign", "create", {"name": f"安全测试活动{n}"})
    refused(
        role(login),
        "utm.campaign",
        "write",
        [campaign],
        {"care_referral_reward": "credit", "care_referral_credit": 9999},
    )
    assert (
        admin.read("utm.campaign", [campaign], ["care_referral_reward"])[0][
            "care_referral_reward"
        ]
        == "none"
    )
