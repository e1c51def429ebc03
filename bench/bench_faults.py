#!/usr/bin/env python3
"""Faults and scale-out benchmark (`make bench BENCH=faults`).

On the private PostgreSQL cluster of scripts/cluster.sh (never the shared
one), with the suite installed with demo data in --db:

1. two-node event burst: the gateway simulator's days for the 30 demo
   watches (--days, default 6: about 10,000 events) plus a share resent
   (--resend-share, default 20 %), in batches of 50 from 4 gateway threads
   spread round-robin over two multi-process nodes; events/s and p50/p95 of
   SOS to committed ticket (the answer is sent after the commit);
2. the same with node 2 killed (kill -9, master and workers) a third of the
   way in: the gateways retry on node 1;
3. lost / duplicated events (must be 0 / 0), read back from the database;
4. the reconciliation report (care.voucher.line read_group by kind and month,
   and care.voucher.report by month, through /web/dataset/call_kw as the web
   client calls them): median over --runs on the primary, then with a
   streaming replica (db_replica_host) serving them.

Prints a markdown table, writes bench/results/faults-<time>.json; exits 1
when an event was lost or duplicated.
"""

import argparse
import json
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.faults.harness import (  # noqa: E402
    Cluster,
    Gateway,
    api_key,
    build_events,
    check_stored,
    demo_serials,
    percentile,
)


def burst(cluster, key, serials, args, kill=False):
    seed = int(time.time()) % 1_000_000
    events = build_events(serials, args.days, seed)
    during = (lambda: cluster.kill(2)) if kill else None
    result = Gateway(cluster, key).burst(
        events, resend_share=args.resend_share, seed=seed, during=during
    )
    found = check_stored(cluster, events, f"sim-{seed}-")
    return {
        "events": len(events),
        "sent_with_resends": result.sent,
        "seconds": round(result.seconds, 2),
        "events_per_s": round(result.sent / result.seconds, 1),
        "sos_p50_ms": round(percentile(result.sos_latency, 50) * 1000, 1),
        "sos_p95_ms": round(percentile(result.sos_latency, 95) * 1000, 1),
        "sos": len(result.sos_latency),
        "retries": result.retries,
        "by_node": dict(result.by_node),
        "dropped": len(result.dropped),
        "lost": len(found["lost"]),
        "duplicated": len(found["duplicated"]),
        "alarms_without_ticket": len(found["alarms_without_ticket"]),
    }


def reconciliation(cluster, runs):
    call = cluster.jsonrpc(1)

    def ledger():
        return call(
            "care.voucher.line",
            "read_group",
            [],
            ["amount:sum"],
            ["kind", "period:month"],
            lazy=False,
        )

    def report():
        return call(
            "care.voucher.report",
            "read_group",
            [],
            ["issued:sum", "redeemed:sum", "expired:sum", "outstanding:sum"],
            ["period:month", "community_id"],
            lazy=False,
        )

    out = {}
    for name, fn in (("ledger_read_group", ledger), ("report_read_group", report)):
        fn()
        times = []
        for _run in range(runs):
            began = time.perf_counter()
            fn()
            times.append((time.perf_counter() - began) * 1000)
        out[name] = round(statistics.median(times), 2)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", help="unused (the cluster has its own)")
    parser.add_argument("--db", default="care_bench_faults")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--days", type=int, default=6)
    parser.add_argument("--resend-share", type=float, default=0.2)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    cluster = Cluster()
    cluster.pg_start()
    exists = cluster.scalar(
        "SELECT count(*) FROM pg_database WHERE datname = %s", (args.db,), db="postgres"
    )
    if exists and args.reuse:
        cluster.db = args.db
    else:
        cluster.make_db(args.db)
    cluster.stop()
    cluster.start(nodes=2)
    try:
        admin = cluster.rpc(1)
        key = api_key(admin, f"Faults bench {time.time_ns()}")
        serials = demo_serials(admin)
        result = {"two_nodes": burst(cluster, key, serials, args)}
        result["node_killed"] = burst(cluster, key, serials, args, kill=True)
        cluster.start(nodes=2)
        result["reconciliation_primary_ms"] = reconciliation(cluster, args.runs)
        cluster.sql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        cluster.replica_start()
        cluster.replica_caught_up()
        cluster.stop()
        cluster.start(nodes=2, replica=True)
        result["reconciliation_replica_ms"] = reconciliation(cluster, args.runs)
    finally:
        cluster.stop()

    print(
        "| burst | events (+resends) | s | events/s | SOS p50 ms | SOS p95 ms | retries | lost | duplicated |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name in ("two_nodes", "node_killed"):
        r = result[name]
        print(
            f"| {name} | {r['events']} (+{r['sent_with_resends'] - r['events']}) | {r['seconds']} | "
            f"{r['events_per_s']} | {r['sos_p50_ms']} | {r['sos_p95_ms']} | {r['retries']} | "
            f"{r['lost']} | {r['duplicated']} |"
        )
    print()
    print("| reconciliation (median ms) | primary | replica |")
    print("|---|---|---|")
    for name in result["reconciliation_primary_ms"]:
        print(
            f"| {name} | {result['reconciliation_primary_ms'][name]} | "
            f"{result['reconciliation_replica_ms'][name]} |"
        )
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"faults-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(result, indent=2))
    print(f"\nwritten {path.relative_to(ROOT)}")
    bad = any(
        result[n]["lost"]
        or result[n]["duplicated"]
        or result[n]["alarms_without_ticket"]
        for n in ("two_nodes", "node_killed")
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
