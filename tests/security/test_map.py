"""The care map (care_map, care_map_devices) attacked over XML-RPC as each
demo login: the map is for dispatchers and the desk, each sees its own
layers, only a care manager moves a home's pin, the stored points are the
system's, and junk boxes and filters are refused or ignored. Every refusal
is followed by a re-read as admin that nothing changed.

Issue 21, item 1."""

import pytest

from .conftest import fault_is_refusal

BOX = [116.0, 39.5, 117.0, 40.5]  # Beijing, where the demo elders live
HOME = (39.9219, 116.4655)


def refusal(text):
    assert fault_is_refusal(text), text
    return text


@pytest.fixture
def elder(admin):
    """An active elder of our own, at a known home (WGS-84)."""
    elder_id = admin.call(
        "care.elder",
        "create",
        {
            "name": "地图测试老人",
            "street": "红庙北里1号",
            "partner_latitude": HOME[0],
            "partner_longitude": HOME[1],
        },
    )
    admin.call("care.elder", "action_activate", [elder_id])
    return elder_id


def home(admin, elder_id):
    [row] = admin.read(
        "care.elder", [elder_id], ["partner_latitude", "partner_longitude"]
    )
    return row["partner_latitude"], row["partner_longitude"]


@pytest.mark.parametrize("login", ("reception", "finance", "doctor", "devices"))
def test_the_map_is_for_dispatchers_and_the_desk(role, login):
    caller = role(login)
    refusal(caller.refused("care.map", "get_map_config"))
    text = refusal(caller.refused("care.map", "get_map_data", BOX))
    assert "dispatchers and the emergency desk" in text


def test_each_role_sees_its_layers(role, elder):
    dispatcher = role("dispatcher")
    config = dispatcher.call("care.map", "get_map_config")
    assert [layer["id"] for layer in config["layers"]] == [
        "elders",
        "orders",
        "workers",
    ]
    data = dispatcher.call("care.map", "get_map_data", BOX)
    assert set(data) == {"elders", "orders", "workers"}
    assert data["elders"]["total"] > 0 and data["orders"]["total"] > 0
    desk = role("emergency")
    config = desk.call("care.map", "get_map_config")
    assert [layer["id"] for layer in config["layers"]] == ["elders", "alarms"]
    # the wrong layer for the role, asked for directly
    refusal(desk.refused("care.map", "get_map_data", BOX, layers=["orders"]))
    refusal(dispatcher.refused("care.map", "get_map_data", BOX, layers=["alarms"]))
    refusal(dispatcher.refused("care.map", "get_map_data", BOX, layers=["res.users"]))


def test_only_a_manager_moves_a_home_and_a_replay_changes_nothing(admin, role, elder):
    before = home(admin, elder)
    for login in ("dispatcher", "emergency", "reception", "finance"):
        text = refusal(
            role(login).refused(
                "care.elder", "action_care_place_home", [elder], 39.95, 116.5
            )
        )
        assert (
            "care manager" in text
            or "not allowed" in text.lower()
            or "access" in text.lower()
        )
        assert home(admin, elder) == before
    # junk positions, even from the manager
    for args in ((0.0, 0.0), (91.0, 116.0), ("39.9", "116.4")):
        refusal(admin.refused("care.elder", "action_care_place_home", [elder], *args))
    assert home(admin, elder) == before
    assert admin.call("care.elder", "action_care_place_home", [elder], 39.95, 116.5)
    placed = home(admin, elder)
    assert placed == (39.95, 116.5)
    assert admin.call("care.elder", "action_care_place_home", [elder], 39.95, 116.5)
    assert home(admin, elder) == placed


@pytest.mark.parametrize("login", ("admin", "dispatcher", "reception"))
def test_the_stored_points_are_the_systems(admin, role, elder, login):
    caller = admin if login == "admin" else role(login)
    [before] = admin.read("care.elder", [elder], ["care_home_point"])
    refusal(
        caller.refused(
            "care.elder", "write", [elder], {"care_home_point": "POINT(121.47 31.23)"}
        )
    )
    assert admin.read("care.elder", [elder], ["care_home_point"]) == [before]
    [person] = admin.call("fsm.person", "search", [], limit=1)
    [before] = admin.read(
        "fsm.person", [person], ["care_last_point", "care_last_seen_at"]
    )
    refusal(
        caller.refused(
            "fsm.person",
            "write",
            [person],
            {
                "care_last_point": "POINT(1 1)",
                "care_last_seen_at": "2020-01-01 00:00:00",
            },
        )
    )
    after = admin.read("fsm.person", [person], ["care_last_point", "care_last_seen_at"])
    assert after == [before]


def test_junk_boxes_are_refused_and_junk_filters_ignored(role):
    dispatcher = role("dispatcher")
    for bbox in ([1, 2, 3], "116,39,117,40", [117, 39, 116, 40], [116, 39, "x", 40]):
        refusal(dispatcher.refused("care.map", "get_map_data", bbox))
    plain = dispatcher.call("care.map", "get_map_data", BOX, layers=["orders"])
    junk = dispatcher.call(
        "care.map",
        "get_map_data",
        BOX,
        layers=["orders"],
        filters={"orders": {"stage_ids": "1) OR 1=1 --", "urgencies": [{"x": 1}]}},
    )
    assert junk == plain
