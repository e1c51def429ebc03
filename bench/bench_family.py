#!/usr/bin/env python3
"""Benchmark of care_family: the elder's portal page with two years of
history at 100,000 elders, and the monthly letters of 10,000 families.

In one run: create the database with care_family_devices (care_family with
the alarms and vital signs; no demo data) unless --reuse finds it, then load
with SQL (the code paths are tested elsewhere; here the reading is measured):

* N elders (default 100,000), F of them (default 50) followed on the portal
  by a family member each (a portal login, password = login, every
  permission) and L (default 10,000) followed by a family member without a
  login, who gets the monthly letter;
* for the F followed elders, Y years (default 2) of history: three visits a
  week (completed, with check-in and out, the worker and a photo each), two
  alarms a week with three handling steps each, four vital-sign readings a
  day (every measure), and a few open requests;
* for every other elder, the background the page's queries search through:
  four past visits, one alarm and ten readings each.

Then, on a server on a free port (threaded, no cron), each family member logs
in and ``GET /my/elder/<id>`` is timed Q times (default 100, round robin over
the members, after one warm-up each): the server's own time of each request
(from its log: SQL time + the rest) and the client's wall time.

The letters: the cron's preparation (``_cron_prepare_letters``) for every
opted-in member (L + F families), then ``action_send`` of them all (each
member's message with the link to the letter on the portal), timed and
scaled to 10,000; then the background PDF archive
(``_cron_archive_letter_pdfs``) of P of them (default 50), per letter;
everything rolled back.

Targets: page median < 300 ms server time; the letters of 10,000 families
< 10 minutes. Prints a markdown table (PASS/FAIL) and writes JSON to
bench/results/.
"""

import http.cookiejar
import re
import statistics
import sys
import time
import urllib.parse
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_lookup import bench_args, run_info, save_result, start_server, table

OPTIONS = [  # option, type, default, help
    ("--db", str, "fam_bench_family", "database (default: %(default)s)"),
    ("--n", int, 100000, "elders (default: %(default)s)"),
    ("--followed", int, 50, "elders followed on the portal (default: %(default)s)"),
    ("--families", int, 10000, "families receiving letters (default: %(default)s)"),
    ("--years", int, 2, "years of history (default: %(default)s)"),
    ("--queries", int, 100, "timed page requests (default: %(default)s)"),
    ("--pdfs", int, 50, "letters archived as PDF (default: %(default)s)"),
    ("--workers", int, 0, "server workers (default: %(default)s, threaded)"),
]
TARGETS = {"page_server": 300, "letters_10000_s": 600}
PAGE = re.compile(r'"GET /my/elder/\d+ HTTP/1\.[01]" 200 - \d+ ([\d.]+) ([\d.]+)')


def sql_load(env, args):
    """Everything but the portal logins, with SQL."""
    cr = env.cr
    company = env.company.id
    now = datetime.now().replace(microsecond=0)
    start = now - timedelta(days=365 * args.years)
    housekeeping = env.ref("care_dispatch.cat_housekeeping").id
    team = env.ref("fieldservice.fsm_team_default").id
    done = env.ref("fieldservice.fsm_stage_completed").id
    new = env.ref("fieldservice.fsm_stage_new").id
    closed_stage = env["helpdesk.ticket.stage"].search([("closed", "=", True)], limit=1)
    open_stage = env["helpdesk.ticket.stage"].search([("closed", "=", False)], limit=1)
    provider = env["care.provider"].create({"name": "Bench provider"})
    workers = env["fsm.person"].create(
        [
            {"name": f"Bench worker {i}", "care_provider_id": provider.id}
            for i in range(20)
        ]
    )
    background = env["res.partner"].create({"name": "Bench background place"})
    location = env["fsm.location"].create(
        {"name": "Bench", "partner_id": background.id, "owner_id": background.id}
    )
    started = time.monotonic()
    # elders: a partner and a care_elder row each
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, active, type,
                                 company_id, lang, create_date, write_date)
        SELECT 'Bench elder ' || i, 'Bench elder ' || i, true, 'contact',
               %s, 'zh_CN', now(), now()
          FROM generate_series(1, %s) AS i
        RETURNING id
        """,
        [company, args.n],
    )
    partners = [row[0] for row in cr.fetchall()]
    cr.execute(
        """
        INSERT INTO care_elder (partner_id, company_id, service_tier, state, code,
                                gbt_level, create_date, write_date)
        SELECT p, %s, 'paid', 'active', 'BENCH' || lpad(n::text, 7, '0'), '1',
               now(), now()
          FROM unnest(%s::int[]) WITH ORDINALITY AS t(p, n)
        RETURNING id
        """,
        [company, partners],
    )
    elders = sorted(row[0] for row in cr.fetchall())
    followed, others = elders[: args.followed], elders[args.followed :]
    # the family members of the letters (no login): a contact and a line each
    lettered = elders[args.followed : args.followed + args.families]
    cr.execute(
        """
        WITH p AS (
            INSERT INTO res_partner (name, complete_name, active, type,
                                     company_id, lang, create_date, write_date)
            SELECT 'Bench family ' || e, 'Bench family ' || e, true, 'contact',
                   %(company)s, 'zh_CN', now(), now()
              FROM unnest(%(elders)s::int[]) AS e
            RETURNING id, name
        ), c AS (
            INSERT INTO care_elder_contact (elder_id, partner_id, relationship,
                                            company_id, sequence)
            SELECT substr(p.name, 14)::int, p.id, 'daughter', %(company)s, 2 FROM p
            RETURNING id, elder_id, partner_id
        )
        INSERT INTO care_family_access (contact_id, elder_id, partner_id, company_id,
                                        active, perm_schedule, perm_alarms,
                                        perm_health, perm_money, perm_book,
                                        consent, consent_date, letter_opt_in)
        SELECT c.id, c.elder_id, c.partner_id, %(company)s, true, true, true, true,
               false, false, 'elder', CURRENT_DATE, true
          FROM c
        """,
        {"company": company, "elders": lettered},
    )
    days = 365 * args.years
    visits = days * 3 // 7
    alarms = days * 2 // 7
    # visits: the followed elders' three a week, four for every other elder
    for elder_ids, per_elder, loc in (
        (followed, visits, None),
        (others, 4, location.id),
    ):
        cr.execute(
            """
            INSERT INTO fsm_order (name, company_id, location_id, team_id, stage_id,
                                   care_evv_state, care_elder_id, care_category_id,
                                   care_provider_id, person_id, request_early,
                                   request_late, scheduled_date_start, date_start,
                                   date_end, care_checkin_at, care_checkout_at,
                                   care_dispatched_at, priority, create_date,
                                   write_date)
            SELECT 'BENCH/' || e || '/' || k, %(company)s,
                   COALESCE(%(loc)s, el.fsm_location_id, %(fallback)s), %(team)s,
                   %(done)s, 'none', e, %(cat)s, %(provider)s,
                   (%(workers)s::int[])[1 + (e + k) %% 20],
                   d, d + interval '3 hours', d, d + interval '10 minutes',
                   d + interval '1 hour 10 minutes', d + interval '10 minutes',
                   d + interval '1 hour 10 minutes', d - interval '1 day', '0',
                   d, d
              FROM unnest(%(elders)s::int[]) AS e
              JOIN care_elder el ON el.id = e
             CROSS JOIN generate_series(1, %(per)s) AS k
             CROSS JOIN LATERAL (
                   SELECT %(start)s::timestamp
                          + (k * %(days)s / %(per)s) * interval '1 day'
                          + ((e * 7 + k) %% 9) * interval '1 hour' AS d
             ) AS t
            """,
            {
                "company": company,
                "loc": loc,
                "fallback": location.id,
                "team": team,
                "done": done,
                "cat": housekeeping,
                "provider": provider.id,
                "workers": workers.ids,
                "elders": elder_ids,
                "per": per_elder,
                "start": start,
                "days": days,
            },
        )
    # a few open requests of the followed elders
    cr.execute(
        """
        INSERT INTO fsm_order (name, company_id, location_id, team_id, stage_id,
                               care_evv_state, care_elder_id, care_category_id,
                               request_early, request_late, priority, create_date,
                               write_date)
        SELECT 'BENCH/NEXT/' || e || '/' || k, %s, %s, %s, %s, 'none', e, %s,
               now() + k * interval '2 days', now() + k * interval '2 days'
               + interval '3 hours', '0', now(), now()
          FROM unnest(%s::int[]) AS e CROSS JOIN generate_series(1, 3) AS k
        """,
        [company, location.id, team, new, housekeeping, followed],
    )
    # a photo of each followed visit (the page lists them)
    cr.execute(
        """
        INSERT INTO ir_attachment (name, res_model, res_id, type, mimetype,
                                   company_id, file_size, public, create_date,
                                   write_date)
        SELECT 'after.png', 'fsm.order', id, 'binary', 'image/png', company_id,
               68, false, now(), now()
          FROM fsm_order WHERE care_elder_id = ANY(%s) AND stage_id = %s
        """,
        [followed, done],
    )
    # alarms: two a week for the followed elders, one for every other
    for elder_ids, per_elder in ((followed, alarms), (others, 1)):
        cr.execute(
            """
            INSERT INTO helpdesk_ticket (name, description, company_id, stage_id,
                                         care_elder_id, care_alarm_kind,
                                         care_alarm_count, care_alarm_time,
                                         care_ack_date, closed_date, care_outcome,
                                         active, create_date, write_date)
            SELECT 'Bench alarm', '<p>bench</p>', %(company)s, %(closed)s, e,
                   (ARRAY['sos', 'fall', 'vital_abnormal'])[1 + k %% 3], 1, d,
                   d + interval '40 seconds', d + interval '30 minutes',
                   'resolved_by_phone', true, d, d
              FROM unnest(%(elders)s::int[]) AS e
             CROSS JOIN generate_series(1, %(per)s) AS k
             CROSS JOIN LATERAL (
                   SELECT %(start)s::timestamp
                          + (k * %(days)s / %(per)s) * interval '1 day'
                          + ((e + k) %% 23) * interval '1 hour' AS d
             ) AS t
            """,
            {
                "company": company,
                "closed": closed_stage.id or open_stage.id,
                "elders": elder_ids,
                "per": per_elder,
                "start": start,
                "days": days,
            },
        )
    cr.execute(
        """
        INSERT INTO care_alarm_action (ticket_id, action, date, create_date,
                                       write_date)
        SELECT t.id, a.action, t.care_alarm_time + a.after, now(), now()
          FROM helpdesk_ticket t
         CROSS JOIN (VALUES ('ack', interval '40 seconds'),
                            ('elder_called', interval '2 minutes'),
                            ('closed', interval '30 minutes')) AS a(action, after)
         WHERE t.care_elder_id = ANY(%s)
        """,
        [followed],
    )
    # vital signs: four readings a day for the followed elders, ten in all
    # for every other
    for elder_ids, per_elder, step in (
        (followed, days * 4, "6 hours"),
        (others, 10, "30 days"),
    ):
        cr.execute(
            """
            INSERT INTO care_vital_reading (elder_id, company_id, measured_at,
                                            heart_rate, systolic, diastolic,
                                            spo2, glucose, temperature,
                                            create_date, write_date)
            SELECT e, %(company)s,
                   now() - (k * interval %(step)s) - (e %% 60) * interval '1 minute',
                   60 + (e + k) %% 40, 110 + (e + k) %% 40, 70 + (e + k) %% 20,
                   94 + (e + k) %% 6, 4.5 + ((e + k) %% 30) / 10.0,
                   36.2 + ((e + k) %% 8) / 10.0, now(), now()
              FROM unnest(%(elders)s::int[]) AS e
             CROSS JOIN generate_series(1, %(per)s) AS k
            """.replace("%(step)s", f"'{step}'"),
            {"company": company, "elders": elder_ids, "per": per_elder},
        )
    print(f"loaded with SQL in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return followed


def load(args):
    """The elders, their history and the families, unless they are there."""
    import odoo
    from odoo import SUPERUSER_ID, api

    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(
            cr, SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True}
        )
        env["ir.config_parameter"].set_param("care_family.bench", "1")
        if env["res.users"].search_count([("login", "=like", "fam_bench_%")]):
            return
        followed = sql_load(env, args)
        cr.commit()
        started = time.monotonic()
        env.registry.clear_cache()
        env.invalidate_all()
        portal = env.ref("base.group_portal")
        for index, elder_id in enumerate(followed):
            login = f"fam_bench_{index}"
            contact = env["care.elder.contact"].create(
                {
                    "elder_id": elder_id,
                    "name": f"Bench member {index}",
                    "relationship": "son",
                }
            )
            env["res.users"].with_context(no_reset_password=True).create(
                {
                    "login": login,
                    "password": login,
                    "partner_id": contact.partner_id.id,
                    "groups_id": [(6, 0, portal.ids)],
                }
            )
            env["care.family.access"].create(
                {
                    "contact_id": contact.id,
                    "consent": "elder",
                    "perm_schedule": True,
                    "perm_alarms": True,
                    "perm_health": True,
                    "perm_money": True,
                    "perm_book": True,
                }
            )
        cr.commit()
        cr.execute("ANALYZE")
        print(
            f"{len(followed)} portal members in {time.monotonic() - started:.0f} s",
            file=sys.stderr,
        )


class Member:
    """A family member's browser session."""

    def __init__(self, url, login):
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        page = self.get("/web/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode(
            {"login": login, "password": login, "csrf_token": token}
        ).encode()
        self.opener.open(f"{url}/web/login", body, timeout=60).read()

    def get(self, path):
        with self.opener.open(self.url + path, timeout=120) as answer:
            return answer.read().decode()


def server_times(log, since):
    """Server ms (SQL + the rest) of the elder pages logged after ``since``."""
    with open(log, encoding="utf-8", errors="replace") as handle:
        handle.seek(since)
        return [
            (float(sql) + float(rest)) * 1000
            for sql, rest in PAGE.findall(handle.read())
        ]


def measure_page(args):
    import odoo

    with odoo.sql_db.db_connect(args.db).cursor() as cr:
        cr.execute(
            "SELECT u.login, a.elder_id FROM res_users u "
            "JOIN care_family_access a ON a.partner_id = u.partner_id "
            "WHERE u.login LIKE 'fam_bench_%%' ORDER BY u.id"
        )
        members = cr.fetchall()
    odoo.sql_db.close_db(args.db)
    log = args.logs / f"{args.db}-server.log"
    sessions = [(Member(args.url, login), elder) for login, elder in members]
    for member, elder in sessions:  # warm-up
        assert "o_care_past" in member.get(f"/my/elder/{elder}")
    time.sleep(0.5)
    since = log.stat().st_size
    walls = []
    for index in range(args.queries):
        member, elder = sessions[index % len(sessions)]
        started = time.perf_counter()
        page = member.get(f"/my/elder/{elder}")
        walls.append((time.perf_counter() - started) * 1000)
        assert "o_care_alarms" in page and "o_care_vitals" in page
    time.sleep(0.5)
    servers = server_times(log, since)
    return walls, servers


def measure_letters(args):
    """Prepare every letter (the cron), approve and send them all (each
    member gets the message with the link to the letter on the portal),
    then the background PDF archive of P of them; rolled back."""
    import odoo
    from odoo import SUPERUSER_ID, api, fields

    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        # the families' language (the letters are rendered in it); the PDF
        # engine fetches the report's assets from the benchmark's server
        env["res.lang"]._activate_lang("zh_CN")
        env["ir.config_parameter"].set_param("report.url", args.url)
        Letter = env["care.family.letter"]
        today = fields.Date.today()
        started = time.perf_counter()
        letters = Letter._cron_prepare_letters(today)
        env.flush_all()
        prepare_s = time.perf_counter() - started
        letters.write({"state": "approved"})
        env.flush_all()
        started = time.perf_counter()
        letters.action_send()
        env.flush_all()
        send_s = time.perf_counter() - started
        started = time.perf_counter()
        archived = Letter._cron_archive_letter_pdfs(limit=args.pdfs)
        env.flush_all()
        pdf_s = time.perf_counter() - started
        cr.rollback()
    count = max(len(letters), 1)
    return {
        "letters": len(letters),
        "prepare_s": prepare_s,
        "send_s": send_s,
        "pdfs": len(archived),
        "pdf_s": pdf_s,
        "pdf_ms": pdf_s * 1000 / max(len(archived), 1),
        "letters_10000_s": (prepare_s + send_s) * 10000 / count,
    }


def main():
    args = bench_args(
        __doc__, OPTIONS, "care_family_devices", "reuse the database (and its data)"
    )
    load(args)
    server, args.url = start_server(args, args.logs / f"{args.db}-server.log")
    try:
        walls, servers = measure_page(args)
        result = {
            "run": run_info(),
            "args": vars(args) | {"logs": "", "config": "", "url": ""},
        }
        rows = []
        for name, times in (("page_server", servers), ("page_wall", walls)):
            median = statistics.median(times)
            p95 = sorted(times)[max(int(len(times) * 0.95) - 1, 0)]
            target = TARGETS.get(name)
            verdict = "" if target is None else ("PASS" if median < target else "FAIL")
            result[name] = {
                "median_ms": median,
                "p95_ms": p95,
                "count": len(times),
                "target_ms": target,
            }
            rows.append((name, f"{median:.0f}", f"{p95:.0f}", target or "", verdict))
        print(
            f"{args.n} elders, {args.followed} followed with {args.years} years of "
            f"visits, alarms and vitals; {len(servers)} pages\n"
        )
        print("\n".join(table(("page", "median ms", "p95 ms", "target ms", ""), rows)))
        sys.stdout.flush()
        letters = measure_letters(args)
    finally:
        server.terminate()
        server.wait(30)
    total = letters["letters_10000_s"]
    verdict = "PASS" if total < TARGETS["letters_10000_s"] else "FAIL"
    print(
        f"\nletters: {letters['letters']} prepared in {letters['prepare_s']:.1f} s, "
        f"sent (message with the portal link) in {letters['send_s']:.1f} s; "
        f"10,000 families: {total / 60:.1f} min (target 10 min) {verdict}; "
        f"background PDF archive: {letters['pdf_ms']:.0f} ms a letter "
        f"({letters['pdfs']} rendered)"
    )
    result["letters"] = letters
    save_result("family", result)
    failed = result["page_server"]["median_ms"] >= TARGETS["page_server"] or (
        total >= TARGETS["letters_10000_s"]
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
