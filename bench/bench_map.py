#!/usr/bin/env python3
"""Benchmark of care_map: the map's first view with 100,000 elders and
5,000 open service orders, over JSON-RPC (the browser's encoding).

In one run: create the database with care_map (no demo data) unless --reuse
finds it, clone one elder and one open order with SQL into N elders spread
over a 40 x 40 km city (Beijing's centre) and M open orders of random
elders, ANALYZE, start an Odoo server on a free port, then time Q times each,
as admin (who sees every layer):

* first_view: what the map does when it opens: ``care.map.get_map_config``
  then ``get_map_data`` for the whole city (every layer; more than 2,000
  points in a layer come as grid clusters);
* city: ``get_map_data`` alone for the whole city;
* district: a 5 x 5 km box (a district's dispatcher zoomed in);
* street: a 1 x 1 km box (every point drawn one by one);
* orders_only: the orders layer alone, whole city, filtered to urgent ones.

The rows are cloned with SQL (the ORM's create paths are tested elsewhere;
here the reading is measured); the points are set as the compute would.
Prints a markdown table with the target (first view median < 1,000 ms) and
writes the same as JSON to bench/results/.
"""

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_lookup import bench_args, run_info, save_result, start_server, table
from bench_residence import JsonRpc, timed

OPTIONS = [  # option, type, default, help
    ("--db", str, "care_bench_map", "database (default: %(default)s)"),
    ("--elders", int, 100_000, "elders (default: %(default)s)"),
    ("--orders", int, 5_000, "open service orders (default: %(default)s)"),
    ("--queries", int, 20, "timed calls of each kind (default: %(default)s)"),
    ("--workers", int, 0, "server workers (default: %(default)s, threaded)"),
]
TARGETS = {"first_view": 1000}
CITY = (116.2, 39.75, 116.67, 40.11)  # ~40 x 40 km


def clone(cr, table, template_id, count, overrides):
    """Insert ``count`` copies of row ``template_id`` of ``table``; the
    columns in ``overrides`` take SQL expressions of ``gs`` (1..count).
    Returns the new ids in order."""
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = %s AND column_name != 'id' ORDER BY ordinal_position",
        [table],
    )
    columns = [row[0] for row in cr.fetchall()]
    values = ", ".join(overrides.get(c, f't."{c}"') for c in columns)
    names = ", ".join(f'"{c}"' for c in columns)
    cr.execute(
        f'INSERT INTO "{table}" ({names}) SELECT {values} '  # noqa: S608
        f'FROM "{table}" t, generate_series(1, %s) gs '
        "WHERE t.id = %s ORDER BY gs RETURNING id",
        [count, template_id],
    )
    return [row[0] for row in cr.fetchall()]


def load(args):
    import odoo
    from odoo import SUPERUSER_ID, api

    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        Elder = env["care.elder"]
        if Elder.search_count([]) >= args.elders:
            return
        started = time.monotonic()
        template = Elder.create(
            {"name": "模板老人", "street": "朝阳路1号", "city": "北京"}
        )
        template.action_activate()
        order = env["fsm.order"].create(
            {
                "care_elder_id": template.id,
                "care_category_id": env.ref("care_dispatch.cat_housekeeping").id,
            }
        )
        env.flush_all()
        rng = random.Random(21)
        count = args.elders - 1
        cr.execute("DROP TABLE IF EXISTS bench_pos")
        cr.execute(
            "CREATE TEMP TABLE bench_pos (gs int PRIMARY KEY, lat float, lon float)"
        )
        cr.execute(
            "INSERT INTO bench_pos SELECT gs, %s + random() * %s, %s + random() * %s "
            "FROM generate_series(1, %s) gs",
            [CITY[1], CITY[3] - CITY[1], CITY[0], CITY[2] - CITY[0], count],
        )
        partners = clone(
            cr,
            "res_partner",
            template.partner_id.id,
            count,
            {
                "name": "'老人' || gs",
                "complete_name": "'老人' || gs",
                "partner_latitude": "(SELECT lat FROM bench_pos p WHERE p.gs = gs.gs)",
                "partner_longitude": "(SELECT lon FROM bench_pos p WHERE p.gs = gs.gs)",
            },
        )
        cr.execute(
            "CREATE TEMP TABLE bench_partner (gs int PRIMARY KEY, partner_id int)"
        )
        cr.execute(
            "INSERT INTO bench_partner SELECT * FROM unnest(%s::int[], %s::int[])",
            [list(range(1, count + 1)), partners],
        )
        levels = "(ARRAY['0','1','2','3','4'])[1 + mod(gs, 5)]"
        elders = clone(
            cr,
            "care_elder",
            template.id,
            count,
            {
                "partner_id": "(SELECT partner_id FROM bench_partner b WHERE b.gs = gs.gs)",
                "code": "'B' || gs",
                "id_number": "NULL",
                "gbt_level": levels,
            },
        )
        cr.execute(
            "UPDATE care_elder e SET care_home_point = "
            "ST_SetSRID(ST_MakePoint(p.partner_longitude, p.partner_latitude), 4326) "
            "FROM res_partner p WHERE p.id = e.partner_id"
        )
        picks = rng.sample(elders, args.orders - 1)
        cr.execute("CREATE TEMP TABLE bench_order (gs int PRIMARY KEY, elder_id int)")
        cr.execute(
            "INSERT INTO bench_order SELECT * FROM unnest(%s::int[], %s::int[])",
            [list(range(1, len(picks) + 1)), picks],
        )
        clone(
            cr,
            "fsm_order",
            order.id,
            len(picks),
            {
                "name": "'BO' || gs",
                "care_elder_id": "(SELECT elder_id FROM bench_order b WHERE b.gs = gs.gs)",
                "care_urgency": "(ARRAY['normal','normal','urgent','emergency'])[1 + mod(gs, 4)]",
            },
        )
        cr.execute("ANALYZE res_partner; ANALYZE care_elder; ANALYZE fsm_order")
        print(
            f"loaded {len(elders) + 1} elders, {len(picks) + 1} orders in "
            f"{time.monotonic() - started:.0f} s",
            file=sys.stderr,
        )


def box(center_lon, center_lat, km):
    half_lon, half_lat = km / 2 / 85.3, km / 2 / 111.2  # at 40°N
    return [
        center_lon - half_lon,
        center_lat - half_lat,
        center_lon + half_lon,
        center_lat + half_lat,
    ]


def main():
    args = bench_args(__doc__, OPTIONS, "care_map", "reuse the database (and its data)")
    load(args)
    server, url = start_server(args, args.logs / f"{args.db}-server.log")
    try:
        jrpc = JsonRpc(url, args.db, "admin", "admin")
        mid = ((CITY[0] + CITY[2]) / 2, (CITY[1] + CITY[3]) / 2)
        city = list(CITY)

        def first_view():
            jrpc("care.map", "get_map_config")
            return jrpc("care.map", "get_map_data", city)

        calls = {
            "first_view": first_view,
            "city": lambda: jrpc("care.map", "get_map_data", city),
            "district": lambda: jrpc("care.map", "get_map_data", box(*mid, 5)),
            "street": lambda: jrpc("care.map", "get_map_data", box(*mid, 1)),
            "orders_only": lambda: jrpc(
                "care.map",
                "get_map_data",
                city,
                layers=["orders"],
                filters={"orders": {"urgencies": ["urgent", "emergency"]}},
            ),
        }
        shapes = {}
        for name, call in calls.items():  # warm-up, and what each call returns
            data = call()
            shapes[name] = {
                layer: f"{len(part['features'])} points / {len(part['clusters'])} clusters"
                for layer, part in data.items()
            }
        rows, result = [], {"run": run_info(), "args": vars(args) | {"logs": ""}}
        for name, call in calls.items():
            times = timed(call, args.queries)
            median = statistics.median(times)
            p95 = sorted(times)[max(int(len(times) * 0.95) - 1, 0)]
            target = TARGETS.get(name)
            verdict = "" if target is None else ("PASS" if median < target else "FAIL")
            result[name] = {
                "median_ms": median,
                "p95_ms": p95,
                "target_ms": target,
                "returns": shapes[name],
            }
            returns = "; ".join(f"{k}: {v}" for k, v in shapes[name].items())
            rows.append(
                (name, f"{median:.0f}", f"{p95:.0f}", target or "", verdict, returns)
            )
        print(f"{args.elders} elders, {args.orders} open orders\n")
        header = ("call", "median ms", "p95 ms", "target ms", "", "returns")
        print("\n".join(table(header, rows)))
        save_result("map", result)
    finally:
        server.terminate()
        server.wait(30)


if __name__ == "__main__":
    main()
