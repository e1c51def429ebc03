#!/usr/bin/env bash
# `make upgrade`: upgrade (-u) the suite's addons installed in a database,
# then fail on any WARNING/ERROR in the upgrade log (scripts/check_install_log.py).
#
#   DB=name            database (default elder_care)
#   ADDONS=a,b         only these addons (default: every addon of addons/ and
#                      EXTRA_ADDONS_PATH that is installed in DB)
#   BACKUP=0           skip the backup taken first (default: scripts/backup.sh,
#                      into BACKUP_DIR, so a failed upgrade can be rolled back
#                      with make restore FILE=... FORCE=1)
#   FORCE=1            upgrade even if an Odoo server is connected to DB (stop
#                      the service first: a server running old code on an
#                      upgraded database, or the reverse, is not safe)
#   ODOO_CONF=file     as in backup.sh (default config/local.conf)
# The log is var/log/upgrade-DB-<time>.log. Data-changing changes ship
# migration scripts (addons/<addon>/migrations/<version>/, see docs/deploy.md).
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
CONF="$ODOO_CONF"
DB="${DB:-elder_care}"

psql_db() { psql -X -d "$DB" -Atc "$1"; }
[[ "$(psql -X -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$DB'")" == 1 ]] \
    || die "database $DB does not exist"
mapfile -t MODS < <(addon_names)
installed="$(psql_db "SELECT name FROM ir_module_module WHERE state IN ('installed', 'to upgrade')")"
todo=()
for mod in "${MODS[@]}"; do
    grep -qxF "$mod" <<<"$installed" && todo+=("$mod")
done
(( ${#todo[@]} )) || die "none of ${MODS[*]} is installed in $DB"

# Odoo names its connections odoo-<pid>
servers="$(psql_db "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'odoo-%' AND pid <> pg_backend_pid()")"
if (( servers > 0 )) && [[ "${FORCE:-0}" != 1 ]]; then
    die "an Odoo server is connected to $DB ($servers connection(s)): stop it first (or FORCE=1)"
fi

if [[ "${BACKUP:-1}" != 0 ]]; then
    info "backup of $DB before the upgrade"
    ODOO_CONF="$CONF" DB="$DB" "$ROOT/scripts/backup.sh" >/dev/null
fi

log="$LOG_DIR/upgrade-$DB-$(date +%Y%m%d_%H%M%S).log"
info "upgrading $(join_by_comma "${todo[@]}") in $DB (log: ${log#"$ROOT/"})"
started=$SECONDS
rc=0
"$PY" -m odoo server -c "$CONF" --addons-path="$(full_addons_path)" \
    -d "$DB" -u "$(join_by_comma "${todo[@]}")" --stop-after-init --workers=0 --max-cron-threads=0 \
    --no-http --logfile="$log" --log-level=info || rc=$?
if (( rc )); then
    tail -n 30 "$log" >&2
    die "upgrade of $DB failed (exit code $rc); see $log"
fi
"$PY" "$ROOT/scripts/check_install_log.py" "$log" \
    || die "upgrade of $DB logged warnings/errors; see $log"
info "upgrade of $DB done in $((SECONDS - started)) s, log clean"
