#!/usr/bin/env bash
# `make bench`: run bench/bench_lookup.py against the `make run` database.
# It gets --config and --db, and the same in ODOO_RC / CARE_DB; BENCH_ARGS
# adds arguments.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"

"$ROOT/scripts/setup.sh"
load_env
DB="${DB:-elder_care}"
[[ -f bench/bench_lookup.py ]] || die "bench/bench_lookup.py does not exist yet"
export ODOO_RC="$CONF" CARE_DB="$DB"
# shellcheck disable=SC2086
exec "$PY" bench/bench_lookup.py --config "$CONF" --db "$DB" ${BENCH_ARGS:-} "$@"
