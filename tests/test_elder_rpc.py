"""elder_crm over the real protocols, against a running server.

XML-RPC with the standard library (what a CTI box or a script speaks) and
odoorpc (JSON-RPC) for the same calls.
"""

import xmlrpc.client

import pytest

ID_NUMBER = "440524188001010014"


def test_create_elder_look_it_up_and_read_its_card(xmlrpc_admin):
    elder_id = xmlrpc_admin(
        "care.elder",
        "create",
        {
            "name": "RPC 王大爷",
            "id_number": ID_NUMBER,
            "mobile": "+86 135-0000-7777",
            "phone": "021-6432 1234",
            "living_situation": "alone",
            "contact_ids": [
                (
                    0,
                    0,
                    {
                        "name": "RPC 王小妹",
                        "relationship": "daughter",
                        "mobile": "0086 136 0000 8888",
                        "is_decision_maker": True,
                    },
                )
            ],
        },
    )
    assert isinstance(elder_id, int)

    cards = xmlrpc_admin("care.elder", "lookup_phone", "13500007777")
    assert [card["id"] for card in cards] == [elder_id]
    card = cards[0]
    assert card["name"] == "RPC 王大爷"
    assert card["age"] >= 140  # born 1880-01-01
    assert card["match"] == {"via": "elder"}
    assert card["emergency_contacts"][0]["name"] == "RPC 王小妹"
    assert "Lives alone" in card["flags"]

    for typed in ("+86 136-0000-8888", "136 0000 8888"):
        family = xmlrpc_admin("care.elder", "lookup_phone", typed)
        assert [c["id"] for c in family] == [elder_id]
        assert family[0]["match"]["via"] == "family"
        assert family[0]["match"]["relationship"] == "daughter"

    landline = xmlrpc_admin("care.elder", "lookup_phone", "(021) 64321234")
    assert [c["id"] for c in landline] == [elder_id]
    assert xmlrpc_admin("care.elder", "lookup_phone", "not a number") == []


def test_bad_input_is_refused_with_its_message_and_nothing_saved(xmlrpc_admin):
    before = xmlrpc_admin("res.partner", "search_count", [("name", "=", "RPC 错号")])
    with pytest.raises(xmlrpc.client.Fault, match="check digit"):
        xmlrpc_admin(
            "care.elder",
            "create",
            {
                "name": "RPC 错号",
                "id_number": "440524188001010015",
                "contact_ids": [
                    (0, 0, {"name": "RPC 错号家属", "mobile": "138 1111 2222"})
                ],
            },
        )
    with pytest.raises(xmlrpc.client.Fault, match="cannot be read"):
        xmlrpc_admin("care.elder", "create", {"name": "RPC 错号", "mobile": "12"})
    assert (
        xmlrpc_admin("res.partner", "search_count", [("name", "like", "RPC 错号")])
        == before
    )


def test_lookup_with_odoorpc_as_a_dispatcher(odoo_server, rpc):
    group = rpc.env.ref("elder_crm.group_care_dispatcher")
    rpc.env["res.users"].create(
        {
            "name": "RPC 调度员",
            "login": "rpc_dispatcher",
            "password": "rpc_dispatcher",
            "groups_id": [(4, group.id)],
        }
    )
    elder_id = rpc.env["care.elder"].create(
        {
            "name": "RPC 赵奶奶",
            "id_number": "11010519491231002X",
            "mobile": "139 4444 5555",
        }
    )
    dispatcher = odoo_server.client("rpc_dispatcher", "rpc_dispatcher")
    cards = dispatcher.execute("care.elder", "lookup_phone", "0086-139-4444-5555")
    assert [card["id"] for card in cards] == [elder_id]
    masked = dispatcher.execute("care.elder", "read", [elder_id], ["id_number_display"])
    # the region code only: birth date and sex are shown beside it, so the
    # sequence and check characters must stay hidden
    assert masked[0]["id_number_display"] == "110105************"
