"""Residential beds (care_residence, issue 20) attacked over XML-RPC as each
demo login.

The wrong role admits, discharges, transfers or invoices; a client writes a
bed's state, a stay's state or its fee amounts and deposit; a private code
path is called directly; an admission and a month's invoicing are replayed;
two reservations of one bed are attempted. Every attack is refused and
followed by a re-read as admin showing that nothing changed. Every record
changed here is made by admin in this module (not the demo data).
"""

import datetime

import pytest

from .conftest import fault_is_refusal

NOT_MANAGERS = ("reception", "dispatcher", "emergency", "finance", "devices", "doctor")
NOT_RECEPTION = ("dispatcher", "emergency", "finance", "devices", "doctor")
NOT_FINANCE = ("reception", "dispatcher", "emergency", "devices", "doctor")
TODAY = datetime.date.today()


def day(offset):
    return (TODAY + datetime.timedelta(days=offset)).isoformat()


def refused(caller, model, method, *args, **kwargs):
    text = caller.refused(model, method, *args, **kwargs)
    gone = f"The method '{model}.{method}' does not exist" in text
    private = "Private methods (such as" in text
    assert fault_is_refusal(text) or gone or private, (
        f"{caller.login}: {model}.{method} crashed instead of refusing:\n{text}"
    )
    return text


STAY_FIELDS = [
    "state",
    "bed_id",
    "date_start",
    "date_end",
    "date_admitted",
    "date_discharged",
    "care_price",
    "bed_price",
    "meal_price",
    "deposit_amount",
    "deposit_move_id",
    "refund_move_id",
    "fee_ids",
    "line_ids",
]
BED_FIELDS = [
    "state",
    "stay_id",
    "elder_id",
    "elder_name",
    "gbt_level",
    "out_of_service",
]


def assessed_elder(admin, name, gender):
    """An elder of our own with a confirmed GB/T 42195 assessment."""
    elder = admin.call("care.elder", "create", {"name": name, "gender": gender})
    items = {
        fname: spec["selection"][0][0]
        for fname, spec in admin.call(
            "care.assessment", "fields_get", [], attributes=["selection", "type"]
        ).items()
        if fname.startswith("gbt_b") and spec["type"] == "selection"
    }
    assessment = admin.call(
        "care.assessment",
        "create",
        {"elder_id": elder, "assessment_type": "gbt42195", **items},
    )
    admin.call("care.assessment", "action_confirm", [assessment])
    return elder


@pytest.fixture(scope="module")
def home(admin):
    """A building of its own with a single room (two beds would be a shared
    room) and three single rooms; a reservation, an admitted resident, a
    free bed."""
    building = admin.call(
        "care.residence.building",
        "create",
        {"name": "安全测试颐养院", "meal_price": 1000, "deposit_amount": 3000},
    )
    floor = admin.call(
        "care.residence.floor", "create", {"name": "1", "building_id": building}
    )
    beds = []
    for name in ("S1", "S2", "S3"):
        room = admin.call(
            "care.residence.room",
            "create",
            {
                "name": name,
                "floor_id": floor,
                "room_type": "single",
                "monthly_price": 2000,
            },
        )
        beds.append(
            admin.call("care.residence.bed", "create", {"name": "A", "room_id": room})
        )
    reserved_elder = assessed_elder(admin, "安全测试甲", "female")
    admitted_elder = assessed_elder(admin, "安全测试乙", "male")
    other_elder = assessed_elder(admin, "安全测试丙", "female")
    reservation = admin.call(
        "care.residence.stay",
        "create",
        {"elder_id": reserved_elder, "bed_id": beds[0], "date_start": day(3)},
    )
    admitted = admin.call(
        "care.residence.stay",
        "create",
        {"elder_id": admitted_elder, "bed_id": beds[1], "date_start": day(-40)},
    )
    admin.call("care.residence.stay", "action_admit", [admitted], day(-40))
    return {
        "beds": beds,
        "reservation": reservation,
        "admitted": admitted,
        "other_elder": other_elder,
    }


def snapshot(admin, home):
    return {
        "stays": admin.read(
            "care.residence.stay", [home["reservation"], home["admitted"]], STAY_FIELDS
        ),
        "beds": admin.read("care.residence.bed", home["beds"], BED_FIELDS),
        "stay_count": admin.call("care.residence.stay", "search_count", []),
        "lines": admin.call("care.residence.stay.line", "search_count", []),
        "moves": admin.call("account.move", "search_count", []),
        "fees": admin.call("care.residence.fee", "search_count", []),
    }


def test_wrong_role_admits_discharges_transfers(admin, role, home):
    before = snapshot(admin, home)
    assert before["beds"][0]["state"] == "reserved"
    assert before["beds"][1]["state"] == "occupied"
    for login in NOT_MANAGERS:
        caller = role(login)
        refused(caller, "care.residence.stay", "action_admit", [home["reservation"]])
        # the code paths themselves are private: not callable over RPC
        refused(
            caller,
            "care.residence.stay",
            "_discharge",
            [home["admitted"]],
            day(0),
            "home",
        )
        refused(
            caller,
            "care.residence.stay",
            "_transfer",
            [home["admitted"]],
            home["beds"][2],
            day(0),
        )
        # the wizards check the caller's group when they run
        wizard_refused = caller.refused(
            "care.residence.discharge",
            "create",
            {"stay_id": home["admitted"], "reason": "home", "date": day(0)},
        )
        assert fault_is_refusal(wizard_refused)
    assert snapshot(admin, home) == before


def test_client_writes_bed_state_and_stay_money(admin, role, home):
    before = snapshot(admin, home)
    bed_attacks = [
        {"state": "free"},
        {"state": "out_of_service"},
        {"elder_id": False},
        {"stay_id": False},
        {"elder_name": "冒名"},
        {"gbt_level": "0"},
    ]
    stay_attacks = [
        {"state": "discharged"},
        {"care_price": 0.01},
        {"bed_price": 0},
        {"meal_price": 0},
        {"deposit_amount": 0},
        {"refund_move_id": False},
        {"deposit_move_id": False},
        {"bed_id": home["beds"][2]},
        {"date_admitted": day(-400)},
    ]
    for caller in [admin] + [role(login) for login in NOT_MANAGERS]:
        for vals in bed_attacks:
            refused(caller, "care.residence.bed", "write", [home["beds"][1]], vals)
        for vals in stay_attacks:
            refused(caller, "care.residence.stay", "write", [home["admitted"]], vals)
    # the guard also refuses a new stay that claims to be admitted
    for caller in (admin, role("reception")):
        refused(
            caller,
            "care.residence.stay",
            "create",
            {
                "elder_id": home["other_elder"],
                "bed_id": home["beds"][2],
                "date_start": day(0),
                "state": "admitted",
                "care_price": 0,
            },
        )
    assert snapshot(admin, home) == before


def test_wrong_role_invoices_and_replays(admin, role, home):
    last_month = (TODAY.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    before = snapshot(admin, home)
    for login in NOT_FINANCE:
        refused(
            role(login),
            "care.residence.stay",
            "action_invoice_month",
            [home["admitted"]],
            last_month.isoformat(),
        )
        refused(
            role(login), "care.residence.stay", "_invoice_month", last_month.isoformat()
        )
        refused(role(login), "care.residence.stay", "_cron_monthly_fees")
    assert snapshot(admin, home) == before
    # finance invoices the month once; a replay makes nothing new
    finance = role("finance")
    first = finance.call(
        "care.residence.stay",
        "action_invoice_month",
        [home["admitted"]],
        last_month.isoformat(),
    )
    assert first["res_model"] == "account.move"
    assert len(first["domain"][0][2]) == 1
    after_first = snapshot(admin, home)
    assert after_first["fees"] == before["fees"] + 1
    finance.call(
        "care.residence.stay",
        "action_invoice_month",
        [home["admitted"]],
        last_month.isoformat(),
    )
    assert snapshot(admin, home) == after_first
    # an admission replayed is refused
    text = refused(admin, "care.residence.stay", "action_admit", [home["admitted"]])
    assert "not a reservation" in text
    assert snapshot(admin, home) == after_first


def test_second_reservation_of_a_bed_and_elder(admin, role, home):
    reception = role("reception")
    before = snapshot(admin, home)
    # the bed held by the reservation
    text = refused(
        reception,
        "care.residence.stay",
        "create",
        {
            "elder_id": home["other_elder"],
            "bed_id": home["beds"][0],
            "date_start": day(5),
        },
    )
    assert "one bed, one occupant" in text
    # the elder already admitted elsewhere
    admitted_elder = admin.read("care.residence.stay", [home["admitted"]], ["elder_id"])
    text = refused(
        reception,
        "care.residence.stay",
        "create",
        {
            "elder_id": admitted_elder[0]["elder_id"][0],
            "bed_id": home["beds"][2],
            "date_start": day(5),
        },
    )
    assert "one resident, one open stay" in text
    for login in NOT_RECEPTION:
        refused(
            role(login),
            "care.residence.stay",
            "create",
            {
                "elder_id": home["other_elder"],
                "bed_id": home["beds"][2],
                "date_start": day(5),
            },
        )
    assert snapshot(admin, home) == before


def test_other_roles_read_no_stays(role, home):
    for login in ("dispatcher", "emergency", "devices", "doctor"):
        for model in (
            "care.residence.stay",
            "care.residence.bed",
            "care.residence.fee",
        ):
            refused(role(login), model, "search_read", [], ["id"])


@pytest.fixture(scope="module")
def board(admin, home):
    """For the bed board: a single room's free bed, a women's double room's
    free bed, a man and a woman waiting (records of this module only)."""
    floor = admin.read("care.residence.stay", [home["admitted"]], ["floor_id"])[0][
        "floor_id"
    ][0]
    single = admin.call(
        "care.residence.room",
        "create",
        {"name": "S4", "floor_id": floor, "room_type": "single"},
    )
    women = admin.call(
        "care.residence.room",
        "create",
        {
            "name": "D1",
            "floor_id": floor,
            "room_type": "double",
            "sex_restriction": "female",
        },
    )
    bed_single = admin.call(
        "care.residence.bed", "create", {"name": "A", "room_id": single}
    )
    bed_women = admin.call(
        "care.residence.bed", "create", {"name": "A", "room_id": women}
    )
    man = assessed_elder(admin, "安全测试丁", "male")
    woman = assessed_elder(admin, "安全测试戊", "female")
    entries = [
        admin.call("care.residence.waiting", "create", {"elder_id": elder})
        for elder in (man, woman)
    ]
    return {
        "bed_single": bed_single,
        "bed_women": bed_women,
        "man": entries[0],
        "woman": entries[1],
    }


def board_snapshot(admin, home, board):
    return snapshot(admin, home) | {
        "entries": admin.read(
            "care.residence.waiting",
            [board["man"], board["woman"]],
            ["state", "stay_id"],
        ),
        "board_beds": admin.read(
            "care.residence.bed", [board["bed_single"], board["bed_women"]], BED_FIELDS
        ),
    }


def test_board_drop_refused_over_xmlrpc(admin, role, home, board):
    """The board's drop (one public method): the wrong role, a taken or
    reserved bed, the wrong sex are refused and change nothing."""
    before = board_snapshot(admin, home, board)
    for login in NOT_RECEPTION:
        text = refused(
            role(login),
            "care.residence.waiting",
            "action_board_reserve",
            [board["woman"]],
            board["bed_single"],
        )
        assert "Reception" in text or "access" in text.lower(), text
    reception = role("reception")
    # an occupied bed, a reserved bed
    for bed in home["beds"][:2]:
        text = refused(
            reception,
            "care.residence.waiting",
            "action_board_reserve",
            [board["woman"]],
            bed,
        )
        assert "one bed, one occupant" in text
    # a man into the women's room
    text = refused(
        reception,
        "care.residence.waiting",
        "action_board_reserve",
        [board["man"]],
        board["bed_women"],
    )
    assert "restricted" in text
    # malformed arguments: refused, not a crash
    for args in (
        ("x",),
        ([board["bed_single"]],),
        (board["bed_single"], "not a date"),
    ):
        refused(
            reception,
            "care.residence.waiting",
            "action_board_reserve",
            [board["woman"]],
            *args,
        )
    refused(reception, "care.residence.bed", "get_board_data", building_id="x")
    assert board_snapshot(admin, home, board) == before
    # the board's data: none for the roles without beds, no nulls for reception
    for login in ("dispatcher", "emergency", "devices", "doctor"):
        refused(role(login), "care.residence.bed", "get_board_data")
    data = reception.call("care.residence.bed", "get_board_data")
    beds = {bed["id"]: bed for bed in data["beds"]}
    assert beds[home["beds"][1]]["state"] == "occupied"
    assert beds[board["bed_single"]]["state"] == "free"
    assert {board["man"], board["woman"]} <= {w["id"] for w in data["waiting"]}


def test_board_drop_then_replay_over_xmlrpc(admin, role, home, board):
    """Reception drops the woman onto the single room's bed: reserved; the
    same drop replayed (a stale board) is refused and changes nothing."""
    reception = role("reception")
    stay = reception.call(
        "care.residence.waiting",
        "action_board_reserve",
        [board["woman"]],
        board["bed_single"],
    )
    try:
        entry = admin.read("care.residence.waiting", [board["woman"]], ["state"])[0]
        assert entry["state"] == "reserved"
        bed = admin.read("care.residence.bed", [board["bed_single"]], ["state"])[0]
        assert bed["state"] == "reserved"
        after = board_snapshot(admin, home, board)
        text = refused(
            reception,
            "care.residence.waiting",
            "action_board_reserve",
            [board["woman"]],
            board["bed_single"],
        )
        assert "no longer waiting" in text
        assert board_snapshot(admin, home, board) == after
    finally:
        # the bed and the entry as they were for the other tests
        admin.call("care.residence.stay", "action_cancel", [stay])
