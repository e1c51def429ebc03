#!/usr/bin/env bash
# Prepare everything `make run` and `make test` need; quick when done before:
# Python + requirements (.state/python), PostgreSQL (.state/pg.env) and
# config/local.conf.
set -euo pipefail
source "$(dirname "$0")/common.sh"

"$ROOT/scripts/setup_env.sh"
"$ROOT/scripts/pg.sh" start
load_env
"$PY" "$ROOT/scripts/gen_config.py"
