#!/usr/bin/env python3
"""Find the project's Odoo modules and track what `make run` installed.

Modules live in addons/ and in the directories of EXTRA_ADDONS_PATH
(colon separated). Usage:

  addons.py list                       names of all installable modules
  addons.py dir NAME                   directory of one module
  addons.py plan STATE INSTALLED MOD…  print "install a,b" / "upgrade c" lines
  addons.py save STATE MOD…            record the current hashes of MOD…
"""

import ast
import hashlib
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def addon_roots():
    roots = [ROOT / "addons"]
    extra = os.environ.get("EXTRA_ADDONS_PATH", "")
    roots += [Path(p) for p in extra.split(":") if p]
    return roots


def modules():
    found = {}
    for root in addon_roots():
        if not root.is_dir():
            continue
        for manifest in sorted(root.glob("*/__manifest__.py")):
            mod = manifest.parent
            if not (mod / "__init__.py").is_file():
                continue
            data = ast.literal_eval(manifest.read_text(encoding="utf-8"))
            if data.get("installable", True):
                found.setdefault(mod.name, mod)
    return found


def tree_hash(path):
    digest = hashlib.sha256()
    for file in sorted(path.rglob("*")):
        if not file.is_file() or "__pycache__" in file.parts or file.suffix == ".pyc":
            continue
        digest.update(str(file.relative_to(path)).encode() + b"\0")
        digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()


def load_state(path):
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return {}


def main(argv):
    cmd, args = argv[0], argv[1:]
    mods = modules()
    if cmd == "list":
        print("\n".join(mods))
    elif cmd == "dir":
        if args[0] not in mods:
            sys.exit(
                f"unknown module {args[0]!r} (not in addons/ nor EXTRA_ADDONS_PATH)"
            )
        print(mods[args[0]])
    elif cmd == "plan":
        state, installed, names = load_state(args[0]), set(args[1].split(",")), args[2:]
        install = [n for n in names if n not in installed]
        upgrade = [
            n
            for n in names
            if n in installed and n in mods and state.get(n) != tree_hash(mods[n])
        ]
        print("install", ",".join(install))
        print("upgrade", ",".join(upgrade))
    elif cmd == "save":
        state = load_state(args[0])
        state.update({n: tree_hash(mods[n]) for n in args[1:] if n in mods})
        Path(args[0]).write_text(json.dumps(state, indent=1, sort_keys=True) + "\n")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:] or ["help"])
