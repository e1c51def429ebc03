"""Residence fees on contracts (care_residence_plans, issue 20) attacked
over XML-RPC as each demo login.

The wrong role moves a stay onto a contract, opens it, reads or writes the
contract and its amounts, invoices it, or calls the private code paths; the
right role (finance) re-links a contract to another stay; "make contract"
and the contract's invoicing are replayed. Every attack is refused and
followed by a re-read as admin showing that nothing changed. The records are
made by admin here (a building, residents and stays of this module; the
company's setting is left as it is: the contracts are made by finance's
button).
"""

import pytest

# the residence's own attack helpers: a refusal (or a private or missing
# method), a date from today, an elder with a confirmed assessment
from .test_residence import NOT_FINANCE, TODAY, assessed_elder, day, refused


@pytest.fixture(scope="module")
def home(admin):
    """Three single rooms; three residents admitted 40 days ago; the first
    one's stay billed through a contract (finance's button, as admin)."""
    building = admin.call(
        "care.residence.building",
        "create",
        {"name": "合同安全测试颐养院", "meal_price": 900, "deposit_amount": 0},
    )
    floor = admin.call(
        "care.residence.floor", "create", {"name": "1", "building_id": building}
    )
    stays = []
    for index, (name, gender) in enumerate(
        (("合同测试甲", "female"), ("合同测试乙", "male"), ("合同测试丙", "female"))
    ):
        room = admin.call(
            "care.residence.room",
            "create",
            {
                "name": f"H{index}",
                "floor_id": floor,
                "room_type": "single",
                "monthly_price": 2100,
            },
        )
        bed = admin.call("care.residence.bed", "create", {"name": "A", "room_id": room})
        elder = assessed_elder(admin, name, gender)
        stay = admin.call(
            "care.residence.stay",
            "create",
            {"elder_id": elder, "bed_id": bed, "date_start": day(-40)},
        )
        admin.call("care.residence.stay", "action_admit", [stay], day(-40))
        stays.append(stay)
    admin.call("care.residence.stay", "action_care_make_contract", [stays[0]])
    [contract] = admin.call(
        "contract.contract", "search", [("care_stay_id", "=", stays[0])]
    )
    return {"stays": stays, "contract": contract}


def snapshot(admin, home):
    contract = home["contract"]
    return {
        "stays": admin.read(
            "care.residence.stay", home["stays"], ["care_contract_id", "payer_id"]
        ),
        "contract": admin.read(
            "contract.contract",
            [contract],
            ["partner_id", "care_stay_id", "date_start", "recurring_next_date"],
        ),
        "lines": admin.search_read(
            "contract.line",
            [("contract_id", "=", contract)],
            [
                "care_fee_kind",
                "care_stay_line_id",
                "price_unit",
                "date_start",
                "date_end",
                "last_date_invoiced",
                "is_canceled",
            ],
        ),
        "contracts": admin.call("contract.contract", "search_count", []),
        "moves": admin.call("account.move", "search_count", []),
        "fees": admin.call("care.residence.fee", "search_count", []),
    }


def test_wrong_role_cannot_make_or_open_contracts(admin, role, home):
    before = snapshot(admin, home)
    with_contract, without = home["stays"][0], home["stays"][1]
    for login in NOT_FINANCE:
        caller = role(login)
        for stay in (with_contract, without):
            text = refused(
                caller, "care.residence.stay", "action_care_make_contract", [stay]
            )
            assert "Traceback" not in text
            refused(caller, "care.residence.stay", "action_care_open_contract", [stay])
        # the code paths are private
        refused(caller, "care.residence.stay", "_care_make_contract", [without])
        refused(
            caller,
            "contract.contract",
            "_care_residence_invoice",
            [home["contract"]],
        )
        # even with a context a client may send
        refused(
            caller,
            "care.residence.stay",
            "action_care_make_contract",
            [without],
            context={"su": True, "bypass_modification_send": True},
        )
    after = snapshot(admin, home)
    assert after == before
    assert after["stays"][1]["care_contract_id"] is False


def test_wrong_role_cannot_read_or_write_contract(admin, role, home):
    before = snapshot(admin, home)
    contract = home["contract"]
    lines = [line["id"] for line in before["lines"]]
    for login in ("reception", "dispatcher"):
        caller = role(login)
        # the amounts: neither the contract, its lines nor the stay's link
        refused(
            caller, "contract.contract", "read", [contract], ["recurring_next_date"]
        )
        refused(caller, "contract.line", "read", lines, ["price_unit"])
        refused(
            caller,
            "contract.line",
            "search_read",
            [("contract_id", "=", contract)],
            ["price_unit"],
        )
        refused(
            caller,
            "care.residence.stay",
            "read",
            home["stays"][:1],
            ["care_contract_id"],
        )
        # writing, creating, invoicing
        refused(
            caller, "contract.contract", "write", [contract], {"date_start": day(-300)}
        )
        refused(caller, "contract.line", "write", lines, {"price_unit": 0.01})
        refused(
            caller,
            "contract.contract",
            "create",
            {
                "name": "伪造合同",
                "partner_id": 1,
                "care_stay_id": home["stays"][1],
            },
        )
        refused(caller, "contract.contract", "recurring_create_invoice", [contract])
        refused(
            caller,
            "care.residence.stay",
            "write",
            home["stays"][1:2],
            {"care_contract_id": contract},
        )
    assert snapshot(admin, home) == before


def test_finance_cannot_relink(admin, role, home):
    """Finance owns contracts, but the link of a contract and a stay (and a
    line's fee) is the stay's code's."""
    before = snapshot(admin, home)
    finance = role("finance")
    contract = home["contract"]
    lines = [line["id"] for line in before["lines"]]
    refused(
        finance,
        "contract.contract",
        "write",
        [contract],
        {"care_stay_id": home["stays"][1]},
    )
    refused(
        finance,
        "contract.contract",
        "create",
        {"name": "伪造合同", "partner_id": 1, "care_stay_id": home["stays"][1]},
    )
    refused(finance, "contract.line", "write", lines[:1], {"care_fee_kind": "meals"})
    refused(
        finance,
        "care.residence.stay",
        "write",
        home["stays"][1:2],
        {"care_contract_id": contract},
    )
    assert snapshot(admin, home) == before


def test_replayed_make_contract_makes_one(admin, role, home):
    finance = role("finance")
    stay = home["stays"][2]
    counted = admin.call("contract.contract", "search_count", [])
    first = finance.call("care.residence.stay", "action_care_make_contract", [stay])
    again = finance.call("care.residence.stay", "action_care_make_contract", [stay])
    assert first["res_id"] == again["res_id"]
    assert admin.call("contract.contract", "search_count", []) == counted + 1
    assert admin.call("contract.contract", "search", [("care_stay_id", "=", stay)]) == [
        first["res_id"]
    ]
    [read] = admin.read("care.residence.stay", [stay], ["care_contract_id"])
    assert read["care_contract_id"][0] == first["res_id"]


def test_replayed_invoicing_bills_each_month_once(admin, role, home):
    """Finance's "Create invoices" on the contract, pressed until there is
    nothing due and then again: one fee (one invoice) per month, none for a
    month not over yet; the residence's monthly run adds nothing."""
    finance = role("finance")
    contract, stay = home["contract"], home["stays"][0]
    for _press in range(4):
        finance.call("contract.contract", "recurring_create_invoice", [contract])
    admin.call("care.residence.stay", "action_invoice_month", [stay], day(-40))
    admin.call("care.residence.stay", "action_invoice_month", [stay], day(-10))
    fees = admin.search_read(
        "care.residence.fee", [("stay_id", "=", stay)], ["month", "move_id"]
    )
    months = [fee["month"] for fee in fees]
    assert fees, "the months since the admission are invoiced"
    assert len(months) == len(set(months))
    assert max(months) < TODAY.replace(day=1).isoformat()
    moves = admin.read("account.move", [fee["move_id"][0] for fee in fees], ["state"])
    assert {move["state"] for move in moves} == {"posted"}
    before = snapshot(admin, home)
    finance.call("contract.contract", "recurring_create_invoice", [contract])
    assert snapshot(admin, home) == before
