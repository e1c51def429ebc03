#!/usr/bin/env bash
# `make bench [BENCH=name]`: run bench/bench_<name>.py (default: lookup) in its
# own database (BENCH_DB, default care_bench for lookup, care_bench_<name> for
# the others), never in make run's. The data each benchmark loads is kept
# (--reuse), so later runs only measure. BENCH_ARGS adds arguments, e.g.
# BENCH_ARGS="--n 20000 --queries 500". BENCH=all runs every benchmark.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"

"$ROOT/scripts/setup.sh"
load_env

run_one() {
    local name="$1" script="bench/bench_$1.py" db
    [[ -f "$script" ]] || die "$script does not exist (benchmarks: $(ls bench/bench_*.py | sed 's#bench/bench_##; s#\.py##' | xargs))"
    if [[ -n "${BENCH_DB:-}" ]]; then db="$BENCH_DB"
    elif [[ "$name" == lookup ]]; then db=care_bench
    else db="care_bench_$name"; fi
    info "benchmark $name in database $db"
    # shellcheck disable=SC2086
    "$PY" "$script" --config "$CONF" --db "$db" --reuse ${BENCH_ARGS:-}
}

if [[ "${BENCH:-lookup}" == all ]]; then
    for script in bench/bench_*.py; do
        name="${script#bench/bench_}"; run_one "${name%.py}"
    done
else
    run_one "${BENCH:-lookup}"
fi
