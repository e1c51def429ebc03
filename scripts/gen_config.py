#!/usr/bin/env python3
"""Write config/local.conf from config/odoo.conf.template.

Run with the interpreter that runs Odoo, with the PG* variables of
.state/pg.env in the environment. Keeps the generated admin_passwd and any
option added to local.conf by hand; everything else is recomputed.

``gen_config.py --production [--output FILE]`` writes the production
configuration instead (config/production.conf.template, by default to
.state/production.conf, which `make run PROD=1` starts): workers sized from
the CPUs and memory (or WORKERS), MAX_CRON_THREADS (default 2), DB (the one
database served, default elder_care), HTTP_PORT / GEVENT_PORT (8069 / 8072),
LOGFILE (default var/log/odoo-production.log), and a random master password
stored as a pbkdf2-sha512 hash; its plain text goes to
.state/master_password (mode 600) and is printed once.
"""

import argparse
import configparser
import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "config" / "odoo.conf.template"
OUTPUT = ROOT / "config" / "local.conf"
PROD_TEMPLATE = ROOT / "config" / "production.conf.template"
PROD_OUTPUT = ROOT / ".state" / "production.conf"
MASTER_PASSWORD = ROOT / ".state" / "master_password"
# average memory of an HTTP worker (Odoo's deployment guide: 80 % light
# requests of ~150 MB, 20 % heavy ones of ~1 GB)
WORKER_MEMORY = 300 * 1024 * 1024


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


def workers():
    """2 * CPUs + 1 HTTP workers, as many as 80 % of the memory holds."""
    if os.environ.get("WORKERS"):
        return int(os.environ["WORKERS"])
    cpus = (
        len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count()
    )
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        memory = 0
    by_memory = int(memory * 0.8 // WORKER_MEMORY) if memory else 2 * cpus + 1
    return max(2, min(2 * cpus + 1, by_memory))


def master_password_hash(old_hash):
    """The kept hash, or the hash of a new random password (printed once)."""
    if old_hash and old_hash.startswith("$pbkdf2-sha512$"):
        return old_hash
    from passlib.context import CryptContext

    password = secrets.token_urlsafe(32)
    MASTER_PASSWORD.parent.mkdir(exist_ok=True)
    MASTER_PASSWORD.write_text(password + "\n", encoding="utf-8")
    MASTER_PASSWORD.chmod(0o600)
    print(
        f"==> new master password (kept in {MASTER_PASSWORD.relative_to(ROOT)}): {password}",
        file=sys.stderr,
    )
    # Odoo's own scheme for admin_passwd (odoo.tools.config.crypt_context)
    return CryptContext(["pbkdf2_sha512"], pbkdf2_sha512__rounds=600_000).hash(password)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--production", action="store_true")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    if args.production:
        write(PROD_TEMPLATE, args.output or PROD_OUTPUT, production=True)
    else:
        write(TEMPLATE, args.output or OUTPUT)


def write(template, output, production=False):
    old = read(output)
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
    if production:
        values.update(
            ADMIN_PASSWD=master_password_hash(old_opts.get("admin_passwd")),
            DB_NAME=os.environ.get("DB") or "elder_care",
            WORKERS=str(workers()),
            MAX_CRON_THREADS=os.environ.get("MAX_CRON_THREADS") or "2",
            HTTP_PORT=os.environ.get("HTTP_PORT") or "8069",
            GEVENT_PORT=os.environ.get("GEVENT_PORT") or "8072",
            LOGFILE=os.environ.get("LOGFILE")
            or str(ROOT / "var" / "log" / "odoo-production.log"),
        )
    lines = []
    for line in template.read_text(encoding="utf-8").splitlines(keepends=True):
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
        text += f"\n; kept from the previous {output.name}\n"
        text += "".join(f"{k} = {v}\n" for k, v in extra)
    if not output.is_file() or output.read_text(encoding="utf-8") != text:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        output.chmod(0o600)
        shown = output.relative_to(ROOT) if output.is_relative_to(ROOT) else output
        print(f"==> wrote {shown}", file=sys.stderr)


def read_string(text):
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    return parser["options"]


if __name__ == "__main__":
    main()
