#!/usr/bin/env bash
# `make test`: install the addons with demo data in a throwaway database,
# fail on any WARNING/ERROR/CRITICAL in the install log, then run the addons'
# tests and the top-level tests/ in one pytest-odoo run.
#
#   ADDONS=a,b         only these addons (and their dependencies) and only their
#                      tests; the top-level tests/ run only when ADDONS is unset
#   KEEP_DB=1          keep the throwaway databases
#   EXTRA_ADDONS_PATH  more addons directories (colon separated) to include
#   PYTEST_ADDOPTS     extra pytest options (e.g. "-k name -x")
#   UI_LANG=zh_CN      users' interface language (default en_US: the tests'
#                      messages are English; zh_CN is loaded in every test
#                      database, the company is the Chinese demo centre with
#                      l10n_cn, as `make run` makes it, see scripts/run.sh)
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"

pg_was_running=0
"$ROOT/scripts/pg.sh" status && pg_was_running=1
"$ROOT/scripts/setup.sh"
load_env

DB="care_test_$(date +%Y%m%d_%H%M%S)_$$"
RPC_DB="${DB}_rpc"
INSTALL_LOG="$LOG_DIR/$DB-install.log"
ADDONS_PATH="$(full_addons_path)"
FILESTORE="$(sed -n 's/^data_dir *= *//p' "$CONF")/filestore"
mapfile -t MODS < <(addon_names)
(( ${#MODS[@]} )) || die "no addon to test (addons/ holds no module)"

cleanup() {
    local rc=$? pid_file="$LOG_DIR/$RPC_DB-server.pid"
    # the RPC test server, if pytest died before stopping it (tests/conftest.py)
    [[ -f "$pid_file" ]] && kill "$(cat "$pid_file")" 2>/dev/null && rm -f "$pid_file"
    if [[ "${KEEP_DB:-0}" != 1 ]]; then
        (( rc )) || rm -f "$LOG_DIR/$DB"-*.log "$LOG_DIR/$RPC_DB"-*.log  # logs of a passing run
        for db in "$DB" "$RPC_DB"; do
            dropdb --if-exists --force "$db" >/dev/null 2>&1 || echo "warning: could not drop database $db" >&2
            rm -rf "${FILESTORE:?}/$db"
        done
    fi
    if (( !pg_was_running )) && [[ "$CARE_PG_MODE" == local ]]; then
        "$ROOT/scripts/pg.sh" stop >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

info "installing ${MODS[*]} with demo data into database $DB"
info "install log: ${INSTALL_LOG#"$ROOT/"}"
install_rc=0
# as `make run` (scripts/ui_lang.py): elder_crm first with zh_CN loaded (the
# Chinese demo centre), l10n_cn if accounting is needed, then the rest
lang_args=(--load-language=zh_CN)
while read -r step; do
    "$PY" -m odoo server -c "$CONF" --addons-path="$ADDONS_PATH" -d "$DB" -i "$step" \
        "${lang_args[@]}" --stop-after-init --max-cron-threads=0 \
        --logfile="$INSTALL_LOG" --log-level=info || { install_rc=$?; break; }
    lang_args=()
done < <("$PY" "$ROOT/scripts/ui_lang.py" --steps "${MODS[@]}")
(( install_rc )) || "$PY" "$ROOT/scripts/ui_lang.py" "${UI_LANG:-en_US}" -c "$CONF" \
    --addons-path="$ADDONS_PATH" -d "$DB" --logfile="$INSTALL_LOG" || install_rc=$?
if ! "$PY" "$ROOT/scripts/check_install_log.py" "$INSTALL_LOG" || (( install_rc )); then
    (( install_rc )) && { echo "--- last lines of $INSTALL_LOG:"; tail -n 20 "$INSTALL_LOG"; }
    die "install of ${MODS[*]} failed (exit code $install_rc) or logged warnings/errors; see $INSTALL_LOG"
fi
info "install OK, no warning in the log"

paths=()
for mod in "${MODS[@]}"; do
    dir="$(addon_dir "$mod" 2>/dev/null)" || { info "$mod is not in addons/: not testing it"; continue; }
    [[ -d "$dir/tests" ]] && paths+=("${dir#"$ROOT/"}/tests")
done
if [[ -z "${ADDONS:-}" ]]; then
    # The pytest-odoo process holds a connection to $DB: the server that the
    # top-level tests start over RPC gets its own copy.
    createdb -T "$DB" "$RPC_DB"
    [[ -d "$FILESTORE/$DB" ]] && cp -a "$FILESTORE/$DB" "$FILESTORE/$RPC_DB"
    export CARE_RPC_DB="$RPC_DB"
    paths+=(tests)
fi
(( ${#paths[@]} )) || { echo "no tests: none of ${MODS[*]} has a tests/ directory"; exit 5; }
[[ "${KEEP_DB:-0}" == 1 ]] && info "KEEP_DB=1: databases $DB and $RPC_DB will be kept"

export CARE_ODOO_CONFIG="$CONF" CARE_ADDONS_PATH="$ADDONS_PATH"
export PYTHONPATH="$ROOT/scripts/pytest_plugins${PYTHONPATH:+:$PYTHONPATH}"
opts=()
# pytest-benchmark, when installed, makes .benchmarks/ in the work tree: not there
"$PY" -c 'import pytest_benchmark' 2>/dev/null && opts+=(--benchmark-storage="file://$VAR_DIR/benchmarks")
info "pytest ${paths[*]}"
rc=0
"$PY" -m pytest -c "$ROOT/pytest.ini" --rootdir="$ROOT" -p care_pytest "${opts[@]}" \
    --odoo-config="$CONF" --odoo-database="$DB" --odoo-addons-path="$ADDONS_PATH" \
    --odoo-http "${paths[@]}" || rc=$?
exit "$rc"
