#!/usr/bin/env bash
# A streaming read replica of scripts/cluster.sh's PostgreSQL primary
# (pg_basebackup -R: a hot standby that follows the primary's WAL), on the
# same socket directory, port CLUSTER_REPLICA_PORT (default primary + 1).
# Odoo uses it with db_replica_host / db_replica_port (cluster.sh start with
# REPLICA=1): @api.readonly methods called through /web/dataset/call_kw and
# routes with readonly=True get a cursor on it.
#
#   replica.sh start     make it (once) and start it; waits until it streams
#   replica.sh stop | destroy | status
#   replica.sh lag       bytes of WAL the replica has not replayed yet
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"
load_env

CLUSTER_DIR="${CLUSTER_DIR:-$VAR_DIR/cluster}"
mkdir -p "$CLUSTER_DIR"
CLUSTER_DIR="$(cd "$CLUSTER_DIR" && pwd)"
PG_PORT="${CLUSTER_PG_PORT:-55432}"
REPLICA_PORT="${CLUSTER_REPLICA_PORT:-$((PG_PORT + 1))}"
PG_ROOT="$CLUSTER_DIR/pg"
if [[ $EUID -eq 0 ]]; then
    PG_ROOT="/var/tmp/care-cluster-$(sha1sum <<<"$CLUSTER_DIR" | cut -c1-12)"
fi
SOCK="$PG_ROOT/sock"
REPLICA="$PG_ROOT/replica"

as_pg() {
    if [[ $EUID -eq 0 ]]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}
running() { [[ -f "$REPLICA/PG_VERSION" ]] && as_pg "$PGBIN/pg_ctl" -D "$REPLICA" status >/dev/null 2>&1; }

streaming() {
    [[ "$(psql -h "$SOCK" -p "$PG_PORT" -U odoo -d postgres -Atc \
        "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" -ge 1 ]]
}

wait_streaming() {
    local _
    for _ in $(seq "$1"); do
        streaming && return 0
        sleep 0.5
    done
    return 1
}

start() {
    "$PGBIN/pg_isready" -q -h "$SOCK" -p "$PG_PORT" -t 5 \
        || die "the primary does not answer: scripts/cluster.sh pg-start first"
    if [[ -f "$REPLICA/PG_VERSION" ]] && { running || as_pg "$PGBIN/pg_ctl" -D "$REPLICA" \
            -l "$PG_ROOT/replica.log" -w -t 60 start >/dev/null; } && ! wait_streaming 20; then
        # a replica left from an earlier run that the primary's WAL has moved
        # past (its segments recycled) never catches up: make it again
        info "the replica does not stream (left behind by the primary's WAL): rebuilding it"
        as_pg "$PGBIN/pg_ctl" -D "$REPLICA" -m immediate -w stop >/dev/null 2>&1 || true
        rm -rf "$REPLICA"
    fi
    if [[ ! -f "$REPLICA/PG_VERSION" ]]; then
        info "pg_basebackup of the primary into $REPLICA"
        as_pg "$PGBIN/pg_basebackup" -h "$SOCK" -p "$PG_PORT" -U odoo -D "$REPLICA" \
            -R -X stream -c fast >/dev/null
        cat >>"$REPLICA/postgresql.conf" <<CONF

# --- scripts/replica.sh: streaming replica ---
port = $REPLICA_PORT
hot_standby = on
hot_standby_feedback = on
CONF
    fi
    if ! running; then
        as_pg "$PGBIN/pg_ctl" -D "$REPLICA" -l "$PG_ROOT/replica.log" -w -t 60 start >/dev/null \
            || { tail -n 20 "$PG_ROOT/replica.log" >&2; die "the replica did not start"; }
    fi
    wait_streaming 60 || die "the replica does not stream (see $PG_ROOT/replica.log)"
    [[ "$(psql -h "$SOCK" -p "$REPLICA_PORT" -U odoo -d postgres -Atc 'SELECT pg_is_in_recovery()')" == t ]] \
        || die "the replica is not in recovery"
    info "replica streaming on $SOCK port $REPLICA_PORT"
}

case "${1:-start}" in
start) start ;;
stop) running && as_pg "$PGBIN/pg_ctl" -D "$REPLICA" -m fast -w stop >/dev/null; true ;;
destroy)
    running && as_pg "$PGBIN/pg_ctl" -D "$REPLICA" -m fast -w stop >/dev/null
    rm -rf "$REPLICA"
    ;;
status) running ;;
lag)
    psql -h "$SOCK" -p "$PG_PORT" -U odoo -d postgres -Atc \
        "SELECT COALESCE(max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)), 0) FROM pg_stat_replication"
    ;;
*) die "usage: $0 start|stop|destroy|status|lag" ;;
esac
