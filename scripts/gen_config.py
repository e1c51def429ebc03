#!/usr/bin/env python3
"""Write config/local.conf from config/odoo.conf.template.

Run with the interpreter that runs Odoo, with the PG* variables of
.state/pg.env in the environment. Keeps the generated admin_passwd and any
option added to local.conf by hand; everything else is recomputed.
"""

import configparser
import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "config" / "odoo.conf.template"
OUTPUT = ROOT / "config" / "local.conf"


def is_addons_dir(path):
    """Same test as Odoo's: holds at least one module."""
    path = Path(path)
    return path.is_dir() and any(
        (mod / "__init__.py").is_file() and (mod / "__manifest__.py").is_file()
        for mod in path.iterdir()
    )


def addons_path():
    import odoo

    import odoo.addons

    candidates = [ROOT / "addons"]
    # Odoo's main addons: odoo/addons in a pip install, ../addons in a checkout
    candidates.append(Path(odoo.__file__).resolve().parent.parent / "addons")
    candidates += [Path(p) for p in odoo.addons.__path__]
    paths = []
    for path in candidates:
        path = str(path.resolve())
        if path not in paths and is_addons_dir(path):
            paths.append(path)
    return ",".join(paths)


def read(path):
    parser = configparser.ConfigParser(interpolation=None)
    if path.is_file():
        parser.read(path, encoding="utf-8")
    return parser


def main():
    old = read(OUTPUT)
    old_opts = old["options"] if old.has_section("options") else {}
    values = {
        "ADMIN_PASSWD": old_opts.get("admin_passwd") or secrets.token_urlsafe(24),
        "DB_HOST": os.environ.get("PGHOST") or "False",
        "DB_PORT": os.environ.get("PGPORT") or "False",
        "DB_USER": os.environ.get("PGUSER") or "False",
        "DB_PASSWORD": os.environ.get("PGPASSWORD") or "False",
        "ADDONS_PATH": addons_path(),
        "DATA_DIR": str(ROOT / "var" / "data"),
    }
    lines = []
    for line in TEMPLATE.read_text(encoding="utf-8").splitlines(keepends=True):
        key = line.split("=", 1)[0].strip()
        if "=" in line and "@" not in line and key in old_opts:
            line = f"{key} = {old_opts[key]}\n"  # a template default changed by hand
        for name, value in values.items():
            line = line.replace(f"@{name}@", value)
        lines.append(line)
    text = "".join(lines)
    managed = read_string(text)
    extra = [(k, v) for k, v in old_opts.items() if k not in managed]
    if extra:
        text += "\n; kept from the previous local.conf\n"
        text += "".join(f"{k} = {v}\n" for k, v in extra)
    if not OUTPUT.is_file() or OUTPUT.read_text(encoding="utf-8") != text:
        OUTPUT.write_text(text, encoding="utf-8")
        OUTPUT.chmod(0o600)
        print(f"==> wrote {OUTPUT.relative_to(ROOT)}", file=sys.stderr)


def read_string(text):
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    return parser["options"]


if __name__ == "__main__":
    main()
