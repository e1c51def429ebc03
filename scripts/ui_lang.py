#!/usr/bin/env python3
"""A new database the Chinese way: install order, then interface language.

Usage: ui_lang.py --steps MOD…          the -i lists that create a database
                                        holding MOD…, one per line, in order
       ui_lang.py LANG ODOO-OPTIONS…    set the interface language
                                        (e.g. zh_CN -c config/local.conf -d DB)

Install order: elder_crm first (its demo data makes the company the Chinese
centre: China, CNY, the Chaoyang address), then, if some module needs
accounting, Odoo's l10n_cn alone (installing it with account, now that the
company is Chinese, loads the Chinese chart of accounts into the company
before any other module's demo data posts invoices; `account` itself would
load its generic chart, in USD, into a company without a country), then the
rest. The first step is run with --load-language so every later module
installs its zh_CN terms.

Interface language (second form):

Loads LANG if the database does not have it yet (activates it and imports the
terms of every installed module), then sets it on every user, active or not
(admin, the demo logins, the public and portal users, the templates new users
are copied from) and on every company's partner (the fallback language of
users without one); it becomes the default language of new partners and users
(and replaces the previous default on the partners that had it). Users
without a time zone get Asia/Shanghai (the demo data gives the staff theirs).
Odoo's l10n_cn, installed with demo data, adds its own demo company "CN
Company" (with demo invoices) to admin's companies: it is archived, so that
every login sees the centre only. Run by `make run` when it creates a
database or when UI_LANG is given, by `make test` after its install and by
docker compose's init service. The company itself (China, CNY, the Chaoyang
address) comes from elder_crm's demo data.
"""

import ast
import sys
from pathlib import Path

TZ = "Asia/Shanghai"


def install_steps(names):
    """The -i lists for a new database that is to hold ``names``."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from addons import modules  # scripts/addons.py: addons/ + EXTRA_ADDONS_PATH

    found = modules()
    closure, needed, todo = set(), set(), list(names)
    while todo:
        name = todo.pop()
        if name in closure or name not in found:
            continue
        closure.add(name)
        manifest = found[name] / "__manifest__.py"
        depends = ast.literal_eval(manifest.read_text(encoding="utf-8"))["depends"]
        needed.update(depends)
        todo.extend(depends)
    steps = ["elder_crm"] if "elder_crm" in closure else []
    if "account" in needed:
        steps.append("l10n_cn")
    rest = [name for name in names if name not in steps]
    if rest:
        steps.append(",".join(rest))
    return steps


def set_ui_lang(env, code):
    """Load ``code`` if needed and make it every user's language."""
    from odoo.tools.translate import load_language

    lang = env["res.lang"].with_context(active_test=False).search([("code", "=", code)])
    if not lang:
        sys.exit(f"ui_lang: unknown language {code!r} (e.g. zh_CN or en_US)")
    if not lang.active:
        load_language(env.cr, code)
    # the language of partners and users created from now on (creating a
    # database with --load-language made that language their default), and of
    # the partners that got the previous default
    previous = env["ir.default"]._get("res.partner", "lang")
    if previous and previous != code:
        env["res.partner"].with_context(active_test=False).search(
            [("lang", "=", previous)]
        ).write({"lang": code})
    env["ir.default"].set("res.partner", "lang", code)
    users = env["res.users"].with_context(active_test=False).search([])
    users.write({"lang": code})
    users.filtered(lambda user: not user.tz).write({"tz": TZ})
    env["res.company"].with_context(active_test=False).search([]).partner_id.write(
        {"lang": code}
    )
    # the demo is one Chinese centre, whatever other addons' demo data did
    if hasattr(env["res.company"], "_care_demo_keep_identity"):
        env["res.company"]._care_demo_keep_identity()
    return len(users)


def main(argv):
    if argv[:1] == ["--steps"]:
        print("\n".join(install_steps(argv[1:])))
        return
    if len(argv) < 2 or argv[0].startswith("-"):
        sys.exit(__doc__)
    import odoo

    code, odoo_args = argv[0], argv[1:]
    odoo.tools.config.parse_config(odoo_args)
    dbname = odoo.tools.config["db_name"]
    if not dbname:
        sys.exit("ui_lang: give the database with -d")
    registry = odoo.modules.registry.Registry(dbname)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        count = set_ui_lang(env, code)
    print(
        f"==> database {dbname}: interface language {code} for {count} users",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
