#!/usr/bin/env bash
# Drop databases with their filestore.
#   db_drop.sh NAME…     these databases (and the `make run` state of each)
#   db_drop.sh --tests   every leftover care_test_* database (KEEP_DB=1 runs)
set -euo pipefail
source "$(dirname "$0")/common.sh"

"$ROOT/scripts/setup.sh"
load_env
FILESTORE="$(sed -n 's/^data_dir *= *//p' "$CONF")/filestore"

if [[ "${1:-}" == --tests ]]; then
    mapfile -t dbs < <(psql -d postgres -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'care\_test\_%'")
else
    dbs=("$@")
fi
for db in "${dbs[@]}"; do
    dropdb --if-exists --force "$db"
    rm -rf "${FILESTORE:?}/$db" "$STATE_DIR/run-$db.json"
    info "dropped $db"
done
