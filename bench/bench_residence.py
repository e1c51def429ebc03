#!/usr/bin/env python3
"""Benchmark of care_residence: the bed board of a 2,000-bed group and the
occupancy report over three years, over XML-RPC.

In one run: create the database with care_residence (no demo data) unless
--reuse finds it, load H homes of 40 beds (two floors of ten double rooms)
with Y years of stays (a resident a bed at a time, stays of 3 to 15 months,
the last one still open in 85 % of the beds), start an Odoo server on a free
port, then time, Q times each, as admin:

* board: the bed board (the OWL client action) for the whole group: its one
  call ``care.residence.bed.get_board_data`` (every bed, the floors, the
  homes, the waiting list) over JSON-RPC, the browser's encoding;
* board_xmlrpc: the same call over XML-RPC (its encoding is four times
  larger: 2 MB for 2,000 beds);
* board_home: the board of one home (the board a home's staff opens);
* kanban_group: the fallback kanban's call for the whole group
  (``web_search_read`` of every bed with the card's fields, as the kanban
  loads a list);
* kanban_groups: ``web_read_group`` of the beds by floor (the kanban's
  columns);
* report: the occupancy graph over the Y years (``read_group`` of the
  occupancy view by month, the rate averaged).

The stays are inserted with SQL (the code paths are tested elsewhere; here
the reading is measured). Prints a markdown table with the targets
(PASS/FAIL) and writes the same as JSON to bench/results/.
"""

import json
import random
import statistics
import sys
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_lookup import Rpc, bench_args, run_info, save_result, start_server, table

OPTIONS = [  # option, type, default, help
    ("--db", str, "res_bench_residence", "database (default: %(default)s)"),
    ("--homes", int, 50, "homes of 40 beds (default: %(default)s)"),
    ("--years", int, 3, "years of stays (default: %(default)s)"),
    ("--queries", int, 10, "timed calls of each kind (default: %(default)s)"),
    ("--workers", int, 0, "server workers (default: %(default)s, threaded)"),
]
TARGETS = {"board": 500, "report": 1000}
CARD = {
    "display_name": {},
    "state": {},
    "color": {},
    "elder_name": {},
    "elder_gender": {},
    "gbt_level": {},
    "room_type": {},
    "dementia_unit": {},
    "floor_id": {"fields": {"display_name": {}}},
}


def load(args):
    """Homes, beds, elders and stays, unless the homes are there."""
    import odoo
    from odoo import SUPERUSER_ID, api

    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        if env["care.residence.building"].search_count([]) >= args.homes:
            return
        rng = random.Random(20)
        today = date.today()
        first_day = today - timedelta(days=365 * args.years)
        started = time.monotonic()
        beds = []
        for home in range(args.homes):
            building = env["care.residence.building"].create({"name": f"Home {home}"})
            for level in (1, 2):
                floor = env["care.residence.floor"].create(
                    {"name": f"F{level}", "building_id": building.id}
                )
                rooms = env["care.residence.room"].create(
                    [
                        {
                            "name": f"{level}{n:02d}",
                            "floor_id": floor.id,
                            "room_type": "single",
                            "monthly_price": 2000,
                        }
                        for n in range(20)
                    ]
                )
                beds += (
                    env["care.residence.bed"]
                    .create([{"name": "A", "room_id": room.id} for room in rooms])
                    .ids
                )
        # the stays of each bed, one after the other
        plans = []
        for bed in beds:
            day = first_day + timedelta(days=rng.randint(0, 60))
            while day < today:
                end = day + timedelta(days=rng.randint(90, 450))
                if end >= today:
                    end = None if rng.random() < 0.85 else today
                plans.append((bed, day, end))
                if end is None:
                    break
                day = end + timedelta(days=rng.randint(0, 20))
        elders = env["care.elder"].create(
            [
                {"name": f"Bench {i}", "gender": rng.choice(["male", "female"])}
                for i in range(len(plans))
            ]
        )
        company = env.company.id
        cr.execute(
            """
            INSERT INTO care_residence_stay
                (elder_id, bed_id, company_id, stay_type, state, date_start,
                 date_end, date_admitted, date_discharged, discharge_reason,
                 length_days, admission_count, name)
            SELECT e, b, %s, 'long',
                   CASE WHEN d IS NULL OR d > CURRENT_DATE THEN 'admitted'
                        ELSE 'discharged' END,
                   s, d, s, d, CASE WHEN d IS NULL THEN NULL ELSE 'home' END,
                   COALESCE(d - s, 0), 1, 'bench'
            FROM unnest(%s::int[], %s::int[], %s::date[], %s::date[]) AS t(e, b, s, d)
            """,
            (
                company,
                elders.ids,
                [p[0] for p in plans],
                [p[1] for p in plans],
                [p[2] for p in plans],
            ),
        )
        cr.execute(
            """
            INSERT INTO care_residence_stay_line
                (stay_id, bed_id, company_id, elder_id, stay_state, date_from, date_to)
            SELECT id, bed_id, company_id, elder_id, state, date_start, date_end
            FROM care_residence_stay WHERE name = 'bench'
            """
        )
        cr.execute(
            "UPDATE care_residence_stay s SET room_id = b.room_id,"
            " floor_id = b.floor_id, building_id = b.building_id"
            " FROM care_residence_bed b WHERE b.id = s.bed_id"
        )
        env.invalidate_all()
        env["care.residence.bed"]._cron_refresh_states()
        print(
            f"loaded {len(beds)} beds, {len(plans)} stays in "
            f"{time.monotonic() - started:.0f} s",
            file=sys.stderr,
        )


class JsonRpc(Rpc):
    """The same execute_kw over /jsonrpc (JSON, as the web client's calls)."""

    def __init__(self, url, db, login, password):
        super().__init__(url, db, login, password)
        self.url = f"{url}/jsonrpc"

    def __call__(self, model, method, *args, **kwargs):
        body = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [
                    self.db,
                    self.uid,
                    self.password,
                    model,
                    method,
                    list(args),
                    kwargs,
                ],
            },
        }
        request = urllib.request.Request(
            self.url,
            json.dumps(body).encode(),
            {"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request) as answer:
            reply = json.load(answer)
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return reply["result"]


def timed(call, count):
    times = []
    for _ in range(count):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main():
    args = bench_args(
        __doc__, OPTIONS, "care_residence", "reuse the database (and its homes)"
    )
    load(args)
    server, url = start_server(args, args.logs / f"{args.db}-server.log")
    try:
        rpc = Rpc(url, args.db, "admin", "admin")
        jrpc = JsonRpc(url, args.db, "admin", "admin")
        home = rpc("care.residence.building", "search", [], limit=1)[0]
        since = (date.today() - timedelta(days=365 * args.years)).isoformat()
        calls = {
            "board": lambda: jrpc("care.residence.bed", "get_board_data"),
            "board_xmlrpc": lambda: rpc("care.residence.bed", "get_board_data"),
            "board_home": lambda: jrpc(
                "care.residence.bed", "get_board_data", building_id=home
            ),
            "kanban_group": lambda: rpc(
                "care.residence.bed", "web_search_read", [], CARD, limit=0
            ),
            "kanban_groups": lambda: rpc(
                "care.residence.bed",
                "web_read_group",
                [],
                ["state"],
                ["floor_id"],
                lazy=True,
            ),
            "report": lambda: rpc(
                "care.residence.occupancy.report",
                "read_group",
                [("date", ">=", since)],
                ["occupancy_rate:avg", "occupied:sum", "beds:sum"],
                ["date:month"],
            ),
        }
        for call in calls.values():  # warm-up
            call()
        rows, result = [], {"run": run_info(), "args": vars(args) | {"logs": ""}}
        for name, call in calls.items():
            times = timed(call, args.queries)
            median = statistics.median(times)
            p95 = sorted(times)[max(int(len(times) * 0.95) - 1, 0)]
            target = TARGETS.get(name)
            verdict = "" if target is None else ("PASS" if p95 < target else "FAIL")
            result[name] = {"median_ms": median, "p95_ms": p95, "target_ms": target}
            rows.append((name, f"{median:.0f}", f"{p95:.0f}", target or "", verdict))
        beds = rpc("care.residence.bed", "search_count", [])
        print(f"{beds} beds, {args.years} years of stays\n")
        print("\n".join(table(("call", "median ms", "p95 ms", "target ms", ""), rows)))
        save_result("residence", result)
    finally:
        server.terminate()
        server.wait(30)


if __name__ == "__main__":
    main()
