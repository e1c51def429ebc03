"""Generic sweeps over every model of the suite, as each demo role, over XML-RPC.

1. No role but the care manager reads a full resident ID number anywhere: every
   readable field of every record of every suite model (and the chatter and
   tracking values of those records) is scanned for an 18-character number
   whose GB 11643 check character is right.
2. Roles without medical rights (dispatcher, finance, devices) read nothing
   that names an elder's conditions or medications, on any record about that
   elder (suite models with an ``elder_id``, the elder itself, its chatter).
3. Every public method of the money models (the classes of care_vouchers) is
   called by every non-finance role and refused, with the ledger unchanged.
"""

import ast
import re
from pathlib import Path

import pytest

from .conftest import DEMO_ROLES, EXTENDED_MODELS, RpcRefused, fault_is_refusal

ROOT = Path(__file__).resolve().parents[2]
SUITE_PREFIXES = ("elder_crm", "care_")
NON_MEDICAL_ROLES = ("dispatcher", "finance", "devices")
NON_FINANCE_ROLES = tuple(r for r in DEMO_ROLES if r != "finance")
ID_NUMBER = re.compile(r"(?<![0-9])([1-9][0-9]{16}[0-9Xx])(?![0-9Xx])")
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# records read per model and role (newest first): enough to meet demo data of
# every kind without making the sweep slow
SAMPLE = 300


def is_id_number(text):
    digits = text.upper()
    total = sum(int(d) * w for d, w in zip(digits[:17], WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == digits[17]


def full_id_numbers(value):
    return [m for m in ID_NUMBER.findall(str(value)) if is_id_number(m)]


def text_values(record):
    """Every string (and many2one display name) of a read() result."""
    for name, value in record.items():
        if isinstance(value, str):
            yield name, value
        elif isinstance(value, list) and len(value) == 2 and isinstance(value[1], str):
            yield name, value[1]


@pytest.fixture(scope="module")
def suite_models(admin):
    """Non-abstract models defined or extended by the suite's addons."""
    rows = admin.search_read(
        "ir.model", [("transient", "=", False)], ["model", "modules"]
    )
    names = set()
    for row in rows:
        modules = [m.strip() for m in (row["modules"] or "").split(",")]
        if row["model"].startswith("care.") and any(
            m.startswith(SUITE_PREFIXES) for m in modules
        ):
            names.add(row["model"])
    names.update(m for m in EXTENDED_MODELS if any(r["model"] == m for r in rows))
    return sorted(names)


def readable_records(caller, model):
    """The records a caller may read (their readable fields), or [] when the
    model is closed to them."""
    try:
        spec = caller.call(model, "fields_get", [], attributes=["type"])
    except RpcRefused:
        return []
    names = [
        name
        for name, attrs in spec.items()
        if attrs["type"]
        not in (
            "binary",
            "html_binary",
            "many2many",
            "one2many",
            "properties",
            "properties_definition",
        )
    ]
    try:
        return caller.call(
            model, "search_read", [], names, limit=SAMPLE, order="id desc"
        )
    except RpcRefused:
        return []


@pytest.mark.parametrize("login", DEMO_ROLES)
def test_no_role_but_the_manager_reads_a_full_id_number(role, suite_models, login):
    caller = role(login)
    leaks = []
    for model in suite_models:
        for record in readable_records(caller, model):
            for name, value in text_values(record):
                for number in full_id_numbers(value):
                    leaks.append(f"{model}({record['id']}).{name} = {number}")
    # the chatter and the tracked values of suite records
    try:
        messages = caller.search_read(
            "mail.message",
            [("model", "in", suite_models)],
            ["body", "model", "res_id", "tracking_value_ids"],
            limit=2000,
        )
    except RpcRefused:
        messages = []
    for message in messages:
        for number in full_id_numbers(message["body"] or ""):
            leaks.append(
                f"mail.message({message['id']}) on {message['model']}: {number}"
            )
    try:
        tracked = caller.search_read(
            "mail.tracking.value",
            [("mail_message_id.model", "in", suite_models)],
            ["old_value_char", "new_value_char"],
            limit=2000,
        )
    except RpcRefused:
        tracked = []
    for value in tracked:
        for field in ("old_value_char", "new_value_char"):
            for number in full_id_numbers(value[field] or ""):
                leaks.append(f"mail.tracking.value({value['id']}).{field}: {number}")
    assert not leaks, f"{login} reads full ID numbers:\n" + "\n".join(leaks[:20])


@pytest.fixture(scope="module")
def medical_terms(admin):
    """elder id -> the medical words of that elder (condition names and the
    words of the medication list), read as admin."""
    elders = admin.search_read(
        "care.elder", [], ["partner_id", "condition_ids", "medications"], limit=5000
    )
    condition_ids = {c for e in elders for c in e["condition_ids"]}
    names = {
        c["id"]: c["name"]
        for c in admin.read("care.condition", sorted(condition_ids), ["name"])
    }
    terms = {}
    for elder in elders:
        words = {names[c] for c in elder["condition_ids"]}
        for part in re.split(r"[；;，,、\s]+", elder["medications"] or ""):
            # the drug's name, without the dose ("二甲双胍 0.5g" -> 二甲双胍)
            if len(part) >= 2 and not re.match(r"^[0-9.]", part):
                words.add(part)
        if words:
            terms[elder["id"]] = (elder["partner_id"][0], words)
    assert terms, "the demo data must give elders conditions or medications"
    return terms


@pytest.mark.parametrize("login", NON_MEDICAL_ROLES)
def test_non_medical_roles_read_no_diagnosis(
    role, admin, suite_models, medical_terms, login
):
    caller = role(login)
    partner_to_elder = {pid: eid for eid, (pid, _w) in medical_terms.items()}
    leaks = []

    def scan(where, elder_id, record):
        words = medical_terms.get(elder_id, (None, ()))[1]
        for name, value in text_values(record):
            for word in words:
                if word in value:
                    leaks.append(f"{where}.{name} names '{word}'")

    for model in suite_models:
        records = readable_records(caller, model)
        for record in records:
            if model == "care.elder":
                elder_id = record["id"]
            elif model == "res.partner":
                elder_id = partner_to_elder.get(record["id"])
            elif isinstance(record.get("elder_id"), list):
                elder_id = record["elder_id"][0]
            else:
                continue
            if elder_id in medical_terms:
                scan(f"{model}({record['id']})", elder_id, record)
    # the chatter of the elders (on care.elder and on their partner)
    for model, key in (("care.elder", None), ("res.partner", partner_to_elder)):
        ids = list(medical_terms) if key is None else list(key)
        try:
            messages = caller.search_read(
                "mail.message",
                [("model", "=", model), ("res_id", "in", ids)],
                ["body", "res_id"],
                limit=5000,
            )
        except RpcRefused:
            continue
        for message in messages:
            elder_id = message["res_id"] if key is None else key[message["res_id"]]
            scan(
                f"mail.message({message['id']})",
                elder_id,
                {"body": message["body"] or ""},
            )
    assert not leaks, f"{login} reads medical detail:\n" + "\n".join(
        sorted(set(leaks))[:25]
    )


# --- money: every public method of care_vouchers' classes --------------------

ORM_METHODS = {
    "create",
    "write",
    "unlink",
    "copy",
    "read",
    "search",
    "init",
    "default_get",
    "fields_get",
    "name_search",
    "onchange",
    "web_read",
    "web_save",
    "check_access",
    # the import screen's entry points: load() is checked like create (and
    # the entitlement's refuses anyone but finance); the templates are
    # metadata every model offers
    "load",
    "get_import_templates",
}


def _money_methods():
    """(model, method, number of required args) for the public methods that
    care_vouchers defines, found by reading its source."""
    found = set()
    for path in sorted((ROOT / "addons" / "care_vouchers").glob("*/*.py")):
        if path.parent.name == "tests":
            continue
        tree = ast.parse(path.read_text())
        for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
            model = None
            for stmt in cls.body:
                if (
                    isinstance(stmt, ast.Assign)
                    and stmt.targets[0].__class__ is ast.Name
                ):
                    target = stmt.targets[0].id
                    if target == "_name" and isinstance(stmt.value, ast.Constant):
                        model = stmt.value.value
                    elif target == "_inherit" and model is None:
                        value = stmt.value
                        if isinstance(value, ast.Constant):
                            model = value.value
                        elif isinstance(value, ast.List) and value.elts:
                            model = value.elts[0].value
            if not model:
                continue
            for fn in cls.body:
                if (
                    isinstance(fn, ast.FunctionDef)
                    and not fn.name.startswith("_")
                    and fn.name not in ORM_METHODS
                ):
                    args = fn.args
                    required = len(args.args) - 1 - len(args.defaults)
                    found.add((model, fn.name, required))
    return sorted(found)


MONEY_METHODS = _money_methods()


def _ledger_state(admin):
    lines = admin.search_read("care.voucher.line", [], ["amount", "kind"], limit=0)
    orders = admin.search_read(
        "fsm.order",
        [("care_voucher_amount", "!=", 0)],
        ["care_voucher_amount", "care_settlement_state"],
        limit=0,
    )
    return (
        len(lines),
        round(sum(line["amount"] for line in lines), 2),
        sorted(
            (o["id"], o["care_voucher_amount"], o["care_settlement_state"])
            for o in orders
        ),
    )


@pytest.fixture(scope="module")
def money_records(admin):
    """model -> a few record ids to call the methods on (one per state/kind)."""
    sample = {}
    for model in {m for m, _n, _r in MONEY_METHODS}:
        spec = admin.call(model, "fields_get", [], attributes=["type"])
        if admin.call(
            "ir.model",
            "search_count",
            [("model", "=", model), ("transient", "=", True)],
        ):
            continue
        group = "kind" if "kind" in spec else "state" if "state" in spec else None
        if group:
            ids = []
            for row in admin.call(model, "read_group", [], [group], [group]):
                ids += admin.call(model, "search", row["__domain"], limit=1)
        else:
            ids = admin.call(model, "search", [], limit=2)
        sample[model] = ids
    return sample


# read-only look-ups that a role may make (the dispatcher sees the balance
# when booking); they are still called, and must change nothing
READ_ONLY = {("dispatcher", "balance_at"), ("dispatcher", "action_view_entitlements")}


def test_the_money_methods_are_found():
    assert len(MONEY_METHODS) >= 10, MONEY_METHODS
    # reversing a ledger line is the ledger's own business, never a client's
    assert not [m for m in MONEY_METHODS if m[0] == "care.voucher.line"]


@pytest.mark.parametrize("login", NON_FINANCE_ROLES)
def test_non_finance_roles_cannot_call_money_methods(role, admin, money_records, login):
    caller = role(login)
    before = _ledger_state(admin)
    accepted = []
    for model, method, required in MONEY_METHODS:
        ids = money_records.get(model)
        if ids is None:  # a wizard: the role must not even open it on money
            try:
                wizard = caller.call(model, "create", {})
            except RpcRefused:
                continue
            ids = [wizard]
        for record_id in ids or [0]:
            try:
                result = caller.call(model, method, [record_id], *([False] * required))
            except RpcRefused as exc:
                if not fault_is_refusal(exc):
                    accepted.append(
                        f"{model}.{method}({record_id}) crashed: {str(exc)[-300:]}"
                    )
                continue
            if (login, method) in READ_ONLY:
                continue
            accepted.append(f"{model}.{method}({record_id}) -> {result!r}"[:300])
    after = _ledger_state(admin)
    assert after == before, f"{login} changed the ledger or the orders' money"
    assert not accepted, f"{login} may call money methods:\n" + "\n".join(accepted)
