"""docs/security.md's permission matrix is the one the server enforces.

The matrix (role × model × read/write/create/delete, and the fields only some
groups read) is computed here from the running server's access rules, over
XML-RPC, and compared with the tables between the markers in
docs/security.md. When the rules change on purpose, regenerate the tables:

    CARE_WRITE_MATRIX=1 scripts/test_rpc.sh DB tests/security/test_matrix.py

(DB: a database with every addon installed, e.g. kept by KEEP_DB=1 make test)
and review the diff of docs/security.md.
"""

import difflib
import os
import re
from pathlib import Path

from .conftest import EXTENDED_MODELS, SUITE_MODULES

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
BEGIN, END = "<!-- matrix:begin -->", "<!-- matrix:end -->"


def _roles(admin):
    """(column title, group ids a member has) for each group of the suite."""
    xmlids = admin.search_read(
        "ir.model.data",
        [("model", "=", "res.groups"), ("module", "in", list(SUITE_MODULES))],
        ["res_id", "module", "name"],
    )
    groups = {
        g["id"]: g
        for g in admin.read(
            "res.groups", [x["res_id"] for x in xmlids], ["name", "trans_implied_ids"]
        )
    }
    roles = []
    for x in sorted(
        xmlids, key=lambda x: (SUITE_MODULES.index(x["module"]), x["name"])
    ):
        group = groups[x["res_id"]]
        roles.append(
            (
                f"{group['name']} (`{x['module']}.{x['name']}`)",
                {group["id"], *group["trans_implied_ids"]},
            )
        )
    return roles


def _models(admin):
    rows = admin.search_read("ir.model", [], ["model", "modules", "transient", "name"])
    models = []
    for row in rows:
        modules = {m.strip() for m in (row["modules"] or "").split(",")}
        if row["model"].endswith(".mixin"):  # abstract: no records, no rights
            continue
        if (row["model"].startswith("care.") and modules & set(SUITE_MODULES)) or row[
            "model"
        ] in EXTENDED_MODELS:
            models.append(row)
    return sorted(models, key=lambda r: r["model"])


def render(admin):
    roles = _roles(admin)
    models = _models(admin)
    acls = admin.search_read(
        "ir.model.access",
        [("model_id.model", "in", [m["model"] for m in models]), ("active", "=", True)],
        [
            "model_id",
            "group_id",
            "perm_read",
            "perm_write",
            "perm_create",
            "perm_unlink",
        ],
    )
    model_of = {m["id"]: m["model"] for m in models}
    by_model = {}
    for acl in acls:
        by_model.setdefault(model_of[acl["model_id"][0]], []).append(acl)

    def rights(model, group_ids):
        letters = ""
        for perm, letter in (
            ("perm_read", "r"),
            ("perm_write", "w"),
            ("perm_create", "c"),
            ("perm_unlink", "d"),
        ):
            if any(
                acl[perm] and (not acl["group_id"] or acl["group_id"][0] in group_ids)
                for acl in by_model.get(model, ())
            ):
                letters += letter
        return letters or "–"

    out = ["### Access rights (`ir.model.access`)", ""]
    out.append(
        "r read, w write, c create, d delete, – none. Record rules narrow these further (below)."
    )
    out.append("")
    short = [f"R{i + 1}" for i in range(len(roles))]
    out.append("| role | group |")
    out.append("| --- | --- |")
    out += [f"| {s} | {title} |" for s, (title, _g) in zip(short, roles, strict=True)]
    out.append("")
    out.append("| model | " + " | ".join(short) + " |")
    out.append("| --- |" + " --- |" * len(short))
    for model in models:
        cells = [rights(model["model"], g) for _t, g in roles]
        kind = " (wizard)" if model["transient"] else ""
        out.append(f"| `{model['model']}`{kind} | " + " | ".join(cells) + " |")
    out.append("")

    # fields that only some groups read (field groups=)
    fields = admin.search_read(
        "ir.model.fields",
        [("model", "in", [m["model"] for m in models]), ("groups", "!=", False)],
        ["model", "name", "groups"],
    )
    group_ids = sorted({g for f in fields for g in f["groups"]})
    xmlid = {
        x["res_id"]: f"{x['module']}.{x['name']}"
        for x in admin.search_read(
            "ir.model.data",
            [("model", "=", "res.groups"), ("res_id", "in", group_ids)],
            ["res_id", "module", "name"],
        )
    }
    out.append("### Fields only some groups read (`groups=` on the field)")
    out.append("")
    out.append("| model | field | groups |")
    out.append("| --- | --- | --- |")
    for f in sorted(fields, key=lambda f: (f["model"], f["name"])):
        # only the suite's sensitive fields, not the core's technical ones
        names = sorted(xmlid.get(g, str(g)) for g in f["groups"])
        if not any(n.split(".")[0] in SUITE_MODULES for n in names):
            continue
        out.append(f"| `{f['model']}` | `{f['name']}` | {', '.join(names)} |")
    out.append("")

    rules = admin.search_read(
        "ir.rule",
        [("model_id.model", "in", [m["model"] for m in models])],
        [
            "name",
            "model_id",
            "groups",
            "domain_force",
            "perm_read",
            "perm_write",
            "perm_create",
            "perm_unlink",
        ],
    )
    out.append("### Record rules (`ir.rule`) on these models")
    out.append("")
    out.append("| model | rule | groups | domain |")
    out.append("| --- | --- | --- | --- |")
    rule_groups = sorted({g for r in rules for g in r["groups"]})
    rule_xmlid = {
        x["res_id"]: f"{x['module']}.{x['name']}"
        for x in admin.search_read(
            "ir.model.data",
            [("model", "=", "res.groups"), ("res_id", "in", rule_groups)],
            ["res_id", "module", "name"],
        )
    }
    for r in sorted(rules, key=lambda r: (r["model_id"][1], r["name"])):
        groups = (
            ", ".join(sorted(rule_xmlid.get(g, str(g)) for g in r["groups"]))
            or "everyone"
        )
        domain = re.sub(r"\s+", " ", r["domain_force"] or "").replace("|", "\\|")
        model = model_of.get(r["model_id"][0], r["model_id"][1])
        out.append(f"| `{model}` | {r['name']} | {groups} | `{domain}` |")
    return "\n".join(out) + "\n"


def test_docs_security_matrix_matches_the_server(admin):
    actual = render(admin)
    text = DOC.read_text()
    assert BEGIN in text and END in text, f"{DOC} must hold the matrix markers"
    head, rest = text.split(BEGIN, 1)
    documented, tail = rest.split(END, 1)
    if os.environ.get("CARE_WRITE_MATRIX"):
        DOC.write_text(f"{head}{BEGIN}\n{actual}{END}{tail}")
        return
    diff = "".join(
        difflib.unified_diff(
            documented.strip("\n").splitlines(True),
            actual.strip("\n").splitlines(True),
            "docs/security.md",
            "server",
        )
    )
    assert not diff, (
        "docs/security.md's matrix differs from the access rules "
        "(regenerate: see this test's docstring):\n" + diff[:4000]
    )
