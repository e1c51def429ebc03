#!/usr/bin/env python3
"""Benchmark of the register import (Odoo's Import button), in-process.

In one run: create the database with elder_crm (no demo data) unless --reuse
finds it, activate zh_CN, generate an XLSX sheet of N elders (default 5,000)
with the template's Chinese columns, each with an ID number, a mobile, a
community, a living situation, a tier and one family member on the same row,
then time, as a care manager, through ``base_import.import.execute_import``
(what the Import screen calls: the file is read, mapped and loaded):

* test: the Test button (dry run, rolled back);
* import: the import itself, all rows in one call;
* reimport: the same sheet again (every row matched to its elder by ID number,
  the family member to the existing contact; nothing changes, nothing added);
* reimport_changed: the same sheet with one row in ten changed (a new mobile).

Everything is rolled back at the end: the database keeps only its setup.
Prints a markdown table (seconds and rows per second) and writes JSON to
bench/results/; exits 1 if the import is slower than the target.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_lookup import bench_args, run_info, save_result

TARGET_ROWS_S = 50  # import of new elders, rows per second
OPTIONS = [
    ("--n", int, 5000, "rows (elders) in the sheet (default 5,000)"),
    ("--db", str, "care_bench_import", "database"),
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_OPTIONS = {
    "has_headers": True,
    "advanced": True,
    "date_format": "%Y-%m-%d",
    "separator": ",",
    "quoting": '"',
    "float_thousand_separator": ",",
    "float_decimal_separator": ".",
    "fallback_values": {},
    "sheet": "老人档案",
}


def env_for(db):
    import odoo
    from odoo import SUPERUSER_ID, api

    registry = odoo.modules.registry.Registry(db)
    cr = registry.cursor()
    return api.Environment(cr, SUPERUSER_ID, {})


def setup(env):
    """zh_CN, a care manager and the community of the sheet (committed)."""
    env["res.lang"]._activate_lang("zh_CN")
    if not env["ir.config_parameter"].get_param("bench_import.zh_loaded"):
        env["ir.module.module"].search(
            [("name", "in", ("base", "elder_crm"))]
        )._update_translations(["zh_CN"])
        env["ir.config_parameter"].set_param("bench_import.zh_loaded", "1")
    Users = env["res.users"].with_context(no_reset_password=True)
    manager = Users.search([("login", "=", "bench_import_manager")])
    if not manager:
        manager = Users.create(
            {
                "name": "导入主管",
                "login": "bench_import_manager",
                "lang": "zh_CN",
                "groups_id": [(6, 0, [env.ref("elder_crm.group_care_manager").id])],
            }
        )
    if not env["care.community"].search_count([("name", "=", "导入基准社区")]):
        env["care.community"].create({"name": "导入基准社区"})
    env.cr.commit()
    return manager


def rows(n, changed=()):
    from odoo.addons.elder_crm.tools import id_number as idn

    out = []
    for i in range(n):
        first17 = (
            f"110105{1925 + (i // 336) % 70}{1 + (i // 28) % 12:02d}"
            f"{1 + i % 28:02d}{i % 1000:03d}"
        )
        out.append(
            {
                "姓名": f"基准老人{i}",
                "身份证号": first17 + idn.check_char(first17),
                "手机": f"{158 if i in changed else 139}{i:08d}",
                "社区网格": "导入基准社区",
                "居住情况": "独居",
                "服务等级": "有偿",
                "家属姓名": f"基准家属{i}",
                "家属关系": "女儿",
                "家属手机": f"186{i:08d}",
                "紧急联系人": "是",
            }
        )
    return out


def measure(env, manager, n):
    from odoo.addons.elder_crm.tools import import_sheet as sheet

    fields = [path for _header, path in sheet.ELDER_COLUMNS]
    headers = [header for header, _path in sheet.ELDER_COLUMNS]
    user_env = env(user=manager, context={"lang": "zh_CN", "tracking_disable": True})
    files = {
        "same": sheet.workbook(sheet.ELDER_COLUMNS, rows(n), "老人档案"),
        "changed": sheet.workbook(
            sheet.ELDER_COLUMNS, rows(n, changed=set(range(0, n, 10))), "老人档案"
        ),
    }
    results = {}
    for name, file, dryrun in (
        ("test", "same", True),
        ("import", "same", False),
        ("reimport", "same", False),
        ("reimport_changed", "changed", False),
    ):
        wizard = user_env["base_import.import"].create(
            {"res_model": "care.elder", "file": files[file], "file_type": XLSX}
        )
        start = time.perf_counter()
        result = wizard.execute_import(
            fields, headers, dict(IMPORT_OPTIONS), dryrun=dryrun
        )
        env.flush_all()
        seconds = time.perf_counter() - start
        errors = [m for m in result["messages"] if m["type"] == "error"]
        if errors or len(result["ids"] or []) != n:
            sys.exit(f"{name}: {len(result['ids'] or [])} ids, errors {errors[:3]}")
        results[name] = {"s": round(seconds, 2), "rows_per_s": round(n / seconds, 1)}
        print(f"{name}: {seconds:.1f} s", file=sys.stderr)
    elders = env["care.elder"].search_count([("name", "=like", "基准老人%")])
    contacts = env["care.elder.contact"].search_count([("name", "=like", "基准家属%")])
    if (elders, contacts) != (n, n):
        sys.exit(f"re-import duplicated: {elders} elders, {contacts} contacts")
    return results


def report(result):
    lines = [
        f"Register import, {result['n']:,} rows (elder + one family member), "
        "XLSX through base_import, as a care manager",
        "",
        "| step | seconds | rows/s |",
        "| --- | ---: | ---: |",
    ]
    for name, figures in result["results"].items():
        lines.append(f"| {name} | {figures['s']:.1f} | {figures['rows_per_s']:.0f} |")
    rate = result["results"]["import"]["rows_per_s"]
    verdict = "PASS" if rate >= TARGET_ROWS_S else "FAIL"
    lines += ["", f"Target: import ≥ {TARGET_ROWS_S} rows/s: {rate:.0f} {verdict}"]
    return "\n".join(lines)


def main():
    args = bench_args(
        __doc__,
        OPTIONS,
        "elder_crm",
        "use the database if it exists and keep it (every run is rolled back)",
    )
    import odoo

    odoo.tools.config.parse_config(
        ["-c", args.config, "-d", args.db], setup_logging=False
    )
    env = env_for(args.db)
    try:
        manager = setup(env)
        results = measure(env, manager, args.n)
    finally:
        env.cr.rollback()
        env.cr.close()
    result = {**run_info(), "db": args.db, "n": args.n, "results": results}
    print(report(result))
    save_result(f"import_{args.db}_{args.n}", result)
    return 0 if results["import"]["rows_per_s"] >= TARGET_ROWS_S else 1


if __name__ == "__main__":
    sys.exit(main())
