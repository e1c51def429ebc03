#!/usr/bin/env bash
# Two (or N) Odoo nodes on one PostgreSQL primary, for the fault tests, the
# faults benchmark and docs/scaling.md. Everything runs on a PostgreSQL
# cluster of its own (never the project's shared one: the fault tests restart
# it), under $CLUSTER_DIR (default var/cluster; the PostgreSQL data lives in
# /var/tmp when running as root, which postgres cannot reach in a work tree).
#
#   cluster.sh pg-start       init (once) and start the private primary
#                             (socket in $CLUSTER_DIR, port CLUSTER_PG_PORT,
#                             default 55432); prints nothing, exit 0 when up
#   cluster.sh pg-stop | pg-restart [SECONDS_DOWN] | pg-destroy
#   cluster.sh pg-env         print the libpq variables of the primary
#   cluster.sh db DB          create DB with the suite (CLUSTER_ADDONS; demo data) on
#                             the primary; kept as a template (care_faults_tmpl,
#                             rebuilt when the addons change, unless
#                             CLUSTER_KEEP_TEMPLATE=1), so DB is a copy
#   cluster.sh start DB [N]   start N (default 2) nodes on DB: multi-process
#                             (workers CLUSTER_WORKERS, default 2; one cron
#                             worker each), HTTP ports 18069+i, gevent ports
#                             18169+i, the same data_dir (filestore); a replica
#                             is used for read-only work when REPLICA=1
#                             (scripts/replica.sh start first)
#   cluster.sh up DB [N]      make cluster: db (when missing), replica (when
#                             REPLICA=1), start
#   cluster.sh stop [I]       stop every node (or node I)
#   cluster.sh kill I         kill -9 node I: its master and all its workers
#   cluster.sh status         the nodes' pids and ports
# The node i's configuration is $CLUSTER_DIR/node<i>.conf, its log
# $CLUSTER_DIR/node<i>.log, its database connections are named node<i>-<pid>
# (pg_stat_activity.application_name).
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"
load_env

CLUSTER_DIR="${CLUSTER_DIR:-$VAR_DIR/cluster}"
PG_PORT="${CLUSTER_PG_PORT:-55432}"
HTTP_BASE="${CLUSTER_HTTP_BASE:-18069}"
GEVENT_BASE="${CLUSTER_GEVENT_BASE:-18169}"
WORKERS="${CLUSTER_WORKERS:-2}"
TEMPLATE_DB=care_faults_tmpl
# the addons the cluster's database has (CLUSTER_ADDONS=a,b to change): the
# fault tests need the events API, the calls API, vouchers and the crons
IFS=, read -r -a CLUSTER_MODS <<<"${CLUSTER_ADDONS:-elder_crm,care_reception,care_dispatch,care_devices,care_vouchers,care_dispatch_devices,care_api_guard}"
mkdir -p "$CLUSTER_DIR"
CLUSTER_DIR="$(cd "$CLUSTER_DIR" && pwd)"

as_pg() {
    if [[ $EUID -eq 0 ]]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# PostgreSQL's files: postgres (when we are root) must reach them
PG_ROOT="$CLUSTER_DIR/pg"
if [[ $EUID -eq 0 ]]; then
    PG_ROOT="/var/tmp/care-cluster-$(sha1sum <<<"$CLUSTER_DIR" | cut -c1-12)"
fi
PRIMARY="$PG_ROOT/primary"
SOCK="$PG_ROOT/sock"
export CLUSTER_DIR PG_ROOT SOCK PG_PORT

pg_env() {
    printf 'export PGHOST=%q PGPORT=%q PGUSER=odoo\nunset PGPASSWORD PGDATABASE\n' "$SOCK" "$PG_PORT"
}

pg_start() {
    if [[ -f "$PRIMARY/PG_VERSION" ]] && ! grep -qx "port = $PG_PORT" "$PRIMARY/postgresql.conf"; then
        # a throwaway cluster left by a run with another port (a reused clone
        # path): it would start on the old port and never answer on this one
        info "the fault cluster in $PG_ROOT was made for another port: starting afresh"
        as_pg "$PGBIN/pg_ctl" -D "$PRIMARY" -m immediate -w stop >/dev/null 2>&1 || true
        "$ROOT/scripts/replica.sh" destroy 2>/dev/null || true
        rm -rf "$PRIMARY"
    fi
    mkdir -p "$PG_ROOT" "$SOCK"
    [[ $EUID -eq 0 ]] && chown postgres: "$PG_ROOT" "$SOCK"
    chmod 700 "$PG_ROOT"
    if [[ ! -f "$PRIMARY/PG_VERSION" ]]; then
        as_pg "$PGBIN/initdb" -D "$PRIMARY" -U odoo -A trust -E UTF8 --locale=C.UTF-8 >"$PG_ROOT/initdb.log"
        cat >>"$PRIMARY/postgresql.conf" <<CONF

# --- scripts/cluster.sh: primary of the fault tests ---
listen_addresses = ''
unix_socket_directories = '$SOCK'
port = $PG_PORT
max_connections = 200
wal_level = replica
max_wal_senders = 4
hot_standby = on
fsync = off
full_page_writes = off
shared_preload_libraries = 'pg_stat_statements'
track_functions = all
CONF
        # a replica connects for replication over the socket (trust)
        grep -q '^local *replication' "$PRIMARY/pg_hba.conf" \
            || echo 'local replication all trust' >>"$PRIMARY/pg_hba.conf"
    fi
    if ! as_pg "$PGBIN/pg_ctl" -D "$PRIMARY" status >/dev/null 2>&1; then
        as_pg "$PGBIN/pg_ctl" -D "$PRIMARY" -l "$PG_ROOT/primary.log" -w -t 60 start >/dev/null \
            || { tail -n 20 "$PG_ROOT/primary.log" >&2; die "the cluster's PostgreSQL did not start"; }
    fi
    "$PGBIN/pg_isready" -q -h "$SOCK" -p "$PG_PORT" -t 30
}

pg_stop() {
    [[ -f "$PRIMARY/PG_VERSION" ]] || return 0
    as_pg "$PGBIN/pg_ctl" -D "$PRIMARY" -m fast -w stop >/dev/null 2>&1 || true
}

psql_p() { psql -h "$SOCK" -p "$PG_PORT" -U odoo -v ON_ERROR_STOP=1 -Atq "$@"; }

addons_hash() {
    # the suite's addons (file contents): a changed addon rebuilds the template
    (cd "$ROOT/addons" && find "${CLUSTER_MODS[@]}" -type f \( -name '*.py' -o -name '*.xml' -o -name '*.csv' -o -name '*.po' \) \
        -not -path '*/__pycache__/*' -print0 | sort -z | xargs -0 sha1sum | sha1sum | cut -c1-16)
}

make_db() {
    local db="$1" hash stamp="$CLUSTER_DIR/template.hash" data_dir
    data_dir="$CLUSTER_DIR/data"
    pg_start
    hash="$(addons_hash)"
    if [[ "$(psql_p -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$TEMPLATE_DB'")" != 1 \
          || ( "${CLUSTER_KEEP_TEMPLATE:-0}" != 1 && "$(cat "$stamp" 2>/dev/null)" != "$hash" ) ]]; then
        info "installing the suite into $TEMPLATE_DB on the cluster's PostgreSQL (a few minutes; log $CLUSTER_DIR/install.log)"
        psql_p -d postgres -c "DROP DATABASE IF EXISTS $TEMPLATE_DB WITH (FORCE)"
        rm -rf "$data_dir/filestore/$TEMPLATE_DB"
        rm -f "$CLUSTER_DIR/install.log"
        # in steps, as make run (scripts/ui_lang.py): elder_crm with zh_CN
        # (the Chinese demo centre), l10n_cn, then the rest
        local lang_args=(--load-language=zh_CN) step
        while read -r step; do
            "$PY" -m odoo server -c "$CONF" --addons-path="$(full_addons_path)" \
                --db_host="$SOCK" --db_port="$PG_PORT" --data-dir="$data_dir" -d "$TEMPLATE_DB" \
                -i "$step" "${lang_args[@]}" --stop-after-init --max-cron-threads=0 \
                --logfile="$CLUSTER_DIR/install.log" --log-level=info \
                || { tail -n 30 "$CLUSTER_DIR/install.log" >&2; die "install failed"; }
            lang_args=()
        done < <("$PY" "$ROOT/scripts/ui_lang.py" --steps "${CLUSTER_MODS[@]}")
        "$PY" "$ROOT/scripts/check_install_log.py" "$CLUSTER_DIR/install.log"
        echo "$hash" >"$stamp"
    fi
    psql_p -d postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)"
    psql_p -d postgres -c "CREATE DATABASE \"$db\" TEMPLATE $TEMPLATE_DB"
    rm -rf "$data_dir/filestore/$db"
    if [[ -d "$data_dir/filestore/$TEMPLATE_DB" ]]; then
        mkdir -p "$data_dir/filestore"
        cp -a "$data_dir/filestore/$TEMPLATE_DB" "$data_dir/filestore/$db"
    fi
    echo "$db"
}

node_pid() { cat "$CLUSTER_DIR/node$1.pid" 2>/dev/null || true; }

write_launcher() {
    # as scripts/run.sh's PROD=1 launcher: the prefork server re-executes
    # sys.argv[0] for its gevent process, so it must be a script
    cat >"$CLUSTER_DIR/odoo-bin" <<'LAUNCHER'
#!/usr/bin/env python3
"""odoo-bin for scripts/cluster.sh (the same as scripts/run.sh's PROD=1 one)."""
import sys

if sys.argv[1:2] == ["gevent"]:
    import importlib.metadata

    import gevent.events

    gevent.events.iter_entry_points = lambda group: importlib.metadata.entry_points(
        group=group
    )

import odoo

odoo.cli.main()
LAUNCHER
}

start_nodes() {
    local db="$1" n="${2:-2}" i port gport conf pid
    pg_start
    write_launcher
    for ((i = 1; i <= n; i++)); do
        port=$((HTTP_BASE + i - 1)); gport=$((GEVENT_BASE + i - 1))
        conf="$CLUSTER_DIR/node$i.conf"
        pid="$(node_pid "$i")"
        if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
            info "node $i already runs (pid $pid)"; continue
        fi
        {
            echo "[options]"
            echo "addons_path = $(full_addons_path)"
            echo "data_dir = $CLUSTER_DIR/data"
            echo "db_host = $SOCK"
            echo "db_port = $PG_PORT"
            echo "db_user = odoo"
            echo "db_password = False"
            if [[ "${REPLICA:-0}" == 1 ]]; then
                echo "db_replica_host = $SOCK"
                echo "db_replica_port = ${CLUSTER_REPLICA_PORT:-$((PG_PORT + 1))}"
            fi
            echo "db_name = $db"
            echo "dbfilter = ^$db\$"
            echo "list_db = False"
            echo "admin_passwd = False"
            echo "server_wide_modules = base,web,care_api_guard"
            echo "http_interface = 127.0.0.1"
            echo "http_port = $port"
            echo "gevent_port = $gport"
            echo "workers = $WORKERS"
            echo "max_cron_threads = 1"
            echo "db_maxconn = 16"
            echo "limit_time_cpu = 600"
            echo "limit_time_real = 1200"
            echo "limit_request = 100000"
            echo "log_level = info"
            echo "logfile = $CLUSTER_DIR/node$i.log"
            echo "pidfile = $CLUSTER_DIR/node$i.pid"
        } >"$conf"
        : >"$CLUSTER_DIR/node$i.log"
        rm -f "$CLUSTER_DIR/node$i.pid"
        ODOO_PGAPPNAME="node$i-{pid}" setsid "$PY" "$CLUSTER_DIR/odoo-bin" server -c "$conf" \
            </dev/null >>"$CLUSTER_DIR/node$i.out" 2>&1 &
        info "node $i: http://127.0.0.1:$port (log $CLUSTER_DIR/node$i.log)"
    done
    for ((i = 1; i <= n; i++)); do
        port=$((HTTP_BASE + i - 1))
        for _ in $(seq 120); do
            curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' -d '{}' \
                "http://127.0.0.1:$port/web/webclient/version_info" && break
            sleep 0.5
        done
        curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' -d '{}' \
            "http://127.0.0.1:$port/web/webclient/version_info" || die "node $i does not answer; see $CLUSTER_DIR/node$i.log"
    done
}

stop_nodes() {
    local only="${1:-}" f i pid
    for f in "$CLUSTER_DIR"/node*.pid; do
        [[ -f "$f" ]] || continue
        i="${f##*/node}"; i="${i%.pid}"
        [[ -z "$only" || "$only" == "$i" ]] || continue
        pid="$(cat "$f")"
        # the master's process group holds its workers (setsid above)
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
        kill -KILL -- "-$pid" 2>/dev/null || true
        rm -f "$f"
    done
}

kill_node() {
    local pid
    pid="$(node_pid "$1")"
    [[ -n "$pid" ]] || die "node $1 does not run"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid"
    rm -f "$CLUSTER_DIR/node$1.pid"
}

case "${1:-}" in
pg-start) pg_start ;;
pg-stop) pg_stop ;;
pg-restart)
    pg_stop
    sleep "${2:-0}"
    pg_start
    ;;
pg-destroy)
    pg_stop
    "$ROOT/scripts/replica.sh" destroy 2>/dev/null || true
    rm -rf "$PG_ROOT"
    ;;
pg-env) pg_env ;;
db) make_db "${2:?database name}" ;;
up)
    # make cluster: the database (made once), a replica when REPLICA=1, N nodes
    pg_start
    [[ "$(psql_p -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '${2:?database name}'")" == 1 ]] \
        || make_db "$2" >/dev/null
    [[ "${REPLICA:-0}" == 1 ]] && "$ROOT/scripts/replica.sh" start
    start_nodes "$2" "${3:-2}"
    ;;
start) start_nodes "${2:?database name}" "${3:-2}" ;;
stop) stop_nodes "${2:-}" ;;
kill) kill_node "${2:?node number}" ;;
status)
    for f in "$CLUSTER_DIR"/node*.pid; do
        [[ -f "$f" ]] && echo "${f##*/}: $(cat "$f") $(pgrep -g "$(cat "$f")" | wc -l) processes"
    done
    ;;
*) die "usage: $0 pg-start|pg-stop|pg-restart [s]|pg-destroy|pg-env|db DB|up DB [N]|start DB [N]|stop [I]|kill I|status" ;;
esac
