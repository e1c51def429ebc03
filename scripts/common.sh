# Shared helpers, sourced by the other scripts (not executable on its own).
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE_DIR="$ROOT/.state"
VAR_DIR="$ROOT/var"
LOG_DIR="$VAR_DIR/log"
CONF="$ROOT/config/local.conf"
mkdir -p "$STATE_DIR" "$LOG_DIR"

info() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Load what setup.sh recorded: the Python interpreter ($PY) and the
# PostgreSQL connection (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGBIN).
load_env() {
    [[ -f "$STATE_DIR/python" && -f "$STATE_DIR/pg.env" ]] \
        || die "environment not prepared: run 'make setup' first"
    PY="$(cat "$STATE_DIR/python")"
    # shellcheck source=/dev/null
    source "$STATE_DIR/pg.env"
    export PATH="$PGBIN:$PATH"
}

# Modules to work on: the ADDONS variable (comma/space separated) or every
# module in addons/ and in EXTRA_ADDONS_PATH (colon separated directories).
addon_names() {
    if [[ -n "${ADDONS:-}" ]]; then
        tr ', ' '\n\n' <<<"$ADDONS" | sed '/^$/d'
    else
        "$PY" "$ROOT/scripts/addons.py" list
    fi
}

# Directory of a module among addons/ and EXTRA_ADDONS_PATH.
addon_dir() {
    "$PY" "$ROOT/scripts/addons.py" dir "$1"
}

# Odoo's addons_path plus EXTRA_ADDONS_PATH, comma separated.
full_addons_path() {
    local path
    path="$(sed -n 's/^addons_path *= *//p' "$CONF")"
    if [[ -n "${EXTRA_ADDONS_PATH:-}" ]]; then
        path="$(tr ':' ',' <<<"$EXTRA_ADDONS_PATH"),$path"
    fi
    printf '%s\n' "$path"
}

join_by_comma() { local IFS=,; printf '%s\n' "$*"; }
