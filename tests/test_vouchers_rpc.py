"""care_vouchers over XML-RPC against a running server: a script reads an
elder's voucher balance, completes a booked service and sees the voucher
redeemed (and given back when finance disputes it)."""

import base64

PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
).decode()


def ref(call, xmlid):
    module, name = xmlid.split(".")
    [row] = call(
        "ir.model.data",
        "search_read",
        [("module", "=", module), ("name", "=", name)],
        ["res_id"],
    )
    return row["res_id"]


def test_read_a_balance_and_redeem_an_order(xmlrpc_admin):
    call = xmlrpc_admin
    entitlement = ref(call, "care_vouchers.entitlement_old_15_demo")
    order = ref(call, "care_dispatch.order_week_9_demo")

    [before] = call("care.voucher.entitlement", "read", [entitlement], ["balance"])
    [as_of] = call("care.voucher.entitlement", "balance_at", [entitlement])
    assert as_of["balance"] == before["balance"] > 0

    [row] = call(
        "fsm.order",
        "read",
        [order],
        ["care_voucher_state", "care_price", "care_voucher_entitlement_id"],
    )
    assert row["care_voucher_state"] == "booked"
    assert row["care_voucher_entitlement_id"][0] == entitlement

    call("fsm.order", "action_care_checkin", [order])
    call("fsm.order", "action_care_checkout", [order])
    call(
        "ir.attachment",
        "create",
        {"name": "after.png", "datas": PNG, "res_model": "fsm.order", "res_id": order},
    )
    call("fsm.order", "action_complete", [order])

    [done] = call(
        "fsm.order",
        "read",
        [order],
        ["care_voucher_state", "care_voucher_amount", "care_copay_amount"],
    )
    assert done["care_voucher_state"] == "redeemed"
    covered = min(before["balance"], row["care_price"])  # 100 % covered, no cap
    assert done["care_voucher_amount"] == covered
    assert done["care_copay_amount"] == row["care_price"] - covered
    [after] = call("care.voucher.entitlement", "read", [entitlement], ["balance"])
    assert after["balance"] == before["balance"] - covered
    lines = call(
        "care.voucher.line",
        "search_read",
        [("order_id", "=", order), ("kind", "=", "redeem")],
        ["amount"],
    )
    assert [line["amount"] for line in lines] == [-covered]

    call("fsm.order", "action_care_voucher_dispute", [order])
    [back] = call("care.voucher.entitlement", "read", [entitlement], ["balance"])
    assert back["balance"] == before["balance"]
