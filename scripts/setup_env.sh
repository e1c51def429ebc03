#!/usr/bin/env bash
# Pick (or build) the Python environment that runs Odoo 18.0 and install the
# project's pinned requirements. Records the interpreter in .state/python.
#
# 1. .venv/bin/python if a previous run made it;
# 2. else python3 from PATH if it imports Odoo 18.0 (and already has the
#    requirements, or gets them in a .venv with --system-site-packages);
# 3. else a fresh .venv with Odoo 18.0 Community installed from the nightly
#    source archive.
# pip is skipped when a stamp keyed on the requirement files is present, or
# when an offline check shows everything is already installed.
set -euo pipefail
source "$(dirname "$0")/common.sh"

ODOO_SRC_URL="${ODOO_SRC_URL:-https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.zip}"
VENV="$ROOT/.venv"
REQ="$ROOT/requirements.txt"
REQ_OCA="$ROOT/requirements-oca.txt"

has_odoo18() {  # reads odoo/release.py without importing Odoo (fast)
    "$1" - 2>/dev/null <<'PY'
import importlib.util, os, runpy, sys
spec = importlib.util.find_spec("odoo")
release = runpy.run_path(os.path.join(spec.submodule_search_locations[0], "release.py"))
sys.exit(release["version_info"][:2] != (18, 0))
PY
}

reqs_satisfied() {  # offline: no index is contacted
    "$1" -m pip install --quiet --no-index --dry-run -r "$REQ" >/dev/null 2>&1 &&
        "$1" -m pip install --quiet --no-index --dry-run --no-deps -r "$REQ_OCA" >/dev/null 2>&1
}

apt_install() {  # install the Debian packages among "$@" that are missing
    local missing=() pkg
    command -v dpkg-query >/dev/null || return 0  # not Debian/Ubuntu: trust the user
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
    done
    (( ${#missing[@]} )) || return 0
    if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
        info "apt-get install ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        die "missing system packages; install them with: sudo apt-get install ${missing[*]}"
    fi
}

make_venv() {  # make_venv [--system-site-packages]
    info "creating $VENV $*"
    if ! python3 -m venv "$@" "$VENV"; then
        apt_install python3-venv
        python3 -m venv "$@" "$VENV"
    fi
    "$VENV/bin/python" -m pip install --quiet --upgrade pip wheel setuptools
}

install_odoo() {  # Odoo 18.0 Community from the official nightly source archive
    local tmp src
    apt_install build-essential python3-dev libpq-dev libldap2-dev libsasl2-dev curl
    tmp="$(mktemp -d)"
    info "downloading $ODOO_SRC_URL"
    curl -fsSL -o "$tmp/odoo.zip" "$ODOO_SRC_URL"
    "$PY" -m zipfile -e "$tmp/odoo.zip" "$tmp/src"
    src="$(dirname "$(find "$tmp/src" -maxdepth 2 -name setup.py | head -n1)")"
    info "installing Odoo 18.0 and its requirements (this takes a while)"
    if [[ -f "$src/requirements.txt" ]]; then
        # Odoo pins cbor2==5.4.2, which no longer builds: use 5.4.6 instead.
        sed -E 's/^cbor2==5\.4\.2/cbor2==5.4.6/' "$src/requirements.txt" >"$tmp/requirements.txt"
        "$PY" -m pip install --quiet -r "$tmp/requirements.txt"
        "$PY" -m pip install --quiet --no-deps "$src"
    else
        "$PY" -m pip install --quiet "$src"  # setup.py's unpinned requirements
    fi
    rm -rf "$tmp"
    has_odoo18 "$PY" || die "Odoo 18.0 installation into $VENV failed"
}

# wkhtmltopdf renders PDF reports (Odoo runs without it, PDF tests do not);
# the Noto CJK fonts let it draw Chinese text.
pdf_packages=(wkhtmltopdf fonts-noto-cjk)
if ! command -v wkhtmltopdf >/dev/null || ! fc-list 2>/dev/null | grep -qi "Noto.*CJK"; then
    if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
        apt_install "${pdf_packages[@]}"
    else
        info "warning: PDF reports need: sudo apt-get install ${pdf_packages[*]}"
    fi
fi

# Odoo's browser tests (HttpCase.browser_js: the UI tours) drive Chromium;
# without it they are skipped, so install it where we can.
if ! command -v chromium >/dev/null && ! command -v google-chrome >/dev/null; then
    if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
        apt_install chromium
    else
        info "warning: the UI tests need Chromium: sudo apt-get install chromium"
    fi
fi

stamp_of() {  # stamp file recording that $1 has the requirements
    echo "$STATE_DIR/requirements-$(cat "$REQ" "$REQ_OCA" <(echo "$1") | sha256sum | cut -c1-16).stamp"
}

if [[ -x "$VENV/bin/python" ]] && has_odoo18 "$VENV/bin/python"; then
    PY="$VENV/bin/python"
elif has_odoo18 python3; then
    PY="$(python3 -c 'import sys; print(sys.executable)')"
    if [[ ! -f "$(stamp_of "$PY")" ]] && ! reqs_satisfied "$PY"; then
        # Leave the outer interpreter alone: add the requirements in a venv
        # that still sees its Odoo.
        make_venv --system-site-packages
        PY="$VENV/bin/python"
    fi
else
    python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
        || die "python3 must be Python 3.10+ (Odoo 18.0)"
    rm -rf "$VENV"
    make_venv
    PY="$VENV/bin/python"
    install_odoo
fi

stamp="$(stamp_of "$PY")"
if [[ ! -f "$stamp" ]]; then
    if ! reqs_satisfied "$PY"; then
        info "installing requirements.txt and requirements-oca.txt (--no-deps)"
        "$PY" -m pip install --quiet -r "$REQ"
        # The OCA wheels require the 'odoo' distribution, which pip cannot see
        # when Odoo comes from a source checkout: install them without deps.
        "$PY" -m pip install --quiet --no-deps -r "$REQ_OCA"
    fi
    rm -f "$STATE_DIR"/requirements-*.stamp
    touch "$stamp"
fi
echo "$PY" >"$STATE_DIR/python"
