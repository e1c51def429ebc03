"""Service vouchers (care_vouchers) attacked over XML-RPC as each demo login.

Issue 14, items 1 (every public method that moves money checks the caller;
reversals are not public), 2 (the money fields of an order are written by
their code paths only; claims come from the ledger), 4 (a change of an
elder's categories waits for finance), 17 (the demo finance login, without
an e-mail address, does its end-to-end path) and the replays (dispute twice,
claim twice). Every attack is refused and followed by a re-read as admin
showing that nothing changed.
"""

import base64
import datetime

import pytest

from .conftest import RpcRefused, fault_is_refusal

NON_FINANCE = ("reception", "dispatcher", "emergency", "devices", "doctor")
PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
).decode()
# what care_vouchers adds to a service order that decides money
ORDER_MONEY = {
    "care_price": 0.01,
    "care_voucher_entitlement_id": False,
    "care_voucher_state": "booked",
    "care_voucher_amount": 999.0,
    "care_copay_amount": 0.0,
    "care_card_amount": 50.0,
    "care_card_discount": 5.0,
    "care_settlement_state": "verified",
    "care_voucher_period": "2020-01-01",
    "care_claim_move_id": False,
    "care_bill_move_id": False,
    "care_copay_move_id": False,
    "care_copay_cash": True,
}


def ref(admin, xmlid):
    module, name = xmlid.split(".")
    return admin.call("ir.model.data", "check_object_reference", module, name)[1]


def refused(caller, model, method, *args, **kwargs):
    """The call is refused by Odoo (an Odoo exception, not a crash). A method
    that no longer exists (``action_reverse``) is answered by Odoo's RPC
    layer with its AttributeError: that is a refusal too."""
    text = caller.refused(model, method, *args, **kwargs)
    gone = f"The method '{model}.{method}' does not exist" in text
    assert fault_is_refusal(text) or gone, (
        f"{caller.login}: {model}.{method} crashed instead of refusing:\n{text}"
    )
    return text


def ledger_state(admin):
    """Everything a money attack could change, as admin sees it."""
    lines = admin.search_read("care.voucher.line", [], ["id"])
    entitlements = admin.search_read(
        "care.voucher.entitlement",
        [],
        ["state", "basis_category_ids", "basis_gbt_level", "ledger_version"],
    )
    ids = [e["id"] for e in entitlements]
    cards = admin.search_read("care.voucher.card", [], ["state", "balance"])
    orders = admin.search_read(
        "fsm.order", [("care_elder_id", "!=", False)], list(ORDER_MONEY)
    )
    programmes = admin.search_read("care.voucher.programme", [], ["closed_until"])
    return {
        "lines": len(lines),
        "balances": admin.call("care.voucher.entitlement", "balance_at", ids),
        "entitlements": entitlements,
        "cards": cards,
        "orders": orders,
        "programmes": programmes,
        "moves": admin.call("account.move", "search_count", []),
    }


@pytest.fixture(scope="module")
def setup(admin):
    """A programme of its own (so that claiming its month touches no demo
    service), elders of a demo community, 80+, entitled in it (finance
    approved) with a balance from an adjustment, a demo provider and the ids
    the tests need. Made by admin, not demo data."""
    elder15 = admin.read(
        "care.elder", [ref(admin, "elder_crm.elder_15_demo")], ["grid_id"]
    )[0]
    age_80 = ref(admin, "elder_crm.subsidy_category_age_80")
    age_90 = ref(admin, "elder_crm.subsidy_category_age_90")
    [order12] = admin.read(
        "fsm.order",
        [ref(admin, "care_dispatch.order_week_9_demo")],
        ["care_provider_id", "care_category_id"],
    )
    programme = admin.call(
        "care.voucher.programme",
        "create",
        {
            "name": "安全测试服务券",
            "code": "SEC-TEST",
            "sequence": 0,
            "funding_partner_id": admin.call(
                "res.partner", "create", {"name": "安全测试民政局", "is_company": True}
            ),
            "date_start": "2020-01-01",
            "amount_ids": [
                (0, 0, {"subsidy_category_id": age_80, "amount": 100}),
                (0, 0, {"subsidy_category_id": age_90, "amount": 200}),
            ],
            "covered_share": 100,
            "service_category_ids": [(6, 0, [order12["care_category_id"][0]])],
        },
    )

    def new_elder(name):
        elder = admin.call(
            "care.elder",
            "create",
            {
                "name": name,
                "street": "红庙北里88号",
                "grid_id": elder15["grid_id"][0],
                "subsidy_category_ids": [(6, 0, [age_80])],
            },
        )
        entitlement = admin.call(
            "care.voucher.entitlement",
            "create",
            {
                "elder_id": elder,
                "programme_id": programme,
                "date_start": "2020-01-01",
                "approval_ref": "安全测试〔2026〕1号",
            },
        )
        admin.call("care.voucher.entitlement", "action_approve", [entitlement])
        adjust = admin.call(
            "care.voucher.adjust",
            "create",
            {"entitlement_id": entitlement, "amount": 500, "reason": "测试余额"},
        )
        admin.call("care.voucher.adjust", "action_post", [adjust])
        return elder, entitlement

    def done_order(elder):
        """A covered service carried out now and completed (as admin)."""
        now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
        order = admin.call(
            "fsm.order",
            "create",
            {
                "care_elder_id": elder,
                "care_category_id": order12["care_category_id"][0],
                "request_early": (now + datetime.timedelta(minutes=5)).strftime(
                    "%Y-%m-%d %H:%M:%S"
                ),
                "request_late": (now + datetime.timedelta(hours=3)).strftime(
                    "%Y-%m-%d %H:%M:%S"
                ),
            },
        )
        admin.call(
            "fsm.order", "action_care_dispatch", [order], order12["care_provider_id"][0]
        )
        admin.call("fsm.order", "action_care_checkin", [order])
        admin.call("fsm.order", "action_care_checkout", [order])
        admin.call(
            "ir.attachment",
            "create",
            {"name": "p.png", "datas": PNG, "res_model": "fsm.order", "res_id": order},
        )
        admin.call("fsm.order", "action_complete", [order])
        [row] = admin.read("fsm.order", [order], ["care_voucher_state"])
        assert row["care_voucher_state"] == "redeemed"
        return order

    elder, entitlement = new_elder("安全测试 赵大爷")
    card = admin.call(
        "care.voucher.card",
        "create",
        {
            "issuer_id": admin.call(
                "res.partner", "create", {"name": "安全测试退休办"}
            ),
            "elder_id": elder,
            "value": 100,
            "date_expiry": "2099-12-31",
        },
    )
    return {
        "new_elder": new_elder,
        "done_order": done_order,
        "elder": elder,
        "entitlement": entitlement,
        "programme": programme,
        "card": card,
        "order": done_order(elder),
        "application": ref(admin, "care_vouchers.entitlement_disability_03_demo"),
        "age_80": age_80,
        "age_90": age_90,
    }


def month():
    return datetime.date.today().replace(day=1).isoformat()


@pytest.mark.parametrize("login", NON_FINANCE)
def test_non_finance_roles_are_refused_every_money_method(admin, role, setup, login):
    caller = role(login)
    before = ledger_state(admin)
    entitlement, application = setup["entitlement"], setup["application"]
    order, card, programme = setup["order"], setup["card"], setup["programme"]
    line = admin.search_read(
        "care.voucher.line",
        [("entitlement_id", "=", entitlement), ("kind", "=", "adjust")],
        ["id"],
    )[0]["id"]
    issue = admin.search_read("care.voucher.line", [("kind", "=", "issue")], ["id"])[0][
        "id"
    ]
    calls = [
        # the ledger: nothing public posts on it
        ("care.voucher.line", "action_reverse", [issue]),
        ("care.voucher.line", "_reverse", [issue]),
        ("care.voucher.line", "_post", [], "issue", 1000.0, month()),
        (
            "care.voucher.line",
            "create",
            {
                "entitlement_id": entitlement,
                "elder_id": setup["elder"],
                "programme_id": programme,
                "company_id": 1,
                "kind": "adjust",
                "amount": 1000,
                "period": month(),
            },
        ),
        ("care.voucher.line", "write", [line], {"amount": 1000}),
        ("care.voucher.line", "unlink", [line]),
        # entitlements: finance's workflow
        ("care.voucher.entitlement", "action_approve", [application]),
        ("care.voucher.entitlement", "action_suspend", [entitlement]),
        ("care.voucher.entitlement", "action_resume", [entitlement]),
        ("care.voucher.entitlement", "action_end", [entitlement]),
        ("care.voucher.entitlement", "action_confirm_basis", [entitlement]),
        ("care.voucher.entitlement", "_end", [entitlement]),
        ("care.voucher.entitlement", "write", [entitlement], {"state": "applied"}),
        (
            "care.voucher.entitlement",
            "write",
            [entitlement],
            {"basis_category_ids": [(4, setup["age_90"])]},
        ),
        (
            "care.voucher.entitlement",
            "create",
            {"elder_id": setup["elder"], "programme_id": programme},
        ),
        # programmes: issuing and closing are the crons'
        ("care.voucher.programme", "_issue_month", [programme], month()),
        ("care.voucher.programme", "_close_month", [programme], month()),
        ("care.voucher.programme", "_cron_issue"),
        ("care.voucher.programme", "write", [programme], {"closed_until": False}),
        # cards
        ("care.voucher.card", "action_activate", [card]),
        ("care.voucher.card", "action_cancel", [card]),
        ("care.voucher.card", "write", [card], {"state": "active"}),
        # the order's voucher actions
        ("fsm.order", "action_care_voucher_redeem", [order]),
        ("fsm.order", "action_care_voucher_dispute", [order]),
        ("fsm.order", "action_care_settlement_verify", [order]),
        ("fsm.order", "action_care_change_price", [order], 0.01, "x"),
        ("fsm.order", "action_care_copay_paid_cash", [order]),
        ("fsm.order", "_care_voucher_reverse", [order], "x"),
        # settlement, adjustments, price changes
        ("care.voucher.settle", "settle_month", month(), "claim"),
        ("care.voucher.settle", "create", {"period": month()}),
        (
            "care.voucher.adjust",
            "create",
            {"entitlement_id": entitlement, "amount": 1000, "reason": "x"},
        ),
        (
            "care.voucher.price.change",
            "create",
            {"order_id": order, "price": 0.01, "reason": "x"},
        ),
    ]
    if login != "dispatcher":
        # the dispatcher reads balances (to book services); nobody else does
        calls += [
            ("care.voucher.entitlement", "balance_at", [entitlement]),
            ("care.voucher.card", "balance_at", [card]),
        ]
    for model, method, *args in calls:
        refused(caller, model, method, *args)
    assert ledger_state(admin) == before


def test_dispatcher_cannot_write_the_money_of_an_order(admin, role, setup):
    dispatcher = role("dispatcher")
    order = setup["order"]
    before = admin.read("fsm.order", [order], list(ORDER_MONEY))
    lines = admin.call("care.voucher.line", "search_count", [("order_id", "=", order)])
    for name, value in ORDER_MONEY.items():
        text = refused(dispatcher, "fsm.order", "write", [order], {name: value})
        assert "set by the system" in text, text
    # nor at creation
    refused(
        dispatcher,
        "fsm.order",
        "create",
        {
            "care_elder_id": setup["elder"],
            "care_category_id": admin.read("fsm.order", [order], ["care_category_id"])[
                0
            ]["care_category_id"][0],
            "care_voucher_amount": 999.0,
            "care_settlement_state": "verified",
        },
    )
    # an invoicing user cannot re-point a claim's line to another service
    claim_line = admin.search_read(
        "account.move.line",
        [("care_order_id", "!=", False)],
        ["care_order_id"],
        limit=1,
    )
    if claim_line:
        refused(
            role("finance"),
            "account.move.line",
            "write",
            [claim_line[0]["id"]],
            {"care_order_id": order},
        )
        assert (
            admin.read("account.move.line", [claim_line[0]["id"]], ["care_order_id"])
            == claim_line
        )
    assert admin.read("fsm.order", [order], list(ORDER_MONEY)) == before
    assert (
        admin.call("care.voucher.line", "search_count", [("order_id", "=", order)])
        == lines
    )


def test_replays_post_nothing_twice(admin, role, setup):
    finance = role("finance")
    elder, entitlement = setup["new_elder"]("安全测试 钱奶奶")
    [start] = admin.call("care.voucher.entitlement", "balance_at", [entitlement])
    disputed = setup["done_order"](elder)
    claimed = setup["done_order"](elder)
    [paid] = admin.read("fsm.order", [disputed], ["care_voucher_amount"])
    assert paid["care_voucher_amount"] > 0

    # disputing twice gives the voucher back once
    finance.call("fsm.order", "action_care_voucher_dispute", [disputed])
    finance.call("fsm.order", "action_care_voucher_dispute", [disputed])
    reversals = admin.search_read(
        "care.voucher.line", [("order_id", "=", disputed), ("kind", "=", "reverse")]
    )
    assert len(reversals) == 1
    # the reversal itself is not reversed, by anyone
    for caller in (finance, admin):
        refused(caller, "care.voucher.line", "_reverse", [reversals[0]["id"]])

    # claiming twice claims once
    finance.call(
        "fsm.order", "action_care_settlement_verify", [claimed]
    )  # verified first
    moves = finance.call(
        "care.voucher.settle", "settle_month", month(), "claim", [setup["programme"]]
    )
    assert len(moves) == 1
    assert (
        finance.call(
            "care.voucher.settle",
            "settle_month",
            month(),
            "claim",
            [setup["programme"]],
        )
        == []
    )
    [row] = admin.read(
        "fsm.order",
        [claimed],
        ["care_settlement_state", "care_claim_move_id", "care_voucher_amount"],
    )
    assert row["care_settlement_state"] == "claimed"
    assert row["care_claim_move_id"][0] == moves[0]
    lines = admin.search_read(
        "account.move.line", [("care_order_id", "=", claimed)], ["move_id"]
    )
    assert [line["move_id"][0] for line in lines] == moves
    # a claimed service is not given back, not even by finance or by cancelling
    text = refused(finance, "fsm.order", "action_care_voucher_dispute", [claimed])
    assert "credit note" in text
    [after] = admin.call("care.voucher.entitlement", "balance_at", [entitlement])
    assert after["balance"] == start["balance"] - row["care_voucher_amount"]


def test_reception_changes_a_category_finance_confirms(admin, role, setup):
    reception, finance = role("reception"), role("finance")
    elder, entitlement = setup["new_elder"]("安全测试 孙爷爷")
    fields = ["monthly_amount", "pending_amount", "basis_to_review"]
    assert admin.read("care.voucher.entitlement", [entitlement], fields)[0] == {
        "id": entitlement,
        "monthly_amount": 100.0,
        "pending_amount": 100.0,
        "basis_to_review": False,
    }
    reception.call(
        "care.elder", "write", [elder], {"subsidy_category_ids": [(4, setup["age_90"])]}
    )
    row = admin.read("care.voucher.entitlement", [entitlement], fields)[0]
    assert (row["monthly_amount"], row["pending_amount"]) == (100.0, 200.0)
    assert row["basis_to_review"] is True
    for caller in (reception, role("dispatcher")):
        refused(
            caller, "care.voucher.entitlement", "action_confirm_basis", [entitlement]
        )
    assert admin.read("care.voucher.entitlement", [entitlement], fields)[0] == row
    finance.call("care.voucher.entitlement", "action_confirm_basis", [entitlement])
    row = admin.read("care.voucher.entitlement", [entitlement], fields)[0]
    assert (row["monthly_amount"], row["basis_to_review"]) == (200.0, False)
    trace = admin.search_read(
        "mail.message",
        [("model", "=", "care.voucher.entitlement"), ("res_id", "=", entitlement)],
        ["body"],
    )
    assert any("100.0 → 200.0" in message["body"] for message in trace)


@pytest.fixture
def finance_without_email(admin, role):
    finance = role("finance")
    [user] = admin.read("res.users", [finance.uid], ["email"])
    admin.call("res.users", "write", [finance.uid], {"email": False})
    yield finance
    admin.call("res.users", "write", [finance.uid], {"email": user["email"]})


def test_demo_finance_without_email_end_to_end(admin, setup, finance_without_email):
    """Verify, claim, bill, adjust, dispute, change a price and confirm a
    basis as the demo finance login with no e-mail address."""
    finance = finance_without_email
    elder, entitlement = setup["new_elder"]("安全测试 周奶奶")
    disputed = setup["done_order"](elder)
    good = setup["done_order"](elder)
    result = finance.call("fsm.order", "action_care_settlement_verify", [good])
    assert result == {"verified": [good], "deducted": []}
    # disputed before it is claimed: the voucher goes back (a chatter note)
    finance.call("fsm.order", "action_care_voucher_dispute", [disputed])
    [row] = admin.read("fsm.order", [disputed], ["care_voucher_state"])
    assert row["care_voucher_state"] == "reversed"
    claims = finance.call(
        "care.voucher.settle", "settle_month", month(), "claim", [setup["programme"]]
    )
    bills = finance.call(
        "care.voucher.settle", "settle_month", month(), "bill", [setup["programme"]]
    )
    assert claims and bills
    [row] = admin.read("fsm.order", [good], ["care_settlement_state"])
    assert row["care_settlement_state"] == "settled"
    adjust = finance.call(
        "care.voucher.adjust",
        "create",
        {"entitlement_id": entitlement, "amount": -10, "reason": "区民政局更正"},
    )
    finance.call("care.voucher.adjust", "action_post", [adjust])
    # a booked service's price, with a reason
    other = admin.call(
        "fsm.order",
        "create",
        {
            "care_elder_id": elder,
            "care_category_id": admin.read("fsm.order", [good], ["care_category_id"])[
                0
            ]["care_category_id"][0],
        },
    )
    finance.call("fsm.order", "action_care_change_price", [other], 12.5, "合同价更正")
    assert admin.read("fsm.order", [other], ["care_price"])[0]["care_price"] == 12.5
    admin.call(
        "care.elder", "write", [elder], {"subsidy_category_ids": [(4, setup["age_90"])]}
    )
    finance.call("care.voucher.entitlement", "action_confirm_basis", [entitlement])
    try:
        finance.call("care.voucher.entitlement", "action_suspend", [entitlement])
        finance.call("care.voucher.entitlement", "action_resume", [entitlement])
    except RpcRefused as error:  # pragma: no cover - the failure's text
        pytest.fail(str(error))


# ----------------------------------------------------------------------
# Only finance bills: Invoicing gave every internal user existing at its
# install the Invoicing administrator group; the suite takes it back
# ----------------------------------------------------------------------
@pytest.mark.parametrize("login", ("reception", "dispatcher", "emergency"))
def test_staff_outside_finance_cannot_touch_the_books(admin, role, login):
    caller = role(login)
    before = admin.call("account.move", "search_count", [])
    text = caller.refused(
        "account.move",
        "create",
        {"move_type": "entry", "ref": f"not theirs ({login})"},
    )
    assert fault_is_refusal(text), text
    assert admin.call("account.move", "search_count", []) == before
    assert not caller.call(
        "res.users", "has_group", [caller.uid], "account.group_account_manager"
    )
    # nor read the elders' invoices (reception is a CRM salesperson, and
    # Sales lets salespeople read invoices without a salesperson)
    try:
        seen = caller.call("account.move", "search_count", [])
    except RpcRefused as exc:
        assert fault_is_refusal(str(exc)), exc
    else:
        assert seen == 0, f"{login} reads {seen} invoices"


def test_finance_still_bills(role):
    finance = role("finance")
    assert finance.call("account.move", "search_count", []) >= 0
    assert finance.call(
        "res.users", "has_group", [finance.uid], "account.group_account_invoice"
    )
