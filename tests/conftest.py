"""Fixtures of the top-level integration tests.

`make test` copies the freshly installed test database to $CARE_RPC_DB; the
`odoo_server` fixture starts a real Odoo server on it, on a free port, and the
tests talk to it over RPC (odoorpc). Without CARE_RPC_DB (pytest run by hand)
these tests are skipped.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 120  # seconds


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class OdooServer:
    host: str
    port: int
    db: str
    log: Path
    process: subprocess.Popen = field(repr=False)

    @property
    def url(self):
        return f"http://{self.host}:{self.port}"

    def version_info(self):
        """The server's /web/webclient/version_info answer (JSON-RPC)."""
        request = urllib.request.Request(
            self.url + "/web/webclient/version_info",
            data=json.dumps(
                {"jsonrpc": "2.0", "method": "call", "params": {}}
            ).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)["result"]

    def client(self, login="admin", password="admin"):
        """An odoorpc.ODOO client logged in to the test database."""
        import odoorpc

        odoo = odoorpc.ODOO(self.host, port=self.port, timeout=120)
        odoo.login(self.db, login, password)
        return odoo

    def log_tail(self, lines=40):
        try:
            return "".join(
                self.log.read_text(errors="replace").splitlines(True)[-lines:]
            )
        except OSError:
            return "(no log)"


def _wait_until_ready(server):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"Odoo exited with code {server.process.returncode} before answering; "
                f"last lines of {server.log}:\n{server.log_tail()}"
            )
        try:
            server.version_info()
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(
        f"Odoo did not answer on {server.url} within {START_TIMEOUT}s; "
        f"last lines of {server.log}:\n{server.log_tail()}"
    )


@pytest.fixture(scope="session")
def odoo_server():
    """A real Odoo server on a copy of the test database (see module doc)."""
    db = os.environ.get("CARE_RPC_DB")
    if not db:
        pytest.skip(
            "CARE_RPC_DB is not set: the RPC integration tests need the database copy "
            "that `make test` prepares; run them with `make test`"
        )
    config = os.environ.get("CARE_ODOO_CONFIG", str(ROOT / "config" / "local.conf"))
    port = _free_port()
    log = ROOT / "var" / "log" / f"{db}-server.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable,
        "-m",
        "odoo",
        "server",
        "-c",
        config,
        "-d",
        db,
        "--db-filter",
        f"^{db}$",
        "--http-interface",
        "127.0.0.1",
        "--http-port",
        str(port),
        "--workers",
        "0",
        "--max-cron-threads",
        "0",
    ]
    if os.environ.get("CARE_ADDONS_PATH"):
        cmd += ["--addons-path", os.environ["CARE_ADDONS_PATH"]]
    with open(log, "wb") as out:  # Odoo logs to stderr without --logfile
        process = subprocess.Popen(
            cmd,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    # lets scripts/test.sh stop the server should pytest die without teardown
    pid_file = log.with_suffix(".pid")
    pid_file.write_text(str(process.pid))
    server = OdooServer("127.0.0.1", port, db, log, process)
    try:
        _wait_until_ready(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        pid_file.unlink(missing_ok=True)


@pytest.fixture
def rpc(odoo_server):
    """An odoorpc client logged in as admin/admin."""
    client = odoo_server.client()
    yield client
    try:
        client.logout()
    except Exception:  # the session may already be gone; nothing to clean
        pass


@pytest.fixture(scope="session")
def xmlrpc_admin(odoo_server):
    """``call(model, method, *args, **kwargs)``: execute_kw over plain XML-RPC
    (the standard library, what a telephone system or a script speaks) as
    admin/admin."""
    import xmlrpc.client

    common = xmlrpc.client.ServerProxy(f"{odoo_server.url}/xmlrpc/2/common")
    uid = common.authenticate(odoo_server.db, "admin", "admin", {})
    assert uid, "admin/admin must log in to the test database"
    models = xmlrpc.client.ServerProxy(
        f"{odoo_server.url}/xmlrpc/2/object", allow_none=True
    )

    def call(model, method, *args, **kwargs):
        return models.execute_kw(
            odoo_server.db, uid, "admin", model, method, list(args), kwargs
        )

    return call
