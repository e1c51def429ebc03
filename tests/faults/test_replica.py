"""A streaming read replica: the suite's read-only methods run on it
(Odoo 18's db_replica_host / db_replica_port and @api.readonly), writes
never do. Proven with pg_stat_statements on both servers."""

import time
from datetime import date

import pytest

from .harness import Gateway, build_events

READONLY_CALLS = {
    # marker in the statement the method runs -> (model, method, args)
    "stage_times": ("care.funnel.report", "stage_times", []),
    "response_times": ("care.service.report", "response_times", []),
    "lookup_phone": ("care.elder", "lookup_phone", ["13800138000"]),
}


@pytest.fixture(scope="module")
def replicated(cluster):
    cluster.sql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
    cluster.replica_start()
    assert cluster.replica_caught_up()
    cluster.stop()
    cluster.start(nodes=2, replica=True)
    yield cluster
    cluster.stop()
    cluster.start(nodes=2)


def statements(cluster, replica):
    return cluster.sql(
        """SELECT query, calls FROM pg_stat_statements s
             JOIN pg_database d ON d.oid = s.dbid
            WHERE d.datname = %s""",
        (cluster.db,),
        replica=replica,
    )


def reset(cluster):
    for replica in (False, True):
        cluster.sql("SELECT pg_stat_statements_reset()", replica=replica)


def ran(rows, needle):
    return sum(calls for query, calls in rows if needle in query)


def test_replica_is_a_streaming_standby(replicated):
    assert replicated.scalar("SELECT pg_is_in_recovery()", replica=True) is True
    assert (
        replicated.scalar(
            "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'",
            db="postgres",
        )
        >= 1
    )


def test_readonly_methods_run_on_the_replica(replicated):
    call = replicated.jsonrpc(1)
    entitlements = call("care.voucher.entitlement", "search", [], limit=5)
    cards = call("care.voucher.card", "search", [], limit=5)
    reset(replicated)
    for model, method, args in READONLY_CALLS.values():
        call(model, method, *args)
    if entitlements:
        balances = call(
            "care.voucher.entitlement", "balance_at", entitlements, str(date.today())
        )
        assert len(balances) == len(entitlements)
    if cards:
        call("care.voucher.card", "balance_at", cards)
    # the reconciliation report (read_group: @api.readonly in Odoo 18)
    call(
        "care.voucher.report",
        "read_group",
        [],
        ["issued:sum", "redeemed:sum", "outstanding:sum"],
        ["period:month"],
        lazy=False,
    )
    on_replica, on_primary = statements(replicated, True), statements(replicated, False)
    for needle in ("care_funnel_report", "care_service_report", "care_voucher_report"):
        assert ran(on_replica, needle) > 0, needle
        assert ran(on_primary, needle) == 0, needle
    assert ran(on_replica, "care_voucher_line") > 0  # the balances' ledger
    assert ran(on_replica, "mobile_sanitized") > 0
    # no write ever reached the replica (it would refuse it; Odoo would then
    # log a retry on the primary)
    for verb in ("INSERT", "UPDATE ", "DELETE"):
        assert ran(on_replica, verb) == 0, [q for q, _c in on_replica if verb in q][:3]
    for node in (1, 2):
        assert "retrying with a read/write cursor" not in replicated.log(node)


def test_writes_and_events_go_to_the_primary(replicated, gateway_key, serials):
    call = replicated.jsonrpc(2)
    reset(replicated)
    partner = call("res.partner", "create", {"name": f"Replica test {time.time_ns()}"})
    call("res.partner", "write", [partner], {"ref": "written"})
    events = build_events(serials[:5], days=1, seed=201)
    result = Gateway(replicated, gateway_key).burst(events, resend_share=0.2, seed=201)
    assert not result.dropped
    on_replica, on_primary = statements(replicated, True), statements(replicated, False)
    assert ran(on_primary, 'INSERT INTO "res_partner"') >= 1
    assert ran(on_primary, "care_device_event") > 0
    # the events route writes: it is not served from the replica at all
    assert ran(on_replica, "care_device_event") == 0
    assert ran(on_replica, "care_device_api_key") == 0
    for verb in ("INSERT", "UPDATE ", "DELETE"):
        assert ran(on_replica, verb) == 0
    # and the replica has the writes (streamed, not executed)
    assert replicated.replica_caught_up()
    assert (
        replicated.scalar(
            "SELECT ref FROM res_partner WHERE id = %s", (partner,), replica=True
        )
        == "written"
    )
