#!/usr/bin/env bash
# Run top-level RPC tests (tests/...) against a copy of an existing database,
# without reinstalling: for iterating on tests/security and the like.
#
#   scripts/test_rpc.sh DB [pytest args, e.g. tests/security/test_devices.py -x]
#
# DB is a database that already has the addons installed (KEEP_DB=1 make test
# keeps one). Upgrade it first if the addons changed:
#   .state/python -m odoo ... -u addon --stop-after-init   (see README)
# The copy (DB_rpc_<pid>) and its filestore are dropped afterwards.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"
load_env
SRC="${1:?usage: scripts/test_rpc.sh DB [pytest args]}"
shift
COPY="${SRC}_rpc_$$"
FILESTORE="$(sed -n 's/^data_dir *= *//p' "$CONF")/filestore"
cleanup() {
    dropdb --if-exists --force "$COPY" >/dev/null 2>&1 || true
    rm -rf "${FILESTORE:?}/$COPY"
}
trap cleanup EXIT
createdb -T "$SRC" "$COPY"
[[ -d "$FILESTORE/$SRC" ]] && cp -a "$FILESTORE/$SRC" "$FILESTORE/$COPY"
export CARE_RPC_DB="$COPY" CARE_ODOO_CONFIG="$CONF" CARE_ADDONS_PATH="$(full_addons_path)"
# the server tests do not import Odoo: pytest-odoo stays out
"$PY" -m pytest -c "$ROOT/pytest.ini" --rootdir="$ROOT" -p no:odoo "${@:-tests}"
