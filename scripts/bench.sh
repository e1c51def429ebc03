#!/usr/bin/env bash
# `make bench`: run bench/bench_lookup.py in its own database (BENCH_DB,
# default care_bench), never in make run's. The 100,000 elders it loads are
# kept (--reuse), so later runs only measure. BENCH_ARGS adds arguments,
# e.g. BENCH_ARGS="--n 20000 --queries 500".
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"

"$ROOT/scripts/setup.sh"
load_env
[[ -f bench/bench_lookup.py ]] || die "bench/bench_lookup.py does not exist yet"
# shellcheck disable=SC2086
exec "$PY" bench/bench_lookup.py --config "$CONF" --db "${BENCH_DB:-care_bench}" --reuse \
    ${BENCH_ARGS:-} "$@"
