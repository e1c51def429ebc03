"""Production mode, backups and upgrades (issue 15, items 4 and 5).

Against the database `make test` installs with demo data ($CARE_RPC_DB,
served by the ``odoo_server`` fixture):

- ``make backup`` archives it (Odoo's format) and ``make restore`` brings it
  back as a new database: same row counts in every table, same filestore,
  an attachment's bytes identical (read back over XML-RPC from the restored
  copy, served in production mode);
- damaged archives are refused before any database is created or touched;
- ``make run PROD=1`` (scripts/run.sh) serves the restored copy in
  multi-process mode: HTTP workers, cron workers and the gevent process,
  XML-RPC, the device events API and the web client's websocket (handshake on
  the gevent port, subscribe, a bus notification received), no database
  manager, and a clean log;
- ``make upgrade`` upgrades every suite addon of a restored copy in which
  data was created through each addon and shipped configuration edited: no
  row lost or changed, the edits kept, the upgrade log clean.

Every database made here is named ops_*_<pid> and dropped at the end, also
when a test fails.
"""

import configparser
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import xmlrpc.client
import zipfile
from base64 import b64decode, b64encode
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
SUITE = [
    "elder_crm",
    "care_reception",
    "care_dispatch",
    "care_devices",
    "care_vouchers",
    "care_dispatch_devices",
]
# tables a running server writes to on its own (sessions, presence, bus)
VOLATILE = {"bus_bus", "bus_presence", "res_users_log", "res_device", "res_device_log"}
PAYLOAD = os.urandom(48 * 1024) + "养老 backup ✓".encode()


def _conf():
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(os.environ.get("CARE_ODOO_CONFIG", ROOT / "config" / "local.conf"))
    return parser["options"]


def _pg(db="postgres"):
    import psycopg2

    opts = _conf()

    def opt(name):
        value = opts.get(name, "False")
        return None if value in ("False", "", "None") else value

    return psycopg2.connect(
        dbname=db,
        host=opt("db_host"),
        port=opt("db_port"),
        user=opt("db_user"),
        password=opt("db_password"),
    )


def sql(db, query, args=()):
    conn = _pg(db)
    try:
        with conn.cursor() as cr:
            cr.execute(query, args)
            return cr.fetchall() if cr.description else None
    finally:
        conn.close()


def db_exists(name):
    return bool(sql("postgres", "SELECT 1 FROM pg_database WHERE datname = %s", [name]))


def filestore(db):
    return Path(_conf()["data_dir"]) / "filestore" / db


def drop_db(name):
    conn = _pg()
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            cr.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        conn.close()
    shutil.rmtree(filestore(name), ignore_errors=True)


def script(name, *args, timeout=600, **env):
    """Run scripts/<name> with the environment plus ``env``."""
    return subprocess.run(
        [str(SCRIPTS / name), *args],
        cwd=ROOT,
        env={**os.environ, **{k: str(v) for k, v in env.items()}},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def row_counts(db):
    tables = sql(
        db,
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    )
    from psycopg2 import sql as pgsql

    names = sorted(t for (t,) in tables if t not in VOLATILE)
    query = pgsql.SQL(" UNION ALL ").join(
        pgsql.SQL("SELECT {}, count(*) FROM {}").format(
            pgsql.Literal(t), pgsql.Identifier(t)
        )
        for t in names
    )
    conn = _pg(db)
    try:
        with conn.cursor() as cr:
            cr.execute(query)
            return dict(cr.fetchall())
    finally:
        conn.close()


def file_digests(root):
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ----------------------------------------------------------------------------
# fixtures


@pytest.fixture(scope="module")
def dbs():
    """Names of the databases made by this module; all dropped at the end."""
    made = []
    yield made
    for name in made:
        drop_db(name)


@pytest.fixture(scope="module")
def source(odoo_server, xmlrpc_admin):
    """The test database with one attachment of known bytes added."""
    attachment = xmlrpc_admin(
        "ir.attachment",
        "create",
        {"name": "ops-backup-check.bin", "datas": b64encode(PAYLOAD).decode()},
    )
    [fname] = sql(
        odoo_server.db,
        "SELECT store_fname FROM ir_attachment WHERE id = %s",
        [attachment],
    )[0]
    assert fname and (filestore(odoo_server.db) / fname).read_bytes() == PAYLOAD
    return {"db": odoo_server.db, "attachment": attachment, "store_fname": fname}


@pytest.fixture(scope="module")
def archive(source, tmp_path_factory):
    """`make backup` of the source database, with the row counts it had."""
    counts = row_counts(source["db"])
    files = file_digests(filestore(source["db"]))
    out = tmp_path_factory.mktemp("backups")
    started = time.monotonic()
    done = script("backup.sh", DB=source["db"], BACKUP_DIR=out)
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    path = Path(done.stdout.strip().splitlines()[-1])
    assert path.parent == out and path.is_file()
    print(
        f"\nbackup of {source['db']}: {seconds:.1f} s, {path.stat().st_size / 2**20:.1f} MB"
    )
    return {"path": path, "counts": counts, "files": files, "seconds": seconds}


@pytest.fixture(scope="module")
def restored(archive, dbs):
    """`make restore` of the archive into a new database."""
    name = f"ops_rt_{os.getpid()}"
    dbs.append(name)
    started = time.monotonic()
    done = script("restore.sh", str(archive["path"]), DB=name)
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    print(f"\nrestore into {name}: {seconds:.1f} s")
    return name


# ----------------------------------------------------------------------------
# backups


def test_backup_restores_every_row_and_file(source, archive, restored):
    with zipfile.ZipFile(archive["path"]) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
    assert {"dump.sql", "manifest.json"} <= names
    assert f"filestore/{source['store_fname']}" in names
    assert manifest["db_name"] == source["db"]
    assert manifest["major_version"] == "18.0"
    assert set(SUITE) <= set(manifest["modules"])
    assert archive["path"].stat().st_mode & 0o077 == 0, "archives are private"

    counts = row_counts(restored)
    assert counts == archive["counts"]
    assert counts["care_elder"] > 0 and counts["ir_attachment"] > 0
    assert file_digests(filestore(restored)) == archive["files"]
    assert (filestore(restored) / source["store_fname"]).read_bytes() == PAYLOAD
    # a restore, not a copy: the same database identity
    uuid = "SELECT value FROM ir_config_parameter WHERE key = 'database.uuid'"
    assert sql(restored, uuid) == sql(source["db"], uuid)


def _damaged(archive, tmp_path):
    """Archives damaged in the ways a copy, a full disk or a hand can."""
    data = archive.read_bytes()
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo("dump.sql")
        dump = zf.read("dump.sql")
        members = {n: zf.read(n) for n in zf.namelist() if n != "manifest.json"}
    cases = {}
    flipped = bytearray(data)
    # a byte inside dump.sql's compressed data (after its local header)
    flipped[info.header_offset + 30 + len(info.filename) + info.compress_size // 2] ^= (
        0xFF
    )
    cases["crc"] = (bytes(flipped), "fails its CRC check")
    cases["cut"] = (data[: len(data) // 2], "not a zip archive")
    cases["empty"] = (b"", "not a zip archive")
    paths = {}
    for name, (content, message) in cases.items():
        paths[name] = (tmp_path / f"{name}.zip", message)
        paths[name][0].write_bytes(content)
    no_manifest = tmp_path / "no_manifest.zip"
    with zipfile.ZipFile(no_manifest, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    paths["no_manifest"] = (no_manifest, "lacks manifest.json")
    short = tmp_path / "short_dump.zip"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(short, "w") as zf:
        for item in src.infolist():
            content = src.read(item)
            if item.filename == "dump.sql":  # valid zip, dump cut mid-way
                content = dump[: len(dump) * 2 // 3]
            zf.writestr(item, content)
    paths["short_dump"] = (short, "dump.sql is incomplete")
    return paths


def test_restore_refuses_damaged_archives_before_touching_anything(
    archive, restored, tmp_path
):
    target = f"ops_bad_{os.getpid()}"
    before = row_counts(restored)
    marker = "SELECT count(*), max(id) FROM res_partner"
    partners = sql(restored, marker)
    for case, (path, message) in _damaged(archive["path"], tmp_path).items():
        targets = [(target, "0")]
        if case in ("crc", "short_dump"):  # FORCE=1 does not help a damaged archive
            targets.append((restored, "1"))
        for db, force in targets:
            done = script("restore.sh", str(path), DB=db, FORCE=force, timeout=120)
            assert done.returncode == 2, (case, done.returncode, done.stderr)
            assert message in done.stderr, (case, done.stderr)
            assert "no database was touched" in done.stderr
            leftovers = sql(
                "postgres",
                "SELECT datname FROM pg_database WHERE datname LIKE %s",
                [f"{db}%"],
            )
            assert leftovers == ([] if db == target else [(restored,)]), case
    assert not filestore(target).exists()
    # the existing database was refused without FORCE=1, and is intact
    done = script("restore.sh", str(archive["path"]), DB=restored, timeout=120)
    assert done.returncode == 2 and "FORCE=1" in done.stderr
    assert sql(restored, marker) == partners
    assert row_counts(restored) == before


# ----------------------------------------------------------------------------
# production mode


def _http(url, body=None, headers=None, method=None):
    request = urllib.request.Request(
        url,
        data=body
        if body is None or isinstance(body, bytes)
        else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
        method=method,
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def prod_server(restored, tmp_path_factory):
    """scripts/run.sh with PROD=1 (what `make run PROD=1` runs) on the restored
    copy; stopped after the test."""
    import psutil

    http_port, gevent_port = free_port(), free_port()
    log = tmp_path_factory.mktemp("prod") / "odoo.log"
    out = log.with_name("run.out")
    env = {
        **os.environ,
        "PROD": "1",
        "UPDATE": "0",
        "DB": restored,
        "WORKERS": "2",
        "MAX_CRON_THREADS": "1",
        "HTTP_PORT": str(http_port),
        "GEVENT_PORT": str(gevent_port),
        "LOGFILE": str(log),
    }
    with open(out, "wb") as stream:
        process = subprocess.Popen(
            [str(SCRIPTS / "run.sh")],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=stream,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{http_port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert process.poll() is None, out.read_text() + log.read_text()
            try:
                status, _h, _b = _http(
                    url + "/web/webclient/version_info",
                    {"jsonrpc": "2.0", "method": "call", "params": {}},
                )
                if status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, out.read_text()
            time.sleep(1)
        # the gevent process starts after the workers: wait for its port
        while True:
            try:
                socket.create_connection(("127.0.0.1", gevent_port), timeout=2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()[-3000:]
                time.sleep(1)
        yield {
            "url": url,
            "ws": f"ws://127.0.0.1:{gevent_port}/websocket",
            "db": restored,
            "log": log,
            "process": psutil.Process(process.pid),
        }
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # graceful, as Ctrl-C
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()


def _api_key(call):
    key_id = call(
        "care.device.api.key", "create", {"name": "ops prod", "scope": "gateway"}
    )
    action = call("care.device.api.key", "action_generate", [key_id])
    [wizard] = call("care.api.key.wizard", "read", [action["res_id"]], ["key"])
    return wizard["key"]


def test_production_mode_serves_rpc_events_and_websocket(prod_server, source):
    import websocket

    url, db = prod_server["url"], prod_server["db"]
    # multi-process: the master, 2 HTTP workers, 1 cron worker, the gevent process
    cmdlines = [
        " ".join(child.cmdline()) for child in prod_server["process"].children()
    ]
    cmdlines = [c for c in cmdlines if "odoo-bin" in c]
    assert sum(" gevent server " in c for c in cmdlines) == 1, cmdlines
    assert len(cmdlines) == 4, cmdlines
    assert "production.conf" in " ".join(prod_server["process"].cmdline())

    # XML-RPC: login, a role's call, the restored attachment's bytes
    common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
    uid = common.authenticate(db, "admin", "admin", {})
    assert uid
    objects = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    def call(model, method, *args, **kw):
        return objects.execute_kw(db, uid, "admin", model, method, list(args), kw)

    [attachment] = call("ir.attachment", "read", [source["attachment"]], ["datas"])
    assert b64decode(attachment["datas"]) == PAYLOAD
    reception = common.authenticate(db, "reception", "reception", {})
    assert reception
    assert objects.execute_kw(
        db, reception, "reception", "care.elder", "search_count", [[]]
    ) == call("care.elder", "search_count", [])

    # the device events API (as a gateway: API key header)
    [device] = call(
        "care.device", "search_read", [("state", "=", "bound")], ["serial"], limit=1
    )
    headers = {"X-Care-Api-Key": _api_key(call)}
    event = {
        "device_id": device["serial"],
        "code": "fall",
        "event_uid": f"ops-{os.getpid()}",
    }
    status, _h, body = _http(f"{url}/care/api/v1/events", event, headers)
    assert status == 202, body
    ticket = json.loads(body)["ticket"]
    assert ticket
    status, _h, body = _http(f"{url}/care/api/v1/events", event, headers)
    assert status == 409 and json.loads(body)["ticket"] == ticket
    status, _h, _b = _http(
        f"{url}/care/api/v1/events", event, {"X-Care-Api-Key": "cdk_wrong"}
    )
    assert status == 401

    # the web client's websocket: session from /web/session/authenticate,
    # handshake on the gevent port, subscribe, then a notification for the
    # user arrives through PostgreSQL's NOTIFY and the gevent process
    status, answer, body = _http(
        f"{url}/web/session/authenticate",
        {"jsonrpc": "2.0", "params": {"db": db, "login": "admin", "password": "admin"}},
    )
    assert status == 200 and json.loads(body)["result"]["uid"] == uid
    session = answer["Set-Cookie"].split(";")[0]
    assert session.startswith("session_id=")
    ws = websocket.create_connection(
        prod_server["ws"] + "?version=18.0-3", origin=url, cookie=session, timeout=30
    )
    try:
        assert ws.getstatus() == 101
        ws.send(
            json.dumps({"event_name": "subscribe", "data": {"channels": [], "last": 0}})
        )
        settings = call("res.users.settings", "search", [("user_id", "=", uid)])
        call(
            "res.users.settings",
            "set_res_users_settings",
            settings,
            {"is_discuss_sidebar_category_chat_open": False},
        )
        deadline = time.monotonic() + 30
        types = []
        while "res.users.settings" not in types and time.monotonic() < deadline:
            types += [n["message"]["type"] for n in json.loads(ws.recv())]
        assert "res.users.settings" in types, types
    finally:
        ws.close()
    bad = [
        line
        for line in prod_server["log"].read_text(errors="replace").splitlines()
        if " WARNING " in line or " ERROR " in line or " CRITICAL " in line
    ]
    assert not bad, bad[:5]
    # no database manager (after the log check: Odoo logs the refusal)
    with pytest.raises(xmlrpc.client.Fault, match="Access Denied"):
        xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/db").list()
    # and no upgrade under a running server
    done = script("upgrade.sh", DB=db, BACKUP=0, timeout=120)
    assert done.returncode == 1 and "stop it first" in done.stderr, done.stderr


# ----------------------------------------------------------------------------
# upgrades

# Run in `odoo shell` (stdin) on the copy to upgrade. MODE "prepare" creates
# data through each suite addon (a copy of a record of each of its own
# models) and edits the configurable records the addons ship as data (their
# name) and the suite's settings; both modes print a snapshot: the suite's
# tables (row count and a hash of their rows but write_date/write_uid), the
# shipped records' names and the settings.
SHELL = r"""
import json
MODE, SUITE = %(mode)r, %(suite)r
TECHNICAL = ("ir.", "res.groups", "report.")
KEEP = ("ir.cron", "ir.sequence")
NO_COPY = TECHNICAL + ("res.users", "res.company", "account.", "mail.")
Data = env["ir.model.data"]
out = {"created": {}, "refused": {}}

def own_models(module):
    ids = Data.search([("module", "=", module), ("model", "=", "ir.model")]).mapped("res_id")
    return sorted(m.model for m in env["ir.model"].browse(ids) if m.model in env
                  and not m.model.startswith(TECHNICAL) and not env[m.model]._transient
                  and env[m.model]._auto and not env[m.model]._abstract)

def shipped():
    records = Data.search([("module", "in", SUITE)])
    return [d for d in records if d.model in env
            and (not d.model.startswith(TECHNICAL) or d.model in KEEP)
            and isinstance(env[d.model]._fields.get("name"), type(env["res.partner"]._fields["name"]))
            and env[d.model]._fields["name"].store and not env[d.model]._fields["name"].compute]

def settings():
    return {f.config_parameter: f.name for f in env["res.config.settings"]._fields.values()
            if getattr(f, "config_parameter", None) and f.type == "integer"
            and f.config_parameter.split(".")[0] in SUITE}

if MODE == "prepare":
    for module in SUITE:
        for model in own_models(module):
            if model.startswith(NO_COPY):
                continue
            record = env[model].search([], order="id desc", limit=1)
            if not record:
                continue
            try:
                with env.cr.savepoint():
                    out["created"].setdefault(module, []).append([model, record.copy().id])
            except Exception as exc:
                out["refused"][model] = str(exc)[:200]
    for d in shipped():
        record = env[d.model].browse(d.res_id).exists()
        if record:
            record.name = (record.name or "") + " (edited)"
    Param = env["ir.config_parameter"]
    for key, field in settings().items():
        value = env["res.config.settings"].default_get([field]).get(field) or 0
        Param.set_param(key, str(int(value) + 1))
    env.cr.commit()

tables = {}
for module in SUITE:
    for model in own_models(module):
        table = env[model]._table
        env.cr.execute(
            f'SELECT count(*), md5(coalesce(string_agg(r::text, \'|\' ORDER BY r::text), \'\')) '
            f'FROM (SELECT to_jsonb(t) - \'write_date\' - \'write_uid\' AS r FROM "{table}" t) s'
        )
        tables[table] = env.cr.fetchone()
out["tables"] = tables
out["names"] = {d.complete_name: env[d.model].browse(d.res_id).name for d in shipped()}
out["settings"] = {k: env["ir.config_parameter"].get_param(k) for k in settings()}
print("OPS-SNAPSHOT " + json.dumps(out, default=str))
"""


def _shell(db, mode):
    python = (ROOT / ".state" / "python").read_text().strip()
    done = subprocess.run(
        [
            python,
            "-m",
            "odoo",
            "shell",
            "-c",
            os.environ.get("CARE_ODOO_CONFIG", str(ROOT / "config" / "local.conf")),
            "-d",
            db,
            "--no-http",
            "--log-level=warn",
        ]
        + (
            ["--addons-path", os.environ["CARE_ADDONS_PATH"]]
            if os.environ.get("CARE_ADDONS_PATH")
            else []
        ),
        cwd=ROOT,
        input=SHELL % {"mode": mode, "suite": SUITE},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    lines = [x for x in done.stdout.splitlines() if x.startswith("OPS-SNAPSHOT ")]
    assert done.returncode == 0 and lines, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(lines[-1][len("OPS-SNAPSHOT ") :])


def test_upgrade_keeps_data_and_edits(restored):
    """On the restored copy (the last test to use it: it changes it)."""
    db = restored
    before = _shell(db, "prepare")
    assert set(before["created"]) >= set(SUITE) - {"care_dispatch_devices"}, before
    assert before["names"] and before["settings"]
    assert all(name.endswith(" (edited)") for name in before["names"].values())

    started = time.monotonic()
    done = script("upgrade.sh", DB=db, BACKUP=0)
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stdout + done.stderr
    assert "log clean" in done.stderr
    # a clean log is not kept (var/log/upgrade-<db>-<time>.log)
    for log in (ROOT / "var" / "log").glob(f"upgrade-{db}-*.log"):
        log.unlink()
    print(f"\nupgrade of {db}: {seconds:.1f} s")

    after = _shell(db, "check")
    problems = []
    lost_edits = {
        k: v for k, v in after["names"].items() if before["names"].get(k) != v
    }
    if lost_edits:  # its data file lacks noupdate="1"
        problems.append(
            "shipped records reset to their data file's value by the upgrade "
            f'(load those files with noupdate="1"): {lost_edits}'
        )
    settings = {
        k: (v, after["settings"].get(k))
        for k, v in before["settings"].items()
        if after["settings"].get(k) != v
    }
    if settings:
        problems.append(f"settings changed: {settings}")
    tables = {
        t: (before["tables"][t], after["tables"].get(t))
        for t in before["tables"]
        if before["tables"][t] != after["tables"].get(t)
    }
    if tables:
        problems.append(f"tables changed (rows, hash): {tables}")
    assert not problems, "\n".join(problems)
