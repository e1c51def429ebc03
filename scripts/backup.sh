#!/usr/bin/env bash
# `make backup`: one timestamped archive of a database and its filestore, in
# Odoo's own backup format (odoo.service.db.dump_db: a zip holding dump.sql,
# filestore/ and manifest.json), so the archive also restores through Odoo's
# database manager. The archive is written under a temporary name, checked
# (zip CRCs, members) and only then renamed: a listed archive is complete.
#
#   DB=name            database (default elder_care)
#   BACKUP_DIR=dir     where archives go (default var/backups)
#   ODOO_CONF=file     Odoo configuration giving the PostgreSQL connection and
#                      data_dir (default config/local.conf; in production the
#                      server's, e.g. /etc/odoo/care.conf)
# Prints the archive's path on stdout. Archives hold password hashes and
# personal data: they are created readable by their owner only.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"

if [[ -z "${ODOO_CONF:-}" ]]; then
    load_env
    "$ROOT/scripts/pg.sh" start
    ODOO_CONF="$CONF"
else  # a server's own configuration: its Python (PY, default python3)
    [[ -f "$STATE_DIR/python" ]] && load_env
    PY="${PY:-python3}"
fi
DB="${DB:-elder_care}"
BACKUP_DIR="${BACKUP_DIR:-$VAR_DIR/backups}"
[[ -d "$BACKUP_DIR" ]] || mkdir -p -m 700 "$BACKUP_DIR"

"$PY" - "$ODOO_CONF" "$DB" "$BACKUP_DIR" <<'PY'
import os
import sys
import time
import zipfile

import odoo
from odoo.tools import config

conf, db, out_dir = sys.argv[1:4]
config.parse_config(["-c", conf, "--log-level=warn"])
# dump_db belongs to the database manager, which production configurations
# switch off (list_db = False); this process is the operator's own tool.
config["list_db"] = True
from odoo.service import db as service_db  # noqa: E402

if not service_db.exp_db_exist(db):
    sys.exit(f"error: database {db!r} does not exist")
stamp = time.strftime("%Y%m%d_%H%M%S")
final = os.path.join(out_dir, f"{db}_{stamp}.zip")
n = 1
while os.path.exists(final):
    n += 1
    final = os.path.join(out_dir, f"{db}_{stamp}_{n}.zip")
part = final + ".part"
started = time.monotonic()
old_umask = os.umask(0o077)
try:
    with open(part, "wb") as stream:
        service_db.dump_db(db, stream, "zip")
    with zipfile.ZipFile(part) as archive:
        bad = archive.testzip()
        names = set(archive.namelist())
    if bad or not {"dump.sql", "manifest.json"} <= names:
        sys.exit(f"error: the archive written for {db!r} does not read back ({bad or 'members missing'})")
    os.replace(part, final)
finally:
    os.umask(old_umask)
    if os.path.exists(part):
        os.unlink(part)
size = os.path.getsize(final) / 1024 / 1024
print(f"==> backup of {db}: {final} ({size:.1f} MB, {time.monotonic() - started:.1f} s)", file=sys.stderr)
print(final)
PY
