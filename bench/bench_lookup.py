#!/usr/bin/env python3
"""Benchmark of the elder_crm caller lookup at scale, over XML-RPC.

In one run: create the database with elder_crm (no demo data) unless --reuse
finds it, start an Odoo server on a free port, load N elders with two family
contacts each, then time these calls, made by one client, on Q random existing
numbers of elders and family members, each typed in a random common form:

* lookup: ``care.elder.lookup_phone(typed)``;
* noop: ``res.partner.search([('id', '=', 0)])``, the cost of any RPC call;
* stock_search: ``res.partner`` search on ``phone_mobile_search``, what the
  Contacts search box does once ``sms`` is installed (auto-installed here);
* stock_ilike: ``res.partner`` search on phone or mobile ``ilike``, the base
  search view's way.

Prints markdown tables (median and p95 ms, share of the numbers found, the
targets with PASS/FAIL) and writes the same as JSON to bench/results/.
"""

import argparse
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import xmlrpc.client
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUIET = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
}
MOBILE_PREFIXES = [f"13{d}" for d in range(10)] + [f"18{d}" for d in range(10)]
MOBILE_PREFIXES += ["150", "151", "152", "153", "155", "156", "157", "158", "159"]
AREA_CODES = ("10", "20", "21", "22", "23", "24", "25", "27", "28", "29")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "建国秀英桂兰玉珍明华志强淑芬丽凤德海文军平红梅春荣福"
RELATIONSHIPS = ("son", "daughter", "spouse", "daughter_in_law", "grandchild")
MOBILE_FORMS = {
    "+86 138-0013-8000": lambda m: f"+86 {m[:3]}-{m[3:7]}-{m[7:]}",
    "0086 13800138000": lambda m: f"0086 {m}",
    "13800138000": lambda m: m,
    "138 0013 8000": lambda m: f"{m[:3]} {m[3:7]} {m[7:]}",
    "+8613800138000": lambda m: f"+86{m}",
    "86-138-0013-8000": lambda m: f"86-{m[:3]}-{m[3:7]}-{m[7:]}",
}
LANDLINE_FORMS = {
    "(010) 6512 3456": lambda area, n: f"(0{area}) {n[:-4]} {n[-4:]}",
    "010-65123456": lambda area, n: f"0{area}-{n}",
    "+86 10 6512 3456": lambda area, n: f"+86 {area} {n[:-4]} {n[-4:]}",
}
CALLS = {  # method: the call it times (see measure)
    "lookup": "care.elder.lookup_phone(typed)",
    "noop": "res.partner.search([('id', '=', 0)])",
    "stock_search": "res.partner.search_read([('phone_mobile_search', 'ilike', typed)])",
    "stock_ilike": "res.partner.search_read(['|', ('phone', 'ilike', typed), "
    "('mobile', 'ilike', typed)])",
}
TARGETS = [  # method, reference, operator, limit: on the ratio of the medians
    ("lookup", "noop", "<=", 1.5),
    ("stock_search", "lookup", ">=", 10),
    ("stock_ilike", "lookup", ">=", 10),
]
OPTIONS = [  # option, type, default, help
    ("--db", str, "care_bench", "database (default: %(default)s)"),
    ("--n", int, 100_000, "elders to load (default: %(default)s)"),
    ("--queries", int, 2000, "numbers timed per method (default: %(default)s)"),
    ("--workers", int, 2, "Odoo server workers (default: %(default)s)"),
    ("--loaders", int, None, "parallel load clients (default: --workers)"),
    ("--batch", int, 100, "elders per create call (default: %(default)s)"),
    ("--warmup", int, 20, "untimed calls per method first (default: %(default)s)"),
    ("--seed", int, 42, "seed of the query sample (default: %(default)s)"),
    ("--login", str, "admin", "Odoo user (default: %(default)s)"),
    ("--password", str, "admin", "its password (default: %(default)s)"),
]
FOUND_NOTE = (
    "Found: lookup must return the number's elder, also for a family member's "
    "number; a stock search must return the partner holding the number (for a "
    "family number the family member, not the elder: the best stock Odoo can do)."
)


class Rpc:
    """execute_kw on one database through one XML-RPC proxy (one per thread)."""

    def __init__(self, url, db, login, password):
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
        self.db, self.password = db, password
        self.uid = common.authenticate(db, login, password, {})
        if not self.uid:
            sys.exit(f"cannot log in to {db} as {login}")
        self.proxy = xmlrpc.client.ServerProxy(
            f"{url}/xmlrpc/2/object", allow_none=True
        )

    def __call__(self, model, method, *args, **kwargs):
        return self.proxy.execute_kw(
            self.db, self.uid, self.password, model, method, list(args), kwargs
        )


def odoo_command(args, server=False):
    """The Odoo command line; the server's runs without the gevent process.

    XML-RPC does not use that (websocket) process, and where it cannot start
    (e.g. gevent plugins failing under an old setuptools), a prefork server
    respawns it in a loop that eats the CPU being measured.
    """
    if not server:
        return [sys.executable, "-m", "odoo", "-c", args.config, "-d", args.db]
    code = "import odoo.cli, odoo.service.server as s; "
    code += "s.PreforkServer.long_polling_spawn = lambda self: None; odoo.cli.main()"
    return [sys.executable, "-c", code, "server", "-c", args.config, "-d", args.db]


def prepare_database(args, log, module="elder_crm"):
    """Install ``module`` in a new database, or check the one --reuse allows."""
    import odoo

    # with -d, the database list that exp_drop checks at the end is this one
    odoo.tools.config.parse_config(
        ["-c", args.config, "-d", args.db], setup_logging=False
    )
    if odoo.service.db.exp_db_exist(args.db):
        if not args.reuse:
            sys.exit(f"database {args.db} exists: pass --reuse to use it, or drop it")
        with odoo.sql_db.db_connect(args.db).cursor() as cr:
            cr.execute("SELECT state FROM ir_module_module WHERE name = %s", [module])
            installed = cr.fetchone() == ("installed",)
        odoo.sql_db.close_db(args.db)
        if installed:
            return
    print(f"installing {module} in {args.db}, log: {log}", file=sys.stderr)
    options = f"-i {module} --without-demo=all --stop-after-init --no-http".split()
    subprocess.run([*odoo_command(args), *options, f"--logfile={log}"], check=True)


def bench_args(doc, options, module, reuse_help):
    """Parse a benchmark's options (``--config``, ``options``, ``--reuse``),
    resolve the config file and install ``module`` in the database unless it
    is there: the arguments, ready to run."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument(
        "--config",
        default=ROOT / "config" / "local.conf",
        help="Odoo config file (default: config/local.conf)",
    )
    for option, kind, default, text in options:
        parser.add_argument(option, type=kind, default=default, help=text)
    parser.add_argument("--reuse", "--keep", action="store_true", help=reuse_help)
    args = parser.parse_args()
    if not Path(args.config).is_file():
        parser.error(f"no Odoo config file {args.config}: pass --config")
    args.config = str(Path(args.config).resolve())
    args.logs = ROOT / "var" / "bench"
    args.logs.mkdir(parents=True, exist_ok=True)
    prepare_database(args, args.logs / f"{args.db}-install.log", module=module)
    return args


def run_info():
    """When, on which commit and on what machine a benchmark ran."""
    return {
        "date": datetime.now().isoformat(timespec="seconds"),
        "commit": subprocess.run(
            ["git", "-C", ROOT, "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
        ).stdout.strip(),
        "nproc": os.cpu_count(),
        "platform": platform.platform(),
    }


def save_result(name, result):
    """Write ``result`` as bench/results/<name>_<time>.json and say where."""
    stamp = datetime.now().strftime("%Y%m%d_%H%M%S")
    out = ROOT / "bench" / "results" / f"{name}_{stamp}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"\nJSON: {out.relative_to(ROOT)}", file=sys.stderr)
    return out


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(args, log):
    """An Odoo server subprocess on a free port, and the URL it answers on."""
    port = free_port()
    options = f"--http-port {port} --workers {args.workers} --http-interface 127.0.0.1"
    options += " --max-cron-threads 0 --limit-time-cpu 900"
    options += f" --limit-time-real 1800 --db-filter ^{args.db}$"
    command = [*odoo_command(args, server=True), *options.split(), f"--logfile={log}"]
    server, url = subprocess.Popen(command), f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while server.poll() is None and time.monotonic() < deadline:
        try:
            xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").version()
            return server, url
        except OSError:
            time.sleep(0.5)
    server.terminate()
    sys.exit(f"the Odoo server did not start, see {log}")


def mobile(k):
    """The k-th mobile number: distinct for every k, random-looking."""
    prefix = MOBILE_PREFIXES[k % len(MOBILE_PREFIXES)]
    return f"{prefix}{(k // len(MOBILE_PREFIXES) * 48271 + 12345678) % 10**8:08d}"


def landline(i):
    """The i-th landline number, with its area code: distinct for every i."""
    area = AREA_CODES[i % len(AREA_CODES)]
    return f"0{area}-6{(i // len(AREA_CODES) * 7919 + 1234567) % 10**7:07d}"


def person_name(rng):
    return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.randint(1, 2)))


def elder_vals(i, rng):
    """Elder i: a mobile, a landline for one in three, two family contacts."""
    vals = {
        "name": person_name(rng),
        "mobile": mobile(3 * i),
        "state": "active",
        "birth_date": f"{rng.randint(1925, 1962)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "contact_ids": [],
    }
    for j in (1, 2):
        contact = {"name": person_name(rng), "mobile": mobile(3 * i + j), "sequence": j}
        contact["relationship"] = rng.choice(RELATIONSHIPS)
        vals["contact_ids"].append((0, 0, contact))
    if i % 3 == 0:
        vals["phone"] = landline(i)
    return vals


def load(args, url, first):
    """Create elders first..N-1 in batches from args.loaders clients; elders/s."""
    local = threading.local()

    def create(start):
        if not hasattr(local, "rpc"):
            local.rpc = Rpc(url, args.db, args.login, args.password)
        rng = random.Random(start)
        vals = [
            elder_vals(i, rng) for i in range(start, min(start + args.batch, args.n))
        ]
        local.rpc("care.elder", "create", vals, context=QUIET)
        return len(vals)

    total, done, began = args.n - first, 0, time.perf_counter()
    step = next_report = max(total // 10, 1)
    with ThreadPoolExecutor(args.loaders) as pool:
        for count in pool.map(create, range(first, args.n, args.batch)):
            done += count
            if done >= next_report:
                next_report += step
                rate = done / (time.perf_counter() - began)
                print(f"loaded {done}/{total} elders, {rate:.0f}/s", file=sys.stderr)
    return total / (time.perf_counter() - began)


def typed_form(stored, rng):
    """(form, typed) for a number stored as +86 138 0013 8000 or +86 10 6512 3456."""
    groups = stored.removeprefix("+86 ").split()
    digits = "".join(groups)
    if len(digits) == 11 and digits.startswith("1"):
        form = rng.choice(list(MOBILE_FORMS))
        return form, MOBILE_FORMS[form](digits)
    form = rng.choice(list(LANDLINE_FORMS))
    return form, LANDLINE_FORMS[form](groups[0], "".join(groups[1:]))


def sample_targets(rpc, count, rng):
    """Random existing numbers: half of elders, half of family members."""
    targets = []
    for model, share in (
        ("care.elder", count - count // 2),
        ("care.elder.contact", count // 2),
    ):
        ids = rpc(model, "search", [], context={"active_test": False})
        fields = ["mobile", "phone", "partner_id"]
        fields += ["elder_id"] if model == "care.elder.contact" else []
        for rec in rpc(model, "read", rng.sample(ids, min(share, len(ids))), fields):
            numbers = [
                n for n in (rec["mobile"], rec["phone"]) if n and n.startswith("+86 ")
            ]
            if numbers:
                form, typed = typed_form(rng.choice(numbers), rng)
                elder = rec["elder_id"][0] if "elder_id" in rec else rec["id"]
                partner = rec["partner_id"][0]
                targets.append(
                    {"form": form, "typed": typed, "elder": elder, "partner": partner}
                )
    rng.shuffle(targets)
    return targets


def measure(rpc, targets, warmup, rng):
    """Time every method on every target, in a random order for each target.

    Sets ``target["found"][method]`` (see FOUND_NOTE); returns the times in
    ms by method.
    """

    def partners(domain):
        records = rpc("res.partner", "search_read", domain, fields=["name"], limit=80)
        return {record["id"] for record in records}

    calls = {
        "lookup": lambda t: {c["id"] for c in rpc("care.elder", "lookup_phone", t)},
        "noop": lambda t: rpc("res.partner", "search", [("id", "=", 0)]),
        "stock_search": lambda t: partners([("phone_mobile_search", "ilike", t)]),
        "stock_ilike": lambda t: partners(
            ["|", ("phone", "ilike", t), ("mobile", "ilike", t)]
        ),
    }
    for target in targets[:warmup]:
        for call in calls.values():
            call(target["typed"])
    times = {name: [] for name in calls}
    for target in targets:
        target["found"] = {}
        for name in rng.sample(list(calls), len(calls)):
            began = time.perf_counter()
            result = calls[name](target["typed"])
            times[name].append((time.perf_counter() - began) * 1000)
            if name != "noop":
                wanted = target["elder" if name == "lookup" else "partner"]
                target["found"][name] = wanted in result
    return times


def found_pct(targets, name):
    return 100 * statistics.mean(target["found"][name] for target in targets)


def summarize(targets, times):
    """Median, p95 and found % by method; the targets; found % by typed form."""
    methods = {
        name: {
            "call": CALLS[name],
            "median_ms": statistics.median(values),
            "p95_ms": statistics.quantiles(values, n=100)[94],
            "found_pct": found_pct(targets, name) if name != "noop" else None,
        }
        for name, values in times.items()
    }
    checks = []
    for name, reference, operator, limit in TARGETS:
        ratio = methods[name]["median_ms"] / methods[reference]["median_ms"]
        passed = ratio <= limit if operator == "<=" else ratio >= limit
        target = f"{name} / {reference} median {operator} {limit}"
        checks.append({"target": target, "ratio": ratio, "pass": passed})
    by_form = {}
    for form in [*MOBILE_FORMS, *LANDLINE_FORMS]:
        rows = [target for target in targets if target["form"] == form]
        if rows:
            found = {name: found_pct(rows, name) for name in rows[0]["found"]}
            by_form[form] = {"queries": len(rows), **found}
    return {"methods": methods, "targets": checks, "found_by_form": by_form}


def table(header, rows, left=1):
    """Markdown table; the columns after the first ``left`` are right-aligned."""
    align = ["---"] * left + ["---:"] * (len(header) - left)
    return [f"| {' | '.join(map(str, row))} |" for row in (header, align, *rows)]


def report(result):
    """The result as markdown."""
    rate = result["load_rate_elders_per_s"]
    lines = [
        f"N = {result['n']} elders ({result['elders_in_db']} in {result['db']}), "
        f"2 family contacts each; load rate: "
        f"{f'{rate:.0f} elders/s' if rate else 'n/a (database reused)'}; "
        f"{result['queries']} queries per method; Odoo --workers {result['workers']}; "
        f"nproc {result['nproc']}; {result['platform']}; commit {result['commit']}",
        "",
    ]
    rows = [
        (
            name,
            f"`{m['call']}`",
            f"{m['median_ms']:.2f}",
            f"{m['p95_ms']:.2f}",
            "n/a" if m["found_pct"] is None else f"{m['found_pct']:.1f}",
        )
        for name, m in result["methods"].items()
    ]
    lines += table(("method", "call", "median ms", "p95 ms", "found %"), rows, 2)
    rows = [
        (t["target"], f"{t['ratio']:.2f}", "PASS" if t["pass"] else "FAIL")
        for t in result["targets"]
    ]
    lines += ["", *table(("target", "ratio", "result"), rows), ""]
    names = [name for name in result["methods"] if name != "noop"]
    rows = [
        (f"`{form}`", row["queries"], *(f"{row[name]:.0f}" for name in names))
        for form, row in result["found_by_form"].items()
    ]
    lines += table(("typed form", "queries", *(f"{n} found %" for n in names)), rows)
    return "\n".join([*lines, "", FOUND_NOTE])


def main():
    default_config = ROOT / "config" / "local.conf"
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--config",
        default=default_config,
        help="Odoo config file (default: config/local.conf)",
    )
    for option, kind, default, text in OPTIONS:
        parser.add_argument(option, type=kind, default=default, help=text)
    parser.add_argument(
        "--reuse",
        "--keep",
        action="store_true",
        help="use the database if it exists (loading only up to N elders) and keep it; "
        "without it the database must not exist and is dropped after the run",
    )
    args = parser.parse_args()
    if not Path(args.config).is_file():
        parser.error(f"no Odoo config file {args.config}: pass --config")
    args.config = str(Path(args.config).resolve())
    args.loaders = args.loaders or args.workers
    logs = ROOT / "var" / "bench"
    logs.mkdir(parents=True, exist_ok=True)
    prepare_database(args, logs / f"{args.db}-install.log")
    server, url = start_server(args, logs / f"{args.db}-server.log")
    try:
        rpc = Rpc(url, args.db, args.login, args.password)
        everyone = {"active_test": False}
        elders = rpc("care.elder", "search_count", [], context=everyone)
        load_rate = load(args, url, elders) if elders < args.n else None
        elders = rpc("care.elder", "search_count", [], context=everyone)
        rng = random.Random(args.seed)
        targets = sample_targets(rpc, args.queries, rng)
        times = measure(rpc, targets, args.warmup, rng)
    finally:
        server.terminate()
        server.wait(60)
    result = {
        **run_info(),
        "db": args.db,
        "n": args.n,
        "elders_in_db": elders,
        "load_rate_elders_per_s": load_rate,
        "queries": len(targets),
        "workers": args.workers,
        **summarize(targets, times),
    }
    print(report(result))
    save_result(f"lookup_{args.db}_{args.n}", result)
    if not args.reuse:
        import odoo

        odoo.service.db.exp_drop(args.db)


if __name__ == "__main__":
    main()
