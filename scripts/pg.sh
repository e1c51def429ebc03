#!/usr/bin/env bash
# PostgreSQL for the suite.
#   pg.sh start   use the server named by PGHOST/PGPORT/PGUSER/PGPASSWORD if
#                 one answers, else init/start the project-local cluster in
#                 .pgdata/ (unix socket only, trust auth, superuser 'odoo').
#                 Writes the connection to .state/pg.env. Idempotent.
#   pg.sh stop    stop the project-local cluster (if running).
#   pg.sh status  exit 0 if the project-local cluster is running.
#   pg.sh destroy stop the project-local cluster and delete its data.
set -euo pipefail
source "$(dirname "$0")/common.sh"

PORT="${CARE_PG_PORT:-5432}"
ROLE=odoo

# The cluster runs as the OS user 'postgres' when we are root (postgres
# refuses to run as root), as ourselves otherwise.
as_pg() {
    if [[ $EUID -eq 0 ]]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

find_pgbin() {
    local want=""
    [[ -f "$PGROOT/data/PG_VERSION" ]] && want="$(cat "$PGROOT/data/PG_VERSION")"
    if [[ -n "$want" && -x "/usr/lib/postgresql/$want/bin/initdb" ]]; then
        echo "/usr/lib/postgresql/$want/bin"
    else
        find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n1
    fi
}

ensure_server_binaries() {
    PGBIN="$(find_pgbin)"
    if [[ -z "$PGBIN" || ! -x "$PGBIN/initdb" ]]; then
        if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
            info "installing Debian's postgresql package"
            apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
            PGBIN="$(find_pgbin)"
        fi
        [[ -n "$PGBIN" && -x "$PGBIN/initdb" ]] \
            || die "PostgreSQL server binaries not found; install them with: sudo apt-get install postgresql"
    fi
}

ensure_postgis() {  # the map (care_map, on OCA base_geoengine) stores points in PostGIS
    local ver
    ver="$(basename "$(dirname "$PGBIN")")"
    [[ -f "/usr/share/postgresql/$ver/extension/postgis.control" ]] && return 0
    if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
        info "installing PostGIS for PostgreSQL $ver"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-$ver-postgis-3" >/dev/null
    else
        die "PostGIS not found; install it with: sudo apt-get install postgresql-$ver-postgis-3"
    fi
}

resolve_paths() {
    PGROOT="$ROOT/.pgdata"
    if [[ $EUID -eq 0 ]] && id postgres >/dev/null 2>&1 && ! as_pg test -x "$ROOT" 2>/dev/null; then
        # e.g. a clone under /root: 'postgres' cannot reach the work tree
        PGROOT="/var/tmp/care-pgdata-$(sha1sum <<<"$ROOT" | cut -c1-12)"
    fi
    DATA="$PGROOT/data"
    # unix socket paths are limited to ~107 bytes
    if (( ${#PGROOT} > 90 )); then
        SOCK="/tmp/care-pg-$(sha1sum <<<"$PGROOT" | cut -c1-12)"
    else
        SOCK="$PGROOT"
    fi
}

prepare_dirs() {
    [[ "$PGROOT" == "$ROOT/.pgdata" ]] || info "postgres cannot access $ROOT; keeping the cluster in $PGROOT"
    mkdir -p "$PGROOT" "$SOCK"
    if [[ $EUID -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || die "no 'postgres' OS user (is Debian's postgresql package installed?)"
        chown postgres: "$PGROOT" "$SOCK"
    fi
    chmod 700 "$PGROOT"
}

local_running() {
    [[ -f "$DATA/PG_VERSION" ]] && as_pg "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

start_local() {
    resolve_paths
    ensure_server_binaries
    ensure_postgis
    resolve_paths  # again: installing postgresql may have created the OS user
    prepare_dirs
    if [[ ! -f "$DATA/PG_VERSION" ]]; then
        local locale=C
        locale -a 2>/dev/null | grep -qix 'c.utf-\?8' && locale=C.UTF-8
        info "creating the project-local PostgreSQL cluster in $DATA"
        as_pg "$PGBIN/initdb" -D "$DATA" -U "$ROLE" -A trust -E UTF8 --locale="$locale" >"$PGROOT/initdb.log"
        # A throwaway development cluster: favour speed over crash safety.
        cat >>"$DATA/postgresql.conf" <<CONF

# --- elder care suite (scripts/pg.sh) ---
listen_addresses = ''
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
    fi
    if ! local_running; then
        info "starting PostgreSQL ($PGBIN) on socket $SOCK port $PORT"
        as_pg "$PGBIN/pg_ctl" -D "$DATA" -l "$PGROOT/postgres.log" -w -t 60 \
            -o "-k '$SOCK' -p $PORT" start >/dev/null \
            || { tail -n 20 "$PGROOT/postgres.log" >&2; die "PostgreSQL did not start"; }
    fi
    "$PGBIN/pg_isready" -q -h "$SOCK" -p "$PORT" -t 30 || die "PostgreSQL does not answer on $SOCK"
    write_env "$SOCK" "$PORT" "$ROLE" "" local
}

external_answers() {
    [[ -n "${PGHOST:-}${PGPORT:-}${PGUSER:-}${PGPASSWORD:-}" ]] || return 1
    command -v pg_isready >/dev/null && command -v psql >/dev/null || return 1
    pg_isready -q -t 5 && psql -d "${PGDATABASE:-postgres}" -Atqc 'select 1' >/dev/null 2>&1
}

write_env() {  # host port user password mode (empty host/port: libpq defaults)
    [[ "$3" != postgres ]] || die "Odoo refuses the database role 'postgres': set PGUSER to another role"
    local var val
    {
        for var in PGHOST:"$1" PGPORT:"$2" PGUSER:"$3" PGPASSWORD:"$4"; do
            val="${var#*:}"
            if [[ -n "$val" ]]; then printf 'export %s=%q\n' "${var%%:*}" "$val"; else echo "unset ${var%%:*}"; fi
        done
        echo 'unset PGDATABASE PGSERVICE'
        printf 'export PGBIN=%q CARE_PG_MODE=%q\n' "$PGBIN" "$5"
    } >"$STATE_DIR/pg.env"
}

case "${1:-start}" in
start)
    if external_answers; then
        PGBIN="$(dirname "$(command -v psql)")"
        write_env "${PGHOST:-}" "${PGPORT:-}" "${PGUSER:-$(id -un)}" "${PGPASSWORD:-}" external
        psql -d "${PGDATABASE:-postgres}" -Atqc "select 1 from pg_available_extensions where name = 'postgis'" | grep -q 1 \
            || info "warning: this PostgreSQL has no PostGIS; the map (care_map) needs it"
    else
        [[ -z "${PGHOST:-}${PGPORT:-}${PGUSER:-}" ]] \
            || info "the PostgreSQL named by PG* variables does not answer; using the project-local cluster"
        start_local
    fi
    ;;
stop)
    resolve_paths; PGBIN="$(find_pgbin)"
    if [[ -n "$PGBIN" ]] && local_running; then as_pg "$PGBIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null; info "PostgreSQL stopped"; fi
    ;;
status)
    resolve_paths; PGBIN="$(find_pgbin)"
    [[ -n "$PGBIN" ]] && local_running
    ;;
destroy)
    "$0" stop
    resolve_paths
    rm -rf "$PGROOT"
    [[ "$SOCK" == "$PGROOT" ]] || rm -rf "$SOCK"
    ;;
*)
    die "usage: $0 start|stop|status|destroy"
    ;;
esac
