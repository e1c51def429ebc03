#!/usr/bin/env python3
"""Benchmark of dispatch at scale, in-process (no HTTP).

In one run: create the database with care_dispatch (no demo data) unless
--reuse finds it, then load 50 territories (one per street office, each with
a community and a grid), 20 services, 500 providers (each serving 4 services
in 3 territories, with licences, some lapsed, some suspended), 2,000 elders
with their service location, and 100,000 past orders over the last year
(SQL, in batches; most completed, the rest at every stage). Then time, as a
dispatcher (record rules apply):

* proposal: ``fsm.order.care_propose_providers()`` for a new order of a
  random elder and service (the ranking of the eligible providers);
* board_list: the Service Orders list's first page (``web_search_read``, 80
  rows, the list's fields), newest first;
* board_kanban: the board grouped by stage (``web_read_group`` + the first
  40 cards of each column);
* report_month: ``care.service.report.read_group`` of one month by service
  and community (as the care manager);
* checkin: ``fsm.order.action_care_checkin(lat, lon)`` on a dispatched order
  (as the dispatcher), and evv_verify: the proof-of-visit verification that
  call makes (distance to the elder's home, minutes from the planned start).

Prints a markdown table (median, p90, min, max ms; targets PASS/FAIL) and
writes the same as JSON to bench/results/.
"""

import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_lookup import bench_args, run_info, save_result
from bench_reception import stats, timing_table

ROOT = Path(__file__).resolve().parent.parent
TARGETS_MS = {
    "proposal": 50,
    "board_list": 500,
    "report_month": 1000,
    "evv_verify": 10,
}
OPTIONS = [
    ("--orders", int, 100000, "past orders to load (default 100,000)"),
    ("--providers", int, 500, "providers (default 500)"),
    ("--territories", int, 50, "territories (default 50)"),
    ("--elders", int, 2000, "elders (default 2,000)"),
    ("--runs", int, 50, "timed runs of each call (default 50)"),
    ("--seed", int, 4, "random seed of the data"),
    ("--db", str, "care_bench_dispatch", "database"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "建国秀英桂兰玉珍明华志强淑芬丽凤德海文军平红梅春荣福"


def setup(env, args, rng):
    """Territories, services, providers, elders (ORM, once)."""
    if env["care.provider"].search_count([]) >= args.providers:
        return
    quiet = env(
        context={
            "tracking_disable": True,
            "mail_create_nolog": True,
            "mail_notrack": True,
            "no_reset_password": True,
        }
    )
    Community = quiet["care.community"]
    grids = []
    territories = quiet["res.territory"].create(
        [{"name": f"片区{i:02d}"} for i in range(args.territories)]
    )
    for index, territory in enumerate(territories):
        street = Community.create(
            {"name": f"街道{index:02d}", "kind": "street", "territory_id": territory.id}
        )
        community = Community.create(
            {"name": f"社区{index:02d}", "kind": "community", "parent_id": street.id}
        )
        grids.append(
            Community.create(
                {"name": "第一网格", "kind": "grid", "parent_id": community.id}
            )
        )
    Category = quiet["care.service.category"]
    categories = Category.search([])
    categories |= Category.create(
        [
            {"name": f"服务项目{i:02d}", "duration": 1.0, "price": 50 + 10 * i}
            for i in range(max(0, 20 - len(categories)))
        ]
    )
    today = datetime.now().date()
    providers = quiet["care.provider"].create(
        [
            {
                "name": f"服务商{i:03d}",
                "capacity": rng.randint(10, 60),
                "category_ids": [(6, 0, rng.sample(categories.ids, 4))],
                "territory_ids": [(6, 0, rng.sample(territories.ids, 3))],
                "qualification_ids": [
                    (
                        0,
                        0,
                        {
                            "kind": kind,
                            "date_expiry": today
                            + timedelta(days=rng.randint(-30, 700)),
                        },
                    )
                    for kind in (
                        "business_licence",
                        "service_licence",
                        "medical_licence",
                        "food_licence",
                    )
                ],
            }
            for i in range(args.providers)
        ]
    )
    env.cr.execute(
        "UPDATE care_provider SET state = CASE WHEN random() < 0.9 THEN 'approved' "
        "ELSE 'suspended' END, rating = 2 + random() * 3 WHERE id IN %s",
        [tuple(providers.ids)],
    )
    env.invalidate_all()
    elders = quiet["care.elder"].create(
        [
            {
                "name": rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)),
                "street": f"幸福里{i}号",
                "city": "朝阳区",
                "grid_id": rng.choice(grids).id,
                "state": "active",
            }
            for i in range(args.elders)
        ]
    )
    for elder in elders:
        elder._care_fsm_location()
    env.cr.commit()


def load_orders(env, args, rng):
    """Past orders in SQL batches (their steps' times included)."""
    from psycopg2.extras import execute_values

    have = env["fsm.order"].search_count([])
    if have >= args.orders:
        return None
    began = time.perf_counter()
    env.cr.execute(
        "SELECT e.id, e.fsm_location_id, l.territory_id FROM care_elder e "
        "JOIN fsm_location l ON l.id = e.fsm_location_id"
    )
    elders = env.cr.fetchall()
    providers = {}
    for provider in env["care.provider"].search([("state", "=", "approved")]):
        for territory in provider.territory_ids.ids:
            for category in provider.category_ids.ids:
                providers.setdefault((territory, category), []).append(provider.id)
    stages = {
        xmlid: env.ref(xmlid).id
        for xmlid in (
            "fieldservice.fsm_stage_new",
            "care_dispatch.fsm_stage_dispatched",
            "care_dispatch.fsm_stage_accepted",
            "care_dispatch.fsm_stage_in_progress",
            "fieldservice.fsm_stage_completed",
            "fieldservice.fsm_stage_cancelled",
        )
    }
    categories = env["care.service.category"].search([]).ids
    team = env.ref("fieldservice.fsm_team_default").id
    company = env.company.id
    now = datetime.now().replace(microsecond=0)
    batch = 10000
    for start in range(have, args.orders, batch):
        rows = []
        for i in range(start, min(start + batch, args.orders)):
            elder, location, territory = rng.choice(elders)
            category = rng.choice(categories)
            created = now - timedelta(minutes=rng.randint(10, 365 * 24 * 60))
            stage = rng.choices(list(stages.values()), [2, 2, 2, 1, 88, 5])[0]
            candidates = providers.get((territory, category)) or [None]
            provider = (
                rng.choice(candidates)
                if stage != stages["fieldservice.fsm_stage_new"]
                else None
            )
            dispatched = created + timedelta(minutes=rng.randint(2, 240))
            accepted = dispatched + timedelta(minutes=rng.randint(5, 600))
            checkin = accepted + timedelta(hours=rng.randint(1, 48))
            checkout = checkin + timedelta(minutes=rng.randint(30, 180))
            rows.append(
                (
                    f"FO{i + 1:07d}",
                    location,
                    team,
                    company,
                    stage,
                    elder,
                    category,
                    provider,
                    "normal",
                    created,
                    created,
                    created,
                    created + timedelta(days=2),
                    dispatched if provider else None,
                    accepted if provider else None,
                    checkin if provider else None,
                    checkout if provider else None,
                    checkout if provider else None,
                )
            )
        execute_values(
            env.cr._obj,
            """
            INSERT INTO fsm_order (name, location_id, team_id, company_id, stage_id,
                   care_elder_id, care_category_id, care_provider_id, care_urgency,
                   create_date, write_date, request_early, request_late,
                   care_dispatched_at, care_accepted_at, care_checkin_at,
                   care_checkout_at, date_end)
            VALUES %s
            """,
            rows,
        )
        env.cr.commit()
        print(f"  {min(start + batch, args.orders)} orders", file=sys.stderr)
    env.cr.execute("ANALYZE fsm_order; ANALYZE care_provider; ANALYZE care_elder")
    env.cr.commit()
    return time.perf_counter() - began


def measure(env, args, rng):
    dispatcher = env["res.users"].search([("login", "=", "bench_dispatcher")])
    if not dispatcher:
        dispatcher = (
            env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "调度员",
                    "login": "bench_dispatcher",
                    "groups_id": [
                        (6, 0, [env.ref("elder_crm.group_care_dispatcher").id])
                    ],
                }
            )
        )
    manager = env.ref("base.user_admin")
    env.cr.commit()
    as_dispatcher = env(user=dispatcher.id)
    Order = as_dispatcher["fsm.order"]
    elders = env["care.elder"].search([("fsm_location_id", "!=", False)]).ids
    categories = env["care.service.category"].search([]).ids
    # new orders to propose for (rolled back at the end)
    news = Order.create(
        [
            {
                "care_elder_id": rng.choice(elders),
                "care_category_id": rng.choice(categories),
            }
            for _i in range(args.runs)
        ]
    )
    results = {}
    times, found = [], []
    news[0].care_propose_providers()  # warm-up
    for order in news:
        began = time.perf_counter()
        ranking = order.care_propose_providers()
        times.append((time.perf_counter() - began) * 1000)
        found.append(len(ranking))
    results["proposal"] = {
        **stats(times),
        "median_candidates": statistics.median(found),
    }
    action_domain = [("care_elder_id", "!=", False)]
    spec = {
        name: {}
        for name in (
            "scheduled_date_start",
            "name",
            "care_urgency",
            "stage_id",
            "company_id",
        )
    }
    spec.update(
        {
            name: {"fields": {"display_name": {}}}
            for name in (
                "care_elder_id",
                "care_category_id",
                "care_provider_id",
                "location_id",
                "person_id",
            )
        }
    )

    def board_list():
        return Order.web_search_read(action_domain, spec, limit=80, order="id desc")

    def board_kanban():
        return Order.web_read_group(
            action_domain, ["stage_id"], ["stage_id"], lazy=False
        ) and [
            Order.web_search_read(
                [*action_domain, ("stage_id", "=", stage)], spec, limit=40
            )
            for stage in env["fsm.stage"].search([("stage_type", "=", "order")]).ids
        ]

    month_start = (datetime.now().replace(day=1) - timedelta(days=1)).replace(day=1)
    month_end = datetime.now().replace(day=1)
    Report = env(user=manager.id)["care.service.report"]

    def report_month():
        return Report.read_group(
            [("date", ">=", month_start), ("date", "<", month_end)],
            ["count:sum", "done:sum", "hours_dispatch:avg", "hours_done:avg"],
            ["category_id", "community_id"],
            lazy=False,
        )

    # check-in with the proof of visit: the whole call, and the verification
    # it adds (place and time against the elder's home and planned start)
    now = datetime.now().replace(microsecond=0)
    dispatched = Order.browse()
    for order in news:
        order.care_elder_id.partner_id.sudo().write(
            {"partner_latitude": 39.92, "partner_longitude": 116.46}
        )
        order.write({"scheduled_date_start": now})
        if order.care_propose_providers():
            order.action_care_dispatch()  # the best proposed provider
            dispatched |= order
    times, verify = [], []
    for order in dispatched:
        position = (39.92 + rng.uniform(-0.002, 0.002), 116.46)
        began = time.perf_counter()
        order._care_evv_checkin(*position, now)
        verify.append((time.perf_counter() - began) * 1000)
        order.invalidate_recordset()
        began = time.perf_counter()
        order.action_care_checkin(*position)
        times.append((time.perf_counter() - began) * 1000)
    results["checkin"] = stats(times)
    results["evv_verify"] = stats(verify)
    for name, call in (
        ("board_list", board_list),
        ("board_kanban", board_kanban),
        ("report_month", report_month),
    ):
        call()
        times = []
        for _run in range(args.runs):
            began = time.perf_counter()
            call()
            times.append((time.perf_counter() - began) * 1000)
        results[name] = stats(times)
    env.cr.rollback()
    return results


def report(result):
    lines = [
        f"Dispatch: {result['orders']:,} orders, {result['providers']} providers, "
        f"{result['territories']} territories, {result['categories']} services, "
        f"{result['nproc']} cores",
        "",
        *timing_table(result["results"], TARGETS_MS),
    ]
    lines.append("")
    lines.append(
        f"Eligible providers per proposal (median): "
        f"{result['results']['proposal']['median_candidates']}."
    )
    if result["load_s"]:
        lines.append(f"Orders loaded in {result['load_s']:.0f} s.")
    return "\n".join(lines)


def main():
    args = bench_args(
        __doc__,
        OPTIONS,
        "care_dispatch",
        "use the database if it exists and keep it",
    )
    import odoo
    from odoo import SUPERUSER_ID, api

    odoo.tools.config.parse_config(
        ["-c", args.config, "-d", args.db], setup_logging=False
    )
    registry = odoo.modules.registry.Registry(args.db)
    rng = random.Random(args.seed)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        setup(env, args, rng)
        load_s = load_orders(env, args, rng)
        results = measure(env, args, rng)
        counts = {
            "orders": env["fsm.order"].search_count([]),
            "providers": env["care.provider"].search_count([]),
            "territories": env["res.territory"].search_count([]),
            "categories": env["care.service.category"].search_count([]),
        }
    result = {
        **run_info(),
        "db": args.db,
        **counts,
        "load_s": load_s,
        "results": results,
    }
    print(report(result))
    save_result(f"dispatch_{args.db}_{args.orders}", result)
    failed = [n for n, limit in TARGETS_MS.items() if results[n]["median_ms"] >= limit]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
