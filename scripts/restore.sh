#!/usr/bin/env bash
# `make restore FILE=archive.zip`: restore a `make backup` archive (or one made
# by Odoo's database manager) into a database, with its filestore.
#
#   FILE=path          the archive (required)
#   DB=name            target database (`make restore` passes DB, elder_care by
#                      default; run directly without DB: the archive's own name)
#   FORCE=1            replace the target database if it exists (otherwise an
#                      existing database is refused and left alone)
#   COPY=1             the restored database is a copy: it gets a new database
#                      UUID (as "This database is a copy" in the manager)
#   NEUTRALIZE=1       neutralize it (no outgoing mail, crons off...), for a
#                      staging or training copy of production
#   ODOO_CONF=file     as in backup.sh (default config/local.conf)
#
# The archive is verified BEFORE any database is created or touched: a zip
# whose members fail their CRC, that lacks dump.sql or manifest.json, whose
# dump.sql is cut short, made by another Odoo major version or needing
# modules that are not in the addons path is refused (exit code 2). The
# restore goes to a temporary database (psql stops at the first SQL error)
# which replaces the target only once complete: a failed restore leaves the
# existing database as it was.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"

FILE="${1:-${FILE:-}}"
[[ -n "$FILE" ]] || die "usage: make restore FILE=archive.zip [DB=name] [FORCE=1] [COPY=1] [NEUTRALIZE=1]"
if [[ -z "${ODOO_CONF:-}" ]]; then
    load_env
    "$ROOT/scripts/pg.sh" start
    ODOO_CONF="$CONF"
else  # a server's own configuration: its Python (PY, default python3)
    [[ -f "$STATE_DIR/python" ]] && load_env
    PY="${PY:-python3}"
fi

exec "$PY" - "$ODOO_CONF" "$FILE" "${DB:-}" "${FORCE:-0}" "${COPY:-0}" "${NEUTRALIZE:-0}" <<'PY'
import json
import os
import sys
import tempfile
import time
import zipfile
import zlib
from pathlib import PurePosixPath

import odoo
from odoo.tools import config

conf, path, target, force, copy, neutralize = sys.argv[1:7]
force, copy, neutralize = (flag == "1" for flag in (force, copy, neutralize))
DUMP_END = b"-- PostgreSQL database dump complete"


def refuse(message):
    print(f"error: {message}; nothing was restored, no database was touched", file=sys.stderr)
    sys.exit(2)


def verify(path):
    """The archive's manifest, or refuse(): every check reads the file only."""
    if not os.path.isfile(path):
        refuse(f"{path} is not a file")
    if not zipfile.is_zipfile(path):
        refuse(f"{path} is not a zip archive (damaged, cut short or not a backup)")
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            missing = {"dump.sql", "manifest.json"} - set(names)
            if missing:
                refuse(f"{path} lacks {', '.join(sorted(missing))}: not an Odoo backup")
            unsafe = [n for n in names if n.startswith("/") or ".." in PurePosixPath(n).parts]
            if unsafe:
                refuse(f"{path} holds unsafe member names: {unsafe[:3]}")
            bad = archive.testzip()  # reads every member, checks its CRC
            if bad:
                refuse(f"{path} is damaged: member {bad} fails its CRC check")
            manifest = json.loads(archive.read("manifest.json"))
            info = archive.getinfo("dump.sql")
            with archive.open(info) as dump:
                dump.seek(max(0, info.file_size - 4096))
                tail = dump.read()
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        refuse(f"{path} is damaged: {exc}")
    if not isinstance(manifest, dict) or not isinstance(manifest.get("modules"), dict):
        refuse(f"{path} has no valid manifest.json")
    if DUMP_END not in tail:
        refuse(f"{path}: dump.sql is incomplete (pg_dump's end marker is missing)")
    if manifest.get("major_version") != odoo.release.major_version:
        refuse(
            f"{path} was made by Odoo {manifest.get('major_version')}, this is Odoo "
            f"{odoo.release.major_version}"
        )
    absent = sorted(
        m for m in manifest["modules"] if not odoo.modules.module.get_module_path(m, display_warning=False)
    )
    if absent:
        refuse(f"{path} needs modules missing from the addons path: {', '.join(absent)}")
    return manifest


config.parse_config(["-c", conf, "--log-level=warn"])
manifest = verify(path)
target = target or manifest.get("db_name") or refuse("no target database (DB=...)")
# restore_db and friends belong to the database manager, which production
# configurations switch off (list_db = False); this process is the operator's tool.
config["list_db"] = True
from odoo.service import db as service_db  # noqa: E402

exists = service_db.exp_db_exist(target)
if exists and not force:
    refuse(f"database {target!r} exists; add FORCE=1 to replace it")

started = time.monotonic()
temp = f"{target[:40]}_restoring_{os.getpid()}"
with tempfile.NamedTemporaryFile("w", suffix=".psqlrc") as psqlrc:
    # restore_db runs psql -f dump.sql: stop at the first error, not later
    psqlrc.write("\\set ON_ERROR_STOP on\n")
    psqlrc.flush()
    os.environ["PSQLRC"] = psqlrc.name
    try:
        service_db.restore_db(temp, path, copy=copy, neutralize_database=neutralize)
    except Exception as exc:
        if service_db.exp_db_exist(temp):
            service_db.exp_drop(temp)
        print(f"error: restore of {path} failed: {exc}; {target!r} was not touched", file=sys.stderr)
        sys.exit(1)
if exists:
    service_db.exp_drop(target)
service_db.exp_rename(temp, target)
print(
    f"==> restored {path} into database {target} ({time.monotonic() - started:.1f} s)"
    + (" (replaced the previous one)" if exists else ""),
    file=sys.stderr,
)
PY
