#!/usr/bin/env python3
"""Benchmark of care_plans, in-process (no HTTP).

In one run: create the database with care_plans (no demo data) unless
--reuse finds it, load E elders (SQL, default 100,000), a plan including 4
housekeeping visits a month, then:

* sign: C plans signed through the signing code path (``_care_sign``: the
  OCA contract and its line; default 2,000), timed per plan;
* invoice_month: OCA contract's own cron (``_cron_recurring_create`` of the
  first of next month) invoicing the C contracts at once; the time for
  20,000 contracts is extrapolated linearly from C when C < 20,000 (the
  cron works contract by contract), and said so;
* quota_lookup: what one elder's plan has left this month
  (``care.elder.care_plan_quota``, as a receptionist, caches cleared), for
  random elders, with a running plan for every one of the E elders
  (inserted with SQL, a quota row used for a third of them).

Prints a markdown table (median, p90, min, max ms; targets PASS/FAIL) and
writes the same as JSON to bench/results/.
"""

import random
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_lookup import bench_args, run_info, save_result
from bench_reception import stats, timing_table

TARGETS_MS = {"quota_lookup": 20}
TARGET_INVOICING_S = 600  # 20,000 contracts in less than 10 minutes
OPTIONS = [
    ("--elders", int, 100000, "elders, each with a running plan (default 100,000)"),
    ("--contracts", int, 2000, "plans signed with an OCA contract (default 2,000)"),
    ("--runs", int, 200, "timed quota lookups (default 200)"),
    ("--seed", int, 19, "random seed"),
    ("--db", str, "care_bench_plans", "database"),
]


def setup(env, args):
    """Elders (SQL), the plan, C signed plans (ORM) and a running plan for
    every other elder (SQL). Returns (plan, sign timings)."""
    plan = env["care.plan"].search([("name", "=", "bench")])
    if plan:
        return plan, []
    cr = env.cr
    company = env.company.id
    cr.execute(
        """
        WITH p AS (
            INSERT INTO res_partner (name, complete_name, active, type, company_id,
                                     autopost_bills, is_company, create_date, write_date)
            SELECT '老人' || i, '老人' || i, TRUE, 'contact', %(company)s, 'ask', FALSE,
                   now(), now()
              FROM generate_series(1, %(n)s) i
         RETURNING id
        )
        INSERT INTO care_elder (partner_id, company_id, state, service_tier,
                                create_date, write_date)
        SELECT id, %(company)s, 'active', 'paid', now(), now() FROM p
        """,
        {"company": company, "n": args.elders},
    )
    env.invalidate_all()
    housekeeping = env.ref("care_dispatch.cat_housekeeping")
    plan = env["care.plan"].create(
        {
            "name": "bench",
            "monthly_fee": 199,
            "line_ids": [(0, 0, {"category_id": housekeeping.id, "quota": 4})],
        }
    )
    elders = env["care.elder"].search([], order="id")
    signed = elders[: args.contracts]
    Subscription = env["care.plan.subscription"].with_context(
        tracking_disable=True, mail_notrack=True
    )
    start = date.today().replace(day=1)
    times = []
    for elder in signed:
        t0 = time.perf_counter()
        Subscription._care_sign(elder, plan, day=start)
        times.append((time.perf_counter() - t0) * 1000)
    env.flush_all()
    cr.execute(
        """
        INSERT INTO care_plan_subscription (name, elder_id, plan_id, payer_id,
                                            company_id, date_start, state,
                                            create_date, write_date)
        SELECT 'bench', e.id, %(plan)s, e.partner_id, e.company_id, %(start)s,
               'active', now(), now()
          FROM care_elder e
         WHERE NOT EXISTS (SELECT 1 FROM care_plan_subscription s
                            WHERE s.elder_id = e.id)
        """,
        {"plan": plan.id, "start": start},
    )
    cr.execute(
        """
        INSERT INTO care_plan_quota (subscription_id, elder_id, category_id, period,
                                     allowance, used, create_date, write_date)
        SELECT id, elder_id, %(category)s, %(start)s, 4, 1 + id %% 3, now(), now()
          FROM care_plan_subscription WHERE id %% 3 = 0
        """,
        {"category": housekeeping.id, "start": start},
    )
    cr.execute("ANALYZE")
    env.invalidate_all()
    cr.commit()
    return plan, times


def measure_invoicing(env, args):
    """OCA's cron on the first of next month over the C contracts."""
    today = date.today()
    next_month = date(today.year + today.month // 12, today.month % 12 + 1, 1)
    Contract = env["contract.contract"].with_context(tracking_disable=True)
    due = Contract.search_count([("recurring_next_date", "<=", next_month)])
    t0 = time.perf_counter()
    Contract._cron_recurring_create(next_month)
    env.flush_all()
    seconds = time.perf_counter() - t0
    env.cr.execute(
        "SELECT count(*) FROM account_move WHERE invoice_date = %s", [next_month]
    )
    invoices = env.cr.fetchone()[0]
    env.cr.rollback()  # the same month can be measured again with --reuse
    per_contract = seconds / max(due, 1)
    return {
        "contracts_due": due,
        "invoices": invoices,
        "seconds": round(seconds, 1),
        "ms_per_contract": round(per_contract * 1000, 1),
        "extrapolated_20000_s": round(per_contract * 20000, 1),
        "extrapolated": due < 20000,
    }


def measure_lookup(env, args, rng):
    reception = env["res.users"].search([("login", "=", "bench_reception")])
    if not reception:
        reception = env["res.users"].create(
            {
                "name": "bench reception",
                "login": "bench_reception",
                "groups_id": [(6, 0, [env.ref("elder_crm.group_care_reception").id])],
            }
        )
        env.cr.commit()
    env.cr.execute("SELECT min(id), max(id) FROM care_elder")
    low, high = env.cr.fetchone()
    Elder = env(user=reception.id)["care.elder"]
    times = []
    for _i in range(args.runs):
        elder = Elder.browse(rng.randint(low, high))
        env.invalidate_all()
        t0 = time.perf_counter()
        rows = elder.care_plan_quota()[str(elder.id)]
        times.append((time.perf_counter() - t0) * 1000)
        assert rows and rows[0]["quota"] == 4, rows
    return stats(times)


def report(result):
    inv = result["invoicing"]
    lines = [
        f"Plans: {result['elders']:,} elders with a running plan, "
        f"{inv['contracts_due']:,} OCA contracts, {result['nproc']} cores",
        "",
        *timing_table(result["results"], TARGETS_MS),
        "",
        f"Invoicing (OCA cron): {inv['contracts_due']:,} contracts, "
        f"{inv['invoices']:,} invoices in {inv['seconds']} s "
        f"({inv['ms_per_contract']} ms a contract); 20,000 contracts: "
        f"{inv['extrapolated_20000_s']} s"
        f"{' (extrapolated linearly)' if inv['extrapolated'] else ''}, target "
        f"< {TARGET_INVOICING_S} s: "
        f"{'PASS' if inv['extrapolated_20000_s'] < TARGET_INVOICING_S else 'FAIL'}.",
    ]
    return "\n".join(lines)


def main():
    args = bench_args(
        __doc__, OPTIONS, "care_plans", "use the database if it exists and keep it"
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
        _plan, sign_times = setup(env, args)
        results = {}
        if sign_times:
            results["sign"] = stats(sign_times)
        results["quota_lookup"] = measure_lookup(env, args, rng)
        invoicing = measure_invoicing(env, args)
        cr.execute("SELECT count(*) FROM care_elder")
        elders = cr.fetchone()[0]
    result = {
        **run_info(),
        "db": args.db,
        "elders": elders,
        "results": results,
        "invoicing": invoicing,
    }
    print(report(result))
    save_result(f"plans_{args.db}_{args.contracts}", result)
    failed = [
        n
        for n, limit in TARGETS_MS.items()
        if n in results and results[n]["median_ms"] >= limit
    ]
    if invoicing["extrapolated_20000_s"] >= TARGET_INVOICING_S:
        failed.append("invoice_month")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
