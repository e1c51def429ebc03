#!/usr/bin/env bash
# `make run`: start Odoo 18.0 with every addon of addons/ installed (demo data
# loaded) in database $DB. Addons missing from the database are installed (-i),
# addons whose files changed since the last run are upgraded (-u): one hash per
# addon directory is kept in .state/run-$DB.json.
#
#   DB=name            database (default elder_care)
#   HTTP_PORT=8070     port (default: http_port of config/local.conf, 8069)
#   ADDONS=a,b         only these addons; EXTRA_ADDONS_PATH as in `make test`
#   PROD=1             production mode (docs/deploy.md): the server runs with
#                      .state/production.conf, generated from
#                      config/production.conf.template (multi-process: HTTP
#                      workers, cron workers and the gevent process serving
#                      /websocket on GEVENT_PORT, default 8072; proxy_mode,
#                      limits, no database manager, log in
#                      var/log/odoo-production.log). WORKERS=n overrides the
#                      worker count sized from the CPUs. The install/upgrade
#                      step is the same as without PROD.
#   UPDATE=0           skip the install/upgrade step: serve the database as it
#                      is (upgrades then go through `make upgrade`)
#   UI_LANG=en_US      interface language of every user (default zh_CN, loaded
#                      when the database is created). A new database gets
#                      elder_crm first (its demo data makes the company the
#                      Chinese centre: CN, CNY, Asia/Shanghai), then Odoo's
#                      l10n_cn (the Chinese chart of accounts), then the rest
#                      (scripts/ui_lang.py). Given explicitly, UI_LANG also
#                      switches an existing database.
# Extra arguments are passed to the Odoo server (e.g. --dev=all).
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"

"$ROOT/scripts/setup.sh"
load_env

DB="${DB:-elder_care}"
STATE_FILE="$STATE_DIR/run-$DB.json"
ADDONS_PATH="$(full_addons_path)"
PORT="${HTTP_PORT:-$(sed -n 's/^http_port *= *//p' "$CONF")}"
PORT="${PORT:-8069}"
mapfile -t MODS < <(addon_names)

installed=""
if [[ "$(psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$DB'")" == 1 ]]; then
    installed="$(psql -d "$DB" -Atc "SELECT name FROM ir_module_module WHERE state = 'installed'" 2>/dev/null | paste -sd, -)" || true
fi
plan="$("$PY" "$ROOT/scripts/addons.py" plan "$STATE_FILE" "$installed" "${MODS[@]}")"
to_install="$(sed -n 's/^install //p' <<<"$plan")"
to_upgrade="$(sed -n 's/^upgrade //p' <<<"$plan")"

UI_LANG_GIVEN="${UI_LANG:+1}"
UI_LANG="${UI_LANG:-zh_CN}"
new_db=0
steps=()
if [[ -z "$installed" && -n "$to_install" ]]; then
    # a new database: installed in steps (scripts/ui_lang.py --steps)
    new_db=1
    IFS=, read -ra new_mods <<<"$to_install"
    mapfile -t steps < <("$PY" "$ROOT/scripts/ui_lang.py" --steps "${new_mods[@]}")
    to_install=""
fi

args=()
[[ -n "$to_install" ]] && args+=(-i "$to_install")
[[ -n "$to_upgrade" ]] && args+=(-u "$to_upgrade")
if [[ "${UPDATE:-1}" == 0 ]]; then
    info "database $DB: UPDATE=0, served as it is${args[*]:+ (would have run: ${args[*]})}"
elif (( ${#args[@]} || new_db )) || [[ -n "$UI_LANG_GIVEN" ]]; then
    log="$LOG_DIR/run-$DB-update.log"
    : >"$log"
    odoo_update() {
        "$PY" -m odoo server -c "$CONF" --addons-path="$ADDONS_PATH" -d "$DB" "$@" \
            --stop-after-init --max-cron-threads=0 --logfile="$log" \
            || { tail -n 30 "$log" >&2; die "install/upgrade failed; see $log"; }
    }
    if (( new_db )); then
        info "new database $DB: elder_crm first (the Chinese demo centre), then accounting (l10n_cn), then the rest; interface language $UI_LANG (log: ${log#"$ROOT/"})"
        lang_args=()
        [[ "$UI_LANG" != en_US ]] && lang_args=(--load-language="$UI_LANG")
        for step in "${steps[@]}"; do
            info "install $step"
            odoo_update -i "$step" "${lang_args[@]}"
            lang_args=()
        done
    fi
    if (( ${#args[@]} )); then
        info "database $DB: install ${to_install:-nothing}, upgrade ${to_upgrade:-nothing} (log: ${log#"$ROOT/"})"
        odoo_update "${args[@]}"
    fi
    if (( new_db )) || [[ -n "$UI_LANG_GIVEN" ]]; then
        "$PY" "$ROOT/scripts/ui_lang.py" "$UI_LANG" -c "$CONF" --addons-path="$ADDONS_PATH" -d "$DB" \
            --logfile="$log" || die "setting the interface language failed; see $log"
    fi
    "$PY" "$ROOT/scripts/check_install_log.py" "$log" || info "(the warnings above do not stop make run; make test fails on them)"
    "$PY" "$ROOT/scripts/addons.py" save "$STATE_FILE" "${MODS[@]}"
else
    info "database $DB: addons up to date"
fi

RUN_CONF="$CONF"
server=("$PY" -m odoo)
prod_args=()
if [[ "${PROD:-0}" == 1 ]]; then
    RUN_CONF="$STATE_DIR/production.conf"
    DB="$DB" HTTP_PORT="$PORT" "$PY" "$ROOT/scripts/gen_config.py" --production
    GEVENT_PORT="${GEVENT_PORT:-$(sed -n 's/^gevent_port *= *//p' "$RUN_CONF")}"
    prod_args=(--gevent-port="$GEVENT_PORT")
    # The prefork server starts its gevent process as [python, sys.argv[0],
    # "gevent", ...]: sys.argv[0] must be a script (`python -m odoo` is not).
    server=("$PY" "$STATE_DIR/odoo-bin")
    cat >"$STATE_DIR/odoo-bin" <<'LAUNCHER'
#!/usr/bin/env python3
"""Odoo's odoo-bin, written by scripts/run.sh for PROD=1 (see there)."""
import sys

if sys.argv[1:2] == ["gevent"]:
    # gevent 22.10 loads its monkey-patch plugin through pkg_resources, which
    # checks the plugin's requirements; setuptools < 69 cannot find
    # distributions whose dist-info name is normalised (zope_interface-8.x):
    # DistributionNotFound, and the gevent process dies at start, over and
    # over. importlib.metadata loads the same plugin without that check.
    import importlib.metadata

    import gevent.events

    gevent.events.iter_entry_points = lambda group: importlib.metadata.entry_points(
        group=group
    )

import odoo

odoo.cli.main()
LAUNCHER
    info "production mode: $(sed -n 's/^workers *= *//p' "$RUN_CONF") HTTP workers, websocket (gevent) on port $GEVENT_PORT, log in $(sed -n 's/^logfile *= *//p' "$RUN_CONF")"
    info "without nginx in front (config/nginx/elder-care.conf) the browser's /websocket requests reach an HTTP worker and fail: live updates need the proxy"
fi

# Print where to log in once the server answers (the server keeps the
# foreground; this watcher ends with it).
(
    for _ in $(seq 300); do
        kill -0 $$ 2>/dev/null || exit 0
        if "$PY" - "$PORT" 2>/dev/null <<'PY'
import sys, urllib.request
req = urllib.request.Request(f"http://127.0.0.1:{sys.argv[1]}/web/webclient/version_info",
                             data=b'{"jsonrpc": "2.0", "params": {}}',
                             headers={"Content-Type": "application/json"})
urllib.request.urlopen(req, timeout=5)
PY
        then
            printf '\n  Odoo 18.0 is running: http://localhost:%s\n  database: %s\n  login:    admin / admin\n  (Ctrl-C stops it)\n\n' "$PORT" "$DB" >&2
            exit 0
        fi
        sleep 1
    done
) &
info "starting Odoo on http://localhost:$PORT (database $DB)"
exec "${server[@]}" server -c "$RUN_CONF" --addons-path="$ADDONS_PATH" -d "$DB" \
    --db-filter="^$DB\$" --http-port="$PORT" "${prod_args[@]}" "$@"
