"""Chinese by default (issue 15, item 1), checked over XML-RPC.

* `make run`'s real path: scripts/run.sh creates a new database (elder_crm
  only, to stay quick: the elder_crm-first step is the one that makes the
  company Chinese) and serves it; every demo login then works in zh_CN, in
  Asia/Shanghai, for the Chinese centre, amounts in ¥ and menus in Chinese.
  `UI_LANG=en_US scripts/run.sh` on the same database switches every user to
  English (the company stays Chinese).
* The suite's database that `make test` installs the same way (every addon):
  the company is Chinese with Odoo's l10n_cn chart, zh_CN is loaded, every
  demo login (devices and doctor included) is in Asia/Shanghai and sees ¥ on
  the vouchers, l10n_cn's own "CN Company" is archived. Read only: the
  database is the one the other RPC tests share.

Like the other top-level tests these need `make test` (CARE_RPC_DB).
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import xmlrpc.client
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")
ROOT_MENU = "elder_crm.elder_crm_menu_root"  # "Elder Care"
COMPANY_NAME = "朝阳区阳光居家养老服务中心"
ELDER_CRM_LOGINS = ("admin", "demo", "reception", "dispatcher", "emergency", "finance")
SUITE_LOGINS = (*ELDER_CRM_LOGINS, "devices", "doctor")
RUN_TIMEOUT = 900  # seconds: a new database on a busy 2-core machine

pytestmark = pytest.mark.skipif(
    not os.environ.get("CARE_RPC_DB"),
    reason="needs the database that `make test` prepares (CARE_RPC_DB)",
)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Login:
    """One user's XML-RPC session (the password is the login)."""

    def __init__(self, url, db, login, password=None):
        self.db, self.password = db, password or login
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
        self.uid = common.authenticate(db, login, self.password, {})
        assert self.uid, f"{login} must log in to {db}"
        self.models = xmlrpc.client.ServerProxy(
            f"{url}/xmlrpc/2/object", allow_none=True
        )
        # what the web client uses as the session's context
        self.context = self.call("res.users", "context_get")

    def call(self, model, method, *args, **kwargs):
        return self.models.execute_kw(
            self.db, self.uid, self.password, model, method, list(args), kwargs
        )


def _ref(admin, xmlid):
    module, name = xmlid.split(".")
    rows = admin.call(
        "ir.model.data",
        "search_read",
        [("module", "=", module), ("name", "=", name)],
        fields=["res_id"],
    )
    assert rows, f"{xmlid} is missing"
    return rows[0]["res_id"]


def _check_login(url, db, login, lang, menu_id):
    """What ``login`` sees: its language and time zone, the centre, ¥ and the
    suite's root menu in its own context. Returns the menu's name."""
    user = Login(url, db, login)
    assert user.context["lang"] == lang, f"{login}: interface language"
    assert user.context["tz"] == "Asia/Shanghai", f"{login}: time zone"
    [me] = user.call("res.users", "read", [user.uid], ["company_id"])
    [company] = user.call(
        "res.company",
        "read",
        [me["company_id"][0]],
        ["name", "currency_id", "country_id"],
    )
    assert company["name"] == COMPANY_NAME, login
    assert company["country_id"][1] in ("中国", "China"), login
    [currency] = user.call(
        "res.currency", "read", [company["currency_id"][0]], ["name", "symbol"]
    )
    assert (currency["name"], currency["symbol"]) == ("CNY", "¥"), login
    amount = user.call(
        "res.currency", "format", [currency["id"]], 1234.5, context=user.context
    )
    assert "¥" in amount and "1,234.50" in amount, f"{login}: {amount!r}"
    [menu] = user.call("ir.ui.menu", "read", [menu_id], ["name"], context=user.context)
    return menu["name"]


class RunSh:
    """scripts/run.sh as `make run` starts it, on a port of its own; stopped
    (its process group: the server and its watcher) on exit."""

    def __init__(self, db, **env):
        self.db, self.port = db, _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = ROOT / "var" / "log" / f"{db}-run.out"
        environ = {
            k: v for k, v in os.environ.items() if k not in ("UI_LANG", "UPDATE")
        }
        environ.update(DB=db, HTTP_PORT=str(self.port), ADDONS="elder_crm", **env)
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                [str(ROOT / "scripts" / "run.sh"), "--max-cron-threads=0"],
                cwd=ROOT,
                env=environ,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def __enter__(self):
        deadline = time.monotonic() + RUN_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(
                    f"run.sh exited ({self.process.returncode}):\n{self._tail()}"
                )
            try:
                xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/common").version()
                return self
            except OSError:
                time.sleep(1)
        pytest.fail(
            f"run.sh did not serve {self.db} within {RUN_TIMEOUT}s:\n{self._tail()}"
        )

    def __exit__(self, *exc):
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=60)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def _tail(self):
        return "".join(self.log.read_text(errors="replace").splitlines(True)[-40:])


@pytest.fixture
def run_db():
    """A database name for run.sh, dropped afterwards with what run.sh keeps."""
    db = f"{os.environ['CARE_RPC_DB']}_zh"
    yield db
    subprocess.run(["dropdb", "--if-exists", "--force", db], check=False)
    conf = (ROOT / "config" / "local.conf").read_text()
    data_dir = re.search(r"^data_dir *= *(.+)$", conf, re.M)
    if data_dir:
        shutil.rmtree(
            Path(data_dir.group(1).strip()) / "filestore" / db, ignore_errors=True
        )
    for path in (
        ROOT / ".state" / f"run-{db}.json",
        ROOT / "var" / "log" / f"run-{db}-update.log",
        ROOT / "var" / "log" / f"{db}-run.out",
    ):
        path.unlink(missing_ok=True)


def test_make_run_new_database_is_chinese_and_ui_lang_en_us_is_english(run_db):
    with RunSh(run_db) as server:
        admin = Login(server.url, run_db, "admin")
        menu_id = _ref(admin, ROOT_MENU)
        for login in ELDER_CRM_LOGINS:
            name = _check_login(server.url, run_db, login, "zh_CN", menu_id)
            assert CJK.search(name) and name != "Elder Care", (
                f"{login} sees menu {name!r}"
            )
        # every user, not only the demo logins: the templates new users copy,
        # the public user of the questionnaire pages, the portal
        users = admin.call(
            "res.users",
            "search_read",
            [],
            ["login", "lang"],
            context={"active_test": False},
        )
        assert {u["login"]: u["lang"] for u in users if u["lang"] != "zh_CN"} == {}
        # the install log has no warning (make test's rule, here for make run)
        log = ROOT / "var" / "log" / f"run-{run_db}-update.log"
        bad = re.findall(
            r"^\S+ \S+ \d+ (?:WARNING|ERROR|CRITICAL) .*$", log.read_text(), re.M
        )
        assert bad == []

    with RunSh(run_db, UI_LANG="en_US") as server:
        for login in ELDER_CRM_LOGINS:
            name = _check_login(server.url, run_db, login, "en_US", menu_id)
            assert name == "Elder Care", f"{login} sees menu {name!r}"


def test_suite_database_company_chart_and_logins(odoo_server):
    url, db = odoo_server.url, odoo_server.db
    admin = Login(url, db, "admin")
    [module] = admin.call(
        "ir.module.module", "search_read", [("name", "=", "l10n_cn")], ["state"]
    )
    assert module["state"] == "installed"
    [company] = admin.call(
        "res.company", "read", [_ref(admin, "base.main_company")], ["chart_template"]
    )
    assert company["chart_template"] == "cn"
    assert admin.call("res.company", "search_read", [], ["name"]) == [
        {"id": _ref(admin, "base.main_company"), "name": COMPANY_NAME}
    ], "l10n_cn's demo company is archived: every login sees the centre only"
    assert admin.call("res.lang", "search_count", [("code", "=", "zh_CN")]) == 1
    # make test keeps the users in English unless UI_LANG says otherwise
    lang = os.environ.get("UI_LANG") or "en_US"
    menu_id = _ref(admin, ROOT_MENU)
    for login in SUITE_LOGINS:
        _check_login(url, db, login, lang, menu_id)
    # a voucher amount as finance reads it: in the centre's currency, in ¥ in
    # Chinese as in English
    finance = Login(url, db, "finance")
    [programme] = finance.call(
        "care.voucher.programme",
        "search_read",
        [],
        ["currency_id", "monthly_cap"],
        limit=1,
    )
    assert programme["currency_id"][1] == "CNY"
    for context_lang in ("zh_CN", "en_US"):
        amount = finance.call(
            "res.currency",
            "format",
            [programme["currency_id"][0]],
            programme["monthly_cap"],
            context={**finance.context, "lang": context_lang},
        )
        assert amount.startswith("¥"), (context_lang, amount)
