#!/usr/bin/env python3
"""Benchmark of voucher accounting at scale, in-process (no HTTP).

In one run: create the database with care_vouchers (no demo data) unless
--reuse finds it, then load 100,000 elders aged 80+ (SQL) with an active
entitlement each in one programme (100 a month, half of the price, carried
within the year). Then time:

* issue_month: ``care.voucher.programme._issue_month()`` posting a month for
  every entitlement (one run per month, the first 10 months of the year:
  1,000,000 ledger lines at the end; a second run of a month posts nothing);
* reconciliation: the month-end reconciliation over the whole ledger, as the
  ledger's pivot reads it (``read_group`` by programme, kind and month), as
  finance with record rules;
* report_month: the reconciliation report (``care.voucher.report``, the SQL
  view) of one month by community, as finance: what the printed statement
  reads;
* close_month: ``_close_month()`` of December (expires every balance);
* balance: one elder's balance and this month's burn-down as an agent sees
  it (``read`` of balance / issued / redeemed / booked), random elders;
* parallel: 8 redeemers completing 1,000 service orders of 200 elders in
  parallel transactions (retrying on serialization failures as Odoo's RPC
  layer does); the balances must reconcile exactly with the ledger.

Prints a markdown table (median, p90, min, max ms; targets PASS/FAIL) and
writes the same as JSON to bench/results/.
"""

import random
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_lookup import bench_args, run_info, save_result
from bench_reception import stats, timing_table

ROOT = Path(__file__).resolve().parent.parent
TARGETS_MS = {"issue_month": 60000, "reconciliation": 5000, "balance": 20}
OPTIONS = [
    ("--elders", int, 100000, "elders with an entitlement (default 100,000)"),
    ("--months", int, 10, "months issued (default 10: 1,000,000 lines)"),
    ("--orders", int, 1000, "orders redeemed in parallel (default 1,000)"),
    ("--workers", int, 8, "parallel redeemers (default 8)"),
    ("--runs", int, 50, "timed runs of the read calls (default 50)"),
    ("--seed", int, 6, "random seed of the data"),
    ("--db", str, "care_bench_vouchers", "database"),
]
YEAR = 2026


def setup(env, args):
    """Elders (SQL), one programme, an active entitlement per elder."""
    Programme = env["care.voucher.programme"]
    programme = Programme.search([("name", "=", "bench")])
    if programme:
        return programme
    cr = env.cr
    age_80 = env.ref("elder_crm.subsidy_category_age_80")
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
        SELECT id, %(company)s, 'active', 'free', now(), now() FROM p
        """,
        {"company": company, "n": args.elders},
    )
    cr.execute(
        "INSERT INTO care_elder_care_subsidy_category_rel "
        "(care_elder_id, care_subsidy_category_id) SELECT id, %s FROM care_elder",
        [age_80.id],
    )
    env.invalidate_all()
    housekeeping = env.ref("care_dispatch.cat_housekeeping")
    programme = Programme.create(
        {
            "name": "bench",
            "funding_partner_id": env.company.partner_id.id,
            "date_start": date(YEAR, 1, 1),
            "amount_ids": [(0, 0, {"subsidy_category_id": age_80.id, "amount": 100})],
            "covered_share": 50,
            "rollover": "carry_within_year",
            "service_category_ids": [(6, 0, housekeeping.ids)],
        }
    )
    cr.execute(
        """
        INSERT INTO care_voucher_entitlement (elder_id, programme_id, company_id, state,
                                              date_start, approval_ref, ledger_version,
                                              create_date, write_date)
        SELECT id, %s, company_id, 'active', %s, 'bench', 0, now(), now()
          FROM care_elder
        """,
        [programme.id, date(YEAR, 1, 1)],
    )
    # the basis finance confirmed: the elders' categories (issuance pays it)
    cr.execute(
        """
        INSERT INTO care_voucher_entitlement_basis_category_rel
               (entitlement_id, category_id)
        SELECT e.id, r.care_subsidy_category_id
          FROM care_voucher_entitlement e
          JOIN care_elder_care_subsidy_category_rel r ON r.care_elder_id = e.elder_id
         WHERE e.programme_id = %s
        """,
        [programme.id],
    )
    env.cr.commit()
    return programme


def measure_issue(env, programme, args):
    times, posted, again = [], [], None
    env.cr.execute("SELECT count(*) FROM care_voucher_line")
    if env.cr.fetchone()[0] >= args.elders * args.months:
        return None, None, None  # --reuse: already issued
    for month in range(1, args.months + 1):
        began = time.perf_counter()
        posted.append(programme._issue_month(date(YEAR, month, 1)))
        env.cr.commit()
        times.append((time.perf_counter() - began) * 1000)
    began = time.perf_counter()
    again = programme._issue_month(date(YEAR, 1, 1))
    rerun_ms = (time.perf_counter() - began) * 1000
    env.cr.commit()
    return stats(times), posted, {"posted": again, "ms": round(rerun_ms, 1)}


def measure_reads(env, programme, args, rng):
    results = {}
    finance = env["res.users"].create(
        {
            "name": "bench finance",
            "login": f"bench_finance_{time.time_ns()}",
            "groups_id": [(6, 0, [env.ref("elder_crm.group_care_finance").id])],
        }
    )
    agent = env["res.users"].create(
        {
            "name": "bench agent",
            "login": f"bench_agent_{time.time_ns()}",
            "groups_id": [(6, 0, [env.ref("elder_crm.group_care_dispatcher").id])],
        }
    )
    Line = env(user=finance.id)["care.voucher.line"]

    def reconciliation():
        return Line.read_group(
            [("programme_id", "=", programme.id)],
            ["amount:sum"],
            ["kind", "period:month"],
            lazy=False,
        )

    reconciliation()
    times = []
    for _run in range(max(5, args.runs // 5)):
        began = time.perf_counter()
        reconciliation()
        times.append((time.perf_counter() - began) * 1000)
    results["reconciliation"] = stats(times)

    Report = env(user=finance.id)["care.voucher.report"]
    last = date(YEAR, args.months, 1)

    def statement():
        return Report.read_group(
            [("period", "=", last), ("programme_id", "=", programme.id)],
            [f"{m}:sum" for m in ("issued", "redeemed", "expired", "outstanding")],
            ["community_id"],
            lazy=False,
        )

    statement()
    times = []
    for _run in range(max(5, args.runs // 5)):
        began = time.perf_counter()
        statement()
        times.append((time.perf_counter() - began) * 1000)
    results["report_month"] = stats(times)

    env.cr.execute("SELECT id FROM care_voucher_entitlement")
    ids = [row[0] for row in env.cr.fetchall()]
    Entitlement = env(user=agent.id)["care.voucher.entitlement"]
    fields_ = ["balance", "month_issued", "month_redeemed", "month_booked"]
    Entitlement.browse(ids[0]).read(fields_)
    times = []
    for _run in range(args.runs):
        entitlement = Entitlement.browse(rng.choice(ids))
        began = time.perf_counter()
        entitlement.read(fields_)
        times.append((time.perf_counter() - began) * 1000)
        env.invalidate_all()
    results["balance"] = stats(times)

    began = time.perf_counter()
    expired = programme._close_month(date(YEAR, 12, 1))
    results["close_month"] = {
        **stats([(time.perf_counter() - began) * 1000]),
        "expired": expired,
    }
    env.cr.rollback()
    return results


def parallel(registry, programme_id, args, rng):
    """8 redeemers, 1,000 orders of 200 elders, balances reconcile exactly."""
    from odoo import SUPERUSER_ID, api, fields

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        housekeeping = env.ref("care_dispatch.cat_housekeeping")
        territory = env["res.territory"].create({"name": "bench"})
        provider = env["care.provider"].create(
            {
                "name": "bench provider",
                "category_ids": [(6, 0, housekeeping.ids)],
                "territory_ids": [(6, 0, territory.ids)],
                "qualification_ids": [
                    (0, 0, {"kind": "business_licence", "date_expiry": "2099-01-01"})
                ],
                "price_ids": [(0, 0, {"category_id": housekeeping.id, "price": 80})],
            }
        )
        provider.action_approve()
        cr.execute(
            "SELECT elder_id FROM care_voucher_entitlement WHERE programme_id = %s "
            "ORDER BY id LIMIT 200",
            [programme_id],
        )
        elders = env["care.elder"].browse([row[0] for row in cr.fetchall()])
        for elder in elders:
            elder.write({"street": f"幸福里{elder.id}号", "city": "朝阳区"})
        programme = env["care.voucher.programme"].browse(programme_id)
        # this month issued for the bench elders, whatever the year
        programme.date_end = False
        programme._issue_month(fields.Date.today())
        t0 = fields.Datetime.now()
        quiet = env(context={"tracking_disable": True, "mail_notrack": True})
        orders = quiet["fsm.order"].create(
            [
                {
                    "care_elder_id": rng.choice(elders).id,
                    "care_category_id": housekeeping.id,
                    "care_provider_id": provider.id,
                    "request_early": t0 + timedelta(minutes=5),
                    "request_late": t0 + timedelta(hours=3),
                }
                for _i in range(args.orders)
            ]
        )
        now = fields.Datetime.now()
        orders.write({"care_checkin_at": now, "care_checkout_at": now, "date_end": now})
        env["ir.attachment"].create(
            [
                {
                    "name": "p.png",
                    "raw": b"\x89PNG\r\n\x1a\n",
                    "mimetype": "image/png",
                    "res_model": "fsm.order",
                    "res_id": order.id,
                }
                for order in orders
            ]
        )
        order_ids = orders.ids
        cr.commit()

    retries, errors = [0], []
    lock = threading.Lock()

    def work(chunk):
        for order_id in chunk:
            for _attempt in range(50):
                with registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
                    try:
                        env["fsm.order"].browse(order_id).action_complete()
                        cr.commit()
                        break
                    except Exception as error:
                        cr.rollback()
                        if "could not serialize" not in str(error):
                            errors.append(repr(error))
                            break
                        with lock:
                            retries[0] += 1
            else:
                errors.append(f"{order_id}: still failing")

    chunks = [order_ids[i :: args.workers] for i in range(args.workers)]
    threads = [threading.Thread(target=work, args=(chunk,)) for chunk in chunks]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    with registry.cursor() as cr:
        cr.execute(
            """
            SELECT COUNT(*) FILTER (WHERE balance < 0),
                   COALESCE(SUM(redeemed), 0)
              FROM (SELECT entitlement_id, SUM(amount) AS balance,
                           -SUM(amount) FILTER (WHERE kind = 'redeem'
                                                 AND order_id IN %(orders)s) AS redeemed
                      FROM care_voucher_line l
                      JOIN care_voucher_entitlement e ON e.id = l.entitlement_id
                     WHERE e.elder_id IN (SELECT care_elder_id FROM fsm_order
                                           WHERE id IN %(orders)s)
                  GROUP BY entitlement_id) b
            """,
            {"orders": tuple(order_ids)},
        )
        negative, redeemed = cr.fetchone()
        cr.execute(
            "SELECT COUNT(*) FILTER (WHERE care_voucher_state = 'redeemed'), "
            "COALESCE(SUM(care_voucher_amount), 0) FROM fsm_order WHERE id IN %s",
            [tuple(order_ids)],
        )
        done, paid = cr.fetchone()
    return {
        "orders": len(order_ids),
        "workers": args.workers,
        "seconds": round(seconds, 1),
        "retries": retries[0],
        "errors": errors[:5],
        "redeemed_orders": done,
        "negative_balances": negative,
        "ledger_redeemed": float(redeemed),
        "orders_paid": float(paid),
        "reconciles": not errors
        and negative == 0
        and done == len(order_ids)
        and round(float(redeemed), 2) == round(float(paid), 2),
    }


def report(result):
    lines = [
        f"Vouchers: {result['entitlements']:,} entitlements, "
        f"{result['lines']:,} ledger lines, {result['nproc']} cores",
        "",
        *timing_table(result["results"], TARGETS_MS),
        "",
    ]
    if result.get("posted"):
        lines.append(
            f"Lines posted per month: {result['posted'][0]:,}; a second run of "
            f"a month posted {result['rerun']['posted']} in {result['rerun']['ms']} ms."
        )
    close = result["results"]["close_month"]
    lines.append(f"close_month expired {close['expired']:,} balances.")
    par = result["parallel"]
    lines.append(
        f"Parallel: {par['workers']} redeemers, {par['orders']:,} orders in "
        f"{par['seconds']} s, {par['retries']} retries on serialization failures, "
        f"{par['negative_balances']} negative balances, ledger redeemed "
        f"{par['ledger_redeemed']:.2f} = orders paid {par['orders_paid']:.2f}: "
        f"{'reconciles' if par['reconciles'] else 'DOES NOT RECONCILE'}."
    )
    return "\n".join(lines)


def main():
    args = bench_args(
        __doc__,
        OPTIONS,
        "care_vouchers",
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
        programme = setup(env, args)
        issue, posted, rerun = measure_issue(env, programme, args)
        results = measure_reads(env, programme, args, rng)
        if issue:
            results["issue_month"] = issue
        cr.execute("SELECT count(*) FROM care_voucher_line")
        lines = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM care_voucher_entitlement")
        entitlements = cr.fetchone()[0]
        programme_id = programme.id
    par = parallel(registry, programme_id, args, rng)
    result = {
        **run_info(),
        "db": args.db,
        "entitlements": entitlements,
        "lines": lines,
        "posted": posted,
        "rerun": rerun,
        "results": results,
        "parallel": par,
    }
    print(report(result))
    save_result(f"vouchers_{args.db}_{args.elders}", result)
    failed = [
        n
        for n, limit in TARGETS_MS.items()
        if n in results and results[n]["median_ms"] >= limit
    ]
    return 1 if failed or not par["reconciles"] else 0


if __name__ == "__main__":
    sys.exit(main())
