#!/usr/bin/env python3
"""Benchmark of care_health at scale, in-process (no HTTP).

In one run: create the database with care_health (no demo data) unless
--reuse finds it, then load with SQL (once): E elders (default 100,000) in 20
communities, a family-doctor team, P registered patients (default 20,000;
7 in 10 hypertensive) with a contract each and a year of follow-ups (five
each, every class), referrals and interventions, and V vitals (default
5,000,000) over the last year for the patients and as many other elders,
then ANALYZE. Then time:

* trend_rules: a day's N new readings (default 200,000: inserted with SQL in
  a savepoint, one in ten raised) through the trend rules as ``create``
  runs them (``care.health.reading._run_trend_rules``: every active rule
  over the batch, the interventions they open with their activities),
  ``--trend-runs`` times (default 3), each rolled back;
* indicators_team: ``care.health.team._indicators`` of the last quarter (the
  team form's indicators);
* report_quarter: the quarterly report per community (``care.health.quarterly
  ._report_lines``, the quarter and its three months: 4 periods x 3 queries),
  as the team leader; ``--runs`` times (default 10).

Prints a markdown table (median, p90, min, max ms; targets PASS/FAIL) and
writes the same as JSON to bench/results/. Exits 1 if a target fails.
"""

import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_lookup import bench_args, run_info, save_result
from bench_reception import stats, timing_table

TARGETS_MS = {"trend_rules": 60000, "indicators_team": 2000, "report_quarter": 2000}
OPTIONS = [
    ("--db", str, "care_bench_health", "database (default: %(default)s)"),
    ("--elders", int, 100000, "elders (default 100,000)"),
    ("--patients", int, 20000, "registered patients (default 20,000)"),
    ("--vitals", int, 5000000, "readings of the last year (default 5,000,000)"),
    ("--new", int, 200000, "a day's new readings (default 200,000)"),
    ("--trend-runs", int, 3, "timed runs of the trend rules (default 3)"),
    ("--runs", int, 10, "timed runs of the indicators (default 10)"),
    ("--seed", int, 18, "random seed of the data"),
]
CHUNK = 500000


def setup(env, args):
    """Everything but the new readings, once (the bench team marks it)."""
    cr = env.cr
    Team = env["care.health.team"]
    team = Team.search([("name", "=", "Bench team")])
    if team:
        cr.execute("SELECT count(*) FROM care_health_reading")
        if cr.fetchone()[0] >= args.vitals:
            return team
    else:
        team = Team.create(
            {"name": "Bench team", "leader_id": env.ref("base.user_admin").id}
        )
    started = time.monotonic()
    company = env.company.id
    street = env["care.community"].create({"name": "Bench street", "kind": "street"})
    communities = env["care.community"].create(
        [
            {
                "name": f"Bench community {i}",
                "kind": "community",
                "parent_id": street.id,
            }
            for i in range(20)
        ]
    )
    cr.execute("SELECT count(*) FROM care_elder")
    if cr.fetchone()[0] < args.elders:
        cr.execute(
            """
            WITH p AS (
                INSERT INTO res_partner (name, complete_name, active, type, company_id,
                                         is_company, create_date, write_date)
                SELECT '老人' || i, '老人' || i, TRUE, 'contact', %(company)s, FALSE,
                       now(), now()
                  FROM generate_series(1, %(n)s) i
             RETURNING id
            )
            INSERT INTO care_elder (partner_id, company_id, state, service_tier,
                                    community_id, birth_date, gender,
                                    create_date, write_date)
            SELECT id, %(company)s, 'active', 'paid',
                   (%(communities)s::int[])[1 + id %% 20],
                   DATE '1930-01-01' + (id * 37 %% 12000),
                   CASE WHEN id %% 2 = 0 THEN 'female' ELSE 'male' END,
                   now(), now()
              FROM p
            """,
            {"company": company, "n": args.elders, "communities": communities.ids},
        )
    cr.execute("SELECT id FROM care_elder ORDER BY id LIMIT %s", [2 * args.patients])
    elder_ids = [row[0] for row in cr.fetchall()]
    patients = elder_ids[: args.patients]
    today = date.today()
    hypertension = env.ref("care_health.protocol_hypertension").id
    diabetes = env.ref("care_health.protocol_diabetes").id
    cr.execute(
        """
        INSERT INTO care_health_contract (elder_id, company_id, team_id, tier,
                                          date_start, state, name,
                                          create_date, write_date)
        SELECT e, %(company)s, %(team)s, 'advanced', %(start)s, 'active', 'bench',
               now(), now()
          FROM unnest(%(elders)s::int[]) e
        """,
        {
            "company": company,
            "team": team.id,
            "start": today - timedelta(days=500),
            "elders": patients,
        },
    )
    cr.execute(
        """
        INSERT INTO care_health_registry (elder_id, company_id, team_id, disease,
                                          protocol_id, diagnosis_date, source,
                                          date_registered, state, name,
                                          create_date, write_date)
        SELECT e, %(company)s, %(team)s,
               CASE WHEN e %% 10 < 7 THEN 'hypertension' ELSE 'diabetes' END,
               CASE WHEN e %% 10 < 7 THEN %(htn)s ELSE %(dm)s END,
               %(diagnosed)s, 'hospital', %(registered)s, 'active', 'bench',
               now(), now()
          FROM unnest(%(elders)s::int[]) e
        """,
        {
            "company": company,
            "team": team.id,
            "htn": hypertension,
            "dm": diabetes,
            "diagnosed": today - timedelta(days=1500),
            "registered": today - timedelta(days=450),
            "elders": patients,
        },
    )
    # five visits a year (one in ten patients only three), every class
    cr.execute(
        """
        INSERT INTO care_health_followup (registry_id, elder_id, company_id, team_id,
                                          disease, kind, state, date_planned,
                                          date_done, sbp, dbp, glucose,
                                          classification, out_of_target,
                                          create_date, write_date)
        SELECT r.id, r.elder_id, r.company_id, r.team_id, r.disease, 'routine', 'done',
               d, d,
               CASE WHEN r.disease = 'hypertension' THEN 120 + (r.id * 7 + v * 13) %% 50 END,
               CASE WHEN r.disease = 'hypertension' THEN 70 + (r.id * 5 + v * 11) %% 30 END,
               CASE WHEN r.disease = 'diabetes' THEN 5.0 + ((r.id + v * 3) %% 50) / 10.0 END,
               (ARRAY['controlled', 'controlled', 'controlled', 'uncontrolled',
                      'uncontrolled', 'referral', 'danger', 'controlled'])
                   [1 + (r.id + v) %% 8],
               (r.id + v) %% 8 BETWEEN 3 AND 6,
               now(), now()
          FROM care_health_registry r,
               LATERAL generate_series(0, 4) v,
               LATERAL (SELECT %(today)s::date - 360 + v * 75 + (r.id %% 20) AS d) day
         WHERE r.name = 'bench' AND NOT (r.id %% 10 = 0 AND v >= 3)
        """,
        {"today": today},
    )
    cr.execute(
        """
        INSERT INTO care_health_referral (elder_id, company_id, team_id, registry_id,
                                          urgency, reason, state, date_sent,
                                          date_returned, name, create_date, write_date)
        SELECT r.elder_id, r.company_id, r.team_id, r.id,
               CASE WHEN r.id %% 3 = 0 THEN 'urgent' ELSE 'planned' END, 'bench',
               CASE WHEN r.id %% 2 = 0 THEN 'returned' ELSE 'sent' END,
               %(today)s::date - (r.id %% 360),
               CASE WHEN r.id %% 2 = 0 THEN %(today)s::date - (r.id %% 360) + 10 END,
               'bench', now(), now()
          FROM care_health_registry r
         WHERE r.name = 'bench' AND r.id %% 25 = 0
        """,
        {"today": today},
    )
    rule = env.ref("care_health.trend_rule_bp").id
    cr.execute(
        """
        INSERT INTO care_health_intervention (elder_id, company_id, team_id, rule_id,
                                              state, deadline, date_done, on_time,
                                              on_time_count, name,
                                              create_date, write_date)
        SELECT r.elder_id, r.company_id, r.team_id, %(rule)s, 'done',
               now() - (r.id %% 360) * interval '1 day',
               now() - (r.id %% 360) * interval '1 day'
                     + CASE WHEN r.id %% 5 = 0 THEN interval '10 hours'
                            ELSE interval '-20 hours' END,
               r.id %% 5 <> 0, CASE WHEN r.id %% 5 <> 0 THEN 1 ELSE 0 END,
               'bench', now(), now()
          FROM care_health_registry r
         WHERE r.name = 'bench' AND r.id %% 4 = 0
        """,
        {"rule": rule},
    )
    cr.execute("SELECT count(*) FROM care_health_reading")
    have = cr.fetchone()[0]
    loaded = have
    while loaded < args.vitals:
        n = min(CHUNK, args.vitals - loaded)
        insert_readings(
            cr,
            elder_ids,
            n,
            "now() - interval '1 day' - random() * interval '364 days'",
        )
        loaded += n
        print(f"  {loaded:,} readings", file=sys.stderr)
    cr.execute(
        "UPDATE care_health_reading r SET team_id = c.team_id FROM care_health_contract c"
        " WHERE c.elder_id = r.elder_id AND c.state = 'active' AND r.team_id IS NULL"
    )
    cr.execute("ANALYZE")
    cr.commit()
    print(f"loaded in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return team


def insert_readings(cr, elder_ids, n, today=False, raised=0.05):
    """``n`` readings of random elders among ``elder_ids`` in the last 23
    hours (``today``) or the year before: blood pressure always, a fasting glucose one in five, a weight
    one in ten; a share ``raised`` at or above the rules' thresholds."""
    cr.execute(
        """
        INSERT INTO care_health_reading (elder_id, company_id, measured_at, source,
                                         sbp, dbp, heart_rate, glucose,
                                         glucose_fasting, weight, bp_class,
                                         create_date, write_date)
        SELECT e, 1, t, 'device', s, d, 60 + (random() * 40)::int,
               CASE WHEN random() < 0.2 THEN
                    CASE WHEN hi THEN 7.2 + random() * 3 ELSE 4.5 + random() * 2 END
               END,
               TRUE,
               CASE WHEN random() < 0.1 THEN 50 + random() * 30 END,
               CASE WHEN s >= 140 AND d < 90 THEN 'isolated_systolic'
                    WHEN s >= 180 OR d >= 110 THEN 'grade_3'
                    WHEN s >= 160 OR d >= 100 THEN 'grade_2'
                    WHEN s >= 140 OR d >= 90 THEN 'grade_1'
                    WHEN s >= 120 OR d >= 80 THEN 'high_normal'
                    ELSE 'normal' END,
               now(), now()
          FROM (
            SELECT (%(elders)s::int[])[1 + floor(random() * %(count)s)::int] AS e,
                   CASE WHEN %(today)s
                        THEN now() - random() * interval '23 hours'
                        ELSE now() - interval '1 day' - random() * interval '364 days'
                   END AS t, hi,
                   CASE WHEN hi THEN 136 + (random() * 30)::int
                        ELSE 105 + (random() * 29)::int END AS s,
                   CASE WHEN hi THEN 86 + (random() * 10)::int
                        ELSE 62 + (random() * 22)::int END AS d
              FROM (SELECT random() < %(raised)s AS hi
                      FROM generate_series(1, %(n)s)) g
          ) x
        RETURNING id
        """,
        {
            "elders": elder_ids,
            "count": len(elder_ids),
            "n": n,
            "raised": raised,
            "today": today,
        },
    )
    return [row[0] for row in cr.fetchall()]


def measure_trend(env, args):
    cr = env.cr
    cr.execute("SELECT id FROM care_elder ORDER BY id LIMIT %s", [2 * args.patients])
    elder_ids = [row[0] for row in cr.fetchall()]
    Reading = env["care.health.reading"]
    times, opened = [], []
    for _ in range(args.trend_runs):
        cr.execute("SAVEPOINT bench_trend")
        ids = insert_readings(cr, elder_ids, args.new, today=True, raised=0.1)
        cr.execute(
            "UPDATE care_health_reading r SET team_id = c.team_id"
            " FROM care_health_contract c WHERE c.elder_id = r.elder_id"
            " AND c.state = 'active' AND r.id = ANY(%s)",
            [ids],
        )
        env.invalidate_all()
        cr.execute("SELECT count(*) FROM care_health_intervention")
        before = cr.fetchone()[0]
        began = time.perf_counter()
        Reading.browse(ids)._run_trend_rules()
        env.flush_all()
        times.append((time.perf_counter() - began) * 1000)
        cr.execute("SELECT count(*) FROM care_health_intervention")
        opened.append(cr.fetchone()[0] - before)
        cr.execute("ROLLBACK TO SAVEPOINT bench_trend")
        env.invalidate_all()
    return stats(times), opened


def measure_indicators(env, team, args):
    today = date.today()
    quarter = (today.month - 1) // 3
    last_end = date(today.year, 3 * quarter + 1, 1) - timedelta(days=1)
    last_start = date(last_end.year, last_end.month - 2, 1)
    leader = env.ref("base.user_admin")
    Quarterly = env(user=leader.id)["care.health.quarterly"]
    report = Quarterly.create(
        {
            "year": last_start.year,
            "quarter": str((last_start.month - 1) // 3 + 1),
            "by_month": True,
        }
    )
    calls = {
        "indicators_team": lambda: team._indicators(last_start, last_end),
        "report_quarter": lambda: report._report_lines(),
    }
    results, figures = {}, {}
    for name, call in calls.items():
        figures[name] = call()  # warm-up
        times = []
        for _ in range(args.runs):
            env.invalidate_all()
            began = time.perf_counter()
            call()
            times.append((time.perf_counter() - began) * 1000)
        results[name] = stats(times)
    total = figures["report_quarter"][-1]["total"]
    return results, {
        key: round(value, 1) if isinstance(value, float) else value
        for key, value in total.items()
        if key != "name"
    }


def main():
    args = bench_args(
        __doc__, OPTIONS, "care_health", "use the database if it exists and keep it"
    )
    import odoo
    from odoo import SUPERUSER_ID, api

    odoo.tools.config.parse_config(
        ["-c", args.config, "-d", args.db], setup_logging=False
    )
    random.seed(args.seed)
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        cr.execute("SELECT setseed(%s)", [args.seed / 100.0])
        env = api.Environment(
            cr, SUPERUSER_ID, {"tracking_disable": True, "mail_notrack": True}
        )
        team = setup(env, args)
        results, totals = measure_indicators(env, team, args)
        trend, opened = measure_trend(env, args)
        results = {"trend_rules": trend, **results}
        counts = {}
        for table in (
            "care_elder",
            "care_health_registry",
            "care_health_followup",
            "care_health_reading",
        ):
            cr.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            counts[table] = cr.fetchone()[0]
        cr.rollback()
    result = {
        **run_info(),
        "db": args.db,
        "counts": counts,
        "new_readings": args.new,
        "interventions_opened": opened,
        "quarter_totals": totals,
        "results": results,
    }
    lines = [
        f"Health: {counts['care_elder']:,} elders, "
        f"{counts['care_health_registry']:,} registered patients, "
        f"{counts['care_health_followup']:,} follow-ups, "
        f"{counts['care_health_reading']:,} readings; {args.new:,} new readings, "
        f"interventions opened per run {opened}; {result['nproc']} cores",
        "",
        *timing_table(results, TARGETS_MS),
        "",
        f"last quarter's totals: {totals}",
    ]
    print("\n".join(lines))
    save_result(f"health_{args.db}", result)
    failed = [
        name
        for name, target in TARGETS_MS.items()
        if results[name]["median_ms"] >= target
    ]
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
