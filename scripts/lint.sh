#!/usr/bin/env bash
# `make lint`: ruff (lint and format) and OCA's pylint-odoo checks over the
# addons, with the tools pinned in requirements-dev.txt (installed on first use
# into the project's Python). The same checks run from pre-commit.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"
"$ROOT/scripts/setup_env.sh" >/dev/null
PY="$(cat "$STATE_DIR/python")"
stamp="$STATE_DIR/dev-$(sha256sum requirements-dev.txt | cut -c1-16).stamp"
if [[ ! -f "$stamp" ]]; then
    "$PY" -m pip install --quiet -r requirements-dev.txt
    touch "$stamp"
fi
bin="$(dirname "$PY")"
rc=0
info "ruff check"
"$bin/ruff" check . || rc=1
info "ruff format --check"
"$bin/ruff" format --check . || rc=1
info "pylint-odoo (.pylintrc)"
# shellcheck disable=SC2046
"$PY" -m pylint --rcfile=.pylintrc --disable="$(sed -n 's/^# pylint-off: //p' .pylintrc)" \
    $(ls -d addons/*/) || rc=1
exit "$rc"
