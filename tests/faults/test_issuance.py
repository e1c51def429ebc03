"""Monthly voucher issuance killed half-way (a whole node, or only the
worker running it): nothing half-posted, and the re-run on the other node
posts exactly what was missing, once."""

import os
import signal
import threading
import time

import psycopg2
import pytest

ISSUE_CRON = "care_vouchers.ir_cron_voucher_issue"


def issue_cron(cluster):
    module, name = ISSUE_CRON.split(".")
    return cluster.scalar(
        "SELECT res_id FROM ir_model_data WHERE module = %s AND name = %s",
        (module, name),
    )


def period(cluster):
    return cluster.scalar("SELECT date_trunc('month', now())::date")


def issue_lines(cluster):
    return cluster.scalar(
        "SELECT count(*) FROM care_voucher_line WHERE kind = 'issue' AND period = %s",
        (period(cluster),),
    )


def duplicates(cluster):
    return cluster.scalar(
        """SELECT count(*) FROM (SELECT 1 FROM care_voucher_line WHERE kind = 'issue'
            GROUP BY entitlement_id, period HAVING count(*) > 1) d"""
    )


def unissue_half(cluster):
    """Take back half of this month's issue lines (those nothing refers to),
    as if the month had been issued only in part."""
    return cluster.sql(
        """DELETE FROM care_voucher_line WHERE id IN (
               SELECT id FROM (
                   SELECT l.id, row_number() OVER (ORDER BY l.id) AS n
                     FROM care_voucher_line l
                     JOIN care_voucher_entitlement e ON e.id = l.entitlement_id
                     JOIN care_elder el ON el.id = e.elder_id
                    WHERE l.kind = 'issue' AND l.period = %s
                      -- what the issuance posts again: open entitlements of
                      -- elders still in care (demo lines of others stay)
                      AND e.state = 'active'
                      AND el.state NOT IN ('deceased', 'left')
                      AND NOT EXISTS (
                          SELECT 1 FROM care_voucher_line o
                           WHERE o.id != l.id AND o.entitlement_id = l.entitlement_id
                             AND o.period = l.period AND o.kind != 'issue')
               ) numbered WHERE n %% 2 = 1)
           RETURNING entitlement_id""",
        (period(cluster),),
    )


def run_blocked_issuance(cluster, node, kill):
    """Start the issuance on ``node`` while the ledger is locked, kill the
    process running it (``kill(pid)``) while it waits inside its
    transaction, then unlock."""
    lock = psycopg2.connect(
        host=cluster.sock, port=cluster.pg_port, user="odoo", dbname=cluster.db
    )
    with lock.cursor() as cr:
        cr.execute("LOCK TABLE care_voucher_line IN SHARE ROW EXCLUSIVE MODE")
    call = cluster.rpc(node)
    cron = issue_cron(cluster)
    errors = []

    def trigger():
        try:
            call("ir.cron", "method_direct_trigger", [cron])
        except Exception as exc:  # the server died under the call
            errors.append(exc)

    thread = threading.Thread(target=trigger)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        waiting = None
        while time.monotonic() < deadline and not waiting:
            waiting = cluster.sql(
                """SELECT pid FROM pg_stat_activity
                    WHERE datname = %s AND wait_event_type = 'Lock'
                      AND application_name LIKE %s AND query ILIKE %s""",
                (cluster.db, f"node{node}-%", "%care_voucher_line%"),
            )
            time.sleep(0.2)
        assert waiting, "the issuance never reached the ledger"
        pid = cluster.client_of_backend(waiting[0][0])
        assert pid in [p for p, _cmd in cluster.workers(node)], pid
        kill(pid)
        thread.join(60)
    finally:
        lock.rollback()
        lock.close()
    assert errors, "the call should have died with the process"


@pytest.mark.parametrize("what", ["worker", "node"])
def test_issuance_killed_half_way_then_rerun(nodes, what):
    # the month fully issued first (idempotent), then half of it taken back
    nodes.rpc(2)("ir.cron", "method_direct_trigger", [issue_cron(nodes)])
    before_total = issue_lines(nodes)
    assert before_total > 1, "the demo entitlements get this month's vouchers"
    removed = unissue_half(nodes)
    assert removed
    before = issue_lines(nodes)
    if what == "worker":
        run_blocked_issuance(nodes, 1, lambda pid: os.kill(pid, signal.SIGKILL))
    else:
        run_blocked_issuance(nodes, 1, lambda _pid: nodes.kill(1))
    # nothing of the killed run was saved
    assert issue_lines(nodes) == before
    # the re-run (on the other node) posts exactly what was missing
    nodes.rpc(2)("ir.cron", "method_direct_trigger", [issue_cron(nodes)])
    assert issue_lines(nodes) == before_total, (
        before,
        before_total,
        issue_lines(nodes),
    )
    assert duplicates(nodes) == 0
    # and a third run posts nothing
    nodes.rpc(2)("ir.cron", "method_direct_trigger", [issue_cron(nodes)])
    assert issue_lines(nodes) == before_total, (
        before,
        before_total,
        issue_lines(nodes),
    )
