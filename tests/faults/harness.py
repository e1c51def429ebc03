"""The fault tests' and the faults benchmark's tools: a private PostgreSQL
(primary + streaming replica) and N Odoo nodes driven through
scripts/cluster.sh and scripts/replica.sh, and a retrying device gateway.

Standard library, psycopg2 and the gateway simulator only: the tests talk to
real servers over HTTP, XML-RPC and JSON-RPC, never import Odoo.
"""

import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import xmlrpc.client
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import devices_gateway_sim as sim  # noqa: E402

ROUTE = sim.ROUTE


def percentile(values, pct):
    if not values:
        return 0.0
    values = sorted(values)
    k = (len(values) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


class Cluster:
    """scripts/cluster.sh and scripts/replica.sh, from Python."""

    def __init__(self, cluster_dir=None, pg_port=None, http_base=None):
        self.env = dict(os.environ)
        self.dir = Path(cluster_dir or ROOT / "var" / "cluster")
        self.env["CLUSTER_DIR"] = str(self.dir)
        if pg_port:
            self.env["CLUSTER_PG_PORT"] = str(pg_port)
        if http_base:
            self.env["CLUSTER_HTTP_BASE"] = str(http_base)
        self.http_base = int(self.env.get("CLUSTER_HTTP_BASE", 18069))
        self.pg_port = int(self.env.get("CLUSTER_PG_PORT", 55432))
        self.replica_port = int(self.env.get("CLUSTER_REPLICA_PORT", self.pg_port + 1))
        self.db = None
        self.sock = None

    def sh(self, *args, script="cluster.sh", env=None, check=True):
        run_env = dict(self.env, **(env or {}))
        return subprocess.run(
            [str(ROOT / "scripts" / script), *map(str, args)],
            env=run_env,
            cwd=ROOT,
            check=check,
            capture_output=True,
            text=True,
        )

    # --- PostgreSQL -----------------------------------------------------
    def pg_start(self):
        self.sh("pg-start")
        for line in self.sh("pg-env").stdout.splitlines():
            if line.startswith("export "):
                for part in line[7:].split():
                    name, _, value = part.partition("=")
                    if name == "PGHOST":
                        self.sock = value

    def pg_restart(self, down_seconds=0):
        self.sh("pg-restart", down_seconds)

    def connect(self, db=None, replica=False):
        conn = psycopg2.connect(
            host=self.sock,
            port=self.replica_port if replica else self.pg_port,
            user="odoo",
            dbname=db or self.db,
        )
        conn.autocommit = True
        return conn

    def sql(self, query, args=None, db=None, replica=False):
        conn = self.connect(db, replica)  # autocommit (no `with`: it opens a
        try:  # transaction, where DROP DATABASE cannot run)
            with conn.cursor() as cr:
                cr.execute(query, args)
                return cr.fetchall() if cr.description else None
        finally:
            conn.close()

    def scalar(self, query, args=None, **kw):
        return self.sql(query, args, **kw)[0][0]

    def make_db(self, name):
        self.pg_start()
        self.sh("db", name)
        self.db = name
        return name

    def replica_start(self):
        self.sh("start", script="replica.sh")

    def replica_caught_up(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if int(self.sh("lag", script="replica.sh").stdout.strip() or 0) == 0:
                return True
            time.sleep(0.2)
        return False

    # --- Odoo nodes -----------------------------------------------------
    def start(self, nodes=2, replica=False):
        self.sh("start", self.db, nodes, env={"REPLICA": "1" if replica else "0"})

    def stop(self, node=""):
        self.sh("stop", node, check=False)

    def kill(self, node):
        self.sh("kill", node)

    def url(self, node):
        return f"http://127.0.0.1:{self.http_base + node - 1}"

    def master_pid(self, node):
        return int((self.dir / f"node{node}.pid").read_text())

    def workers(self, node):
        """The node's worker processes: [(pid, cmdline)] in fork order."""
        out = subprocess.run(
            ["pgrep", "-P", str(self.master_pid(node))],
            capture_output=True,
            text=True,
        ).stdout.split()
        result = []
        for pid in sorted(map(int, out)):
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            result.append((pid, cmd.decode(errors="replace")))
        return result

    def client_of_backend(self, backend_pid):
        """The pid of the process at the other end of a PostgreSQL backend's
        unix socket (``ss -xp``). application_name does not tell: a prefork
        worker inherits the connections its master opened before forking."""
        lines = subprocess.run(["ss", "-xpn"], capture_output=True, text=True).stdout
        rows = [line.split() for line in lines.splitlines()[1:]]
        peers = {
            row[7] for row in rows if len(row) > 8 and f"pid={backend_pid}," in row[8]
        }
        for row in rows:
            if len(row) > 8 and row[5] in peers and "postgres" not in row[8]:
                return int(row[8].split("pid=")[1].split(",")[0])
        return None

    def http_worker(self, node):
        """An HTTP worker of the node (forked before the cron worker)."""
        return next(pid for pid, cmd in self.workers(node) if "gevent" not in cmd)

    def log(self, node):
        return (self.dir / f"node{node}.log").read_text(errors="replace")

    def rpc(self, node=1, login="admin", password="admin"):
        """``call(model, method, *args, **kw)`` over XML-RPC on a node."""
        url = self.url(node)
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
        uid = common.authenticate(self.db, login, password, {})
        assert uid, f"{login} cannot log in"
        models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

        def call(model, method, *args, **kw):
            return models.execute_kw(
                self.db, uid, password, model, method, list(args), kw
            )

        return call

    def jsonrpc(self, node=1, login="admin", password="admin"):
        """``call(model, method, *args, **kw)`` through /web/dataset/call_kw
        (the web client's way, which honours @api.readonly) with a session."""
        url = self.url(node)
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())

        def post(path, params):
            req = urllib.request.Request(
                url + path,
                data=json.dumps(
                    {"jsonrpc": "2.0", "method": "call", "params": params}
                ).encode(),
                headers={"Content-Type": "application/json"},
            )
            with opener.open(req, timeout=120) as response:
                answer = json.load(response)
            if "error" in answer:
                raise RuntimeError(answer["error"]["data"]["message"])
            return answer["result"]

        post(
            "/web/session/authenticate",
            {"db": self.db, "login": login, "password": password},
        )

        def call(model, method, *args, **kw):
            return post(
                f"/web/dataset/call_kw/{model}/{method}",
                {"model": model, "method": method, "args": list(args), "kwargs": kw},
            )

        return call


def api_key(call, name):
    key_id = call("care.device.api.key", "create", {"name": name, "scope": "gateway"})
    action = call("care.device.api.key", "action_generate", [key_id])
    [wizard] = call("care.api.key.wizard", "read", [action["res_id"]], ["key"])
    return wizard["key"]


def demo_serials(call):
    demo = call(
        "ir.model.data",
        "search_read",
        [("module", "=", "care_devices"), ("model", "=", "care.device")],
        ["res_id"],
    )
    devices = call(
        "care.device",
        "search_read",
        [("state", "=", "bound"), ("id", "in", [d["res_id"] for d in demo])],
        ["serial"],
        order="serial",
    )
    return [d["serial"] for d in devices]


def build_events(serials, days, seed):
    """``days`` days of the simulator's events (the latest ending yesterday)."""
    events = []
    for back in range(days, 0, -1):
        events += sim.build_day(
            serials, seed=seed, day=date.today() - timedelta(days=back)
        )
    return events


@dataclass
class Result:
    sent: int = 0  # events
    requests: int = 0
    retries: int = 0
    answers: Counter = field(default_factory=Counter)  # final per-event status
    request_codes: Counter = field(default_factory=Counter)  # every HTTP answer
    dropped: list = field(default_factory=list)  # events a gateway gave up on
    sos_latency: list = field(default_factory=list)  # seconds
    seconds: float = 0.0
    by_node: Counter = field(default_factory=Counter)
    html_404: int = 0

    @property
    def rate(self):
        return self.sent / self.seconds if self.seconds else 0.0


class Gateway:
    """Posts batches round-robin over the nodes, as a gateway fleet behind a
    load balancer would; retries a batch on another node after a connection
    error or a 5xx (honouring Retry-After, capped), gives up on a 404 or on
    an answer that is not the API's JSON (what broke before: Odoo's HTML 404
    during a database restart was read as "unknown device")."""

    def __init__(self, cluster, key, nodes=(1, 2), retry_cap=1.0, timeout=60):
        self.cluster = cluster
        self.key = key
        self.nodes = list(nodes)
        self.retry_cap = retry_cap
        self.timeout = timeout
        self.lock = threading.Lock()

    def post_once(self, node, body):
        req = urllib.request.Request(
            self.cluster.url(node) + ROUTE,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "X-Care-Api-Key": self.key},
            method="POST",
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()
        except (OSError, http.client.HTTPException) as error:
            return None, {}, str(error).encode()

    def send(self, chunk, index, result, deadline=180):
        nodes = self.nodes
        node = nodes[index % len(nodes)]
        began = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            status, headers, raw = self.post_once(node, chunk)
            with self.lock:
                result.requests += 1
                result.request_codes[status] += 1
            body = None
            if raw and status is not None:
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
            if status in (200, 202) and isinstance(body, dict) and "results" in body:
                break
            if status == 404:
                with self.lock:
                    result.html_404 += body is None
                    result.dropped.extend(chunk)
                return
            retryable = status is None or status >= 500
            if not retryable or time.monotonic() - began > deadline:
                with self.lock:
                    result.dropped.extend(chunk)
                return
            wait = 0.2 * attempt
            if status == 503 and headers.get("Retry-After"):
                wait = float(headers["Retry-After"])
            with self.lock:
                result.retries += 1
            time.sleep(min(wait, self.retry_cap))
            node = nodes[(nodes.index(node) + 1) % len(nodes)]
        elapsed = time.monotonic() - began
        with self.lock:
            result.by_node[node] += len(chunk)
            for item in body["results"]:
                event = chunk[item["index"]]
                code = item["status_code"]
                result.answers[code] += 1
                if code not in (200, 202, 409):
                    result.dropped.append(event)
                if event.get("code") == "sos" and code in (202, 409):
                    result.sos_latency.append(elapsed)

    def burst(
        self, events, batch=50, concurrency=4, resend_share=0.2, seed=1, during=None
    ):
        """Send ``events`` (+ a share resent) in batches over ``concurrency``
        threads; ``during(progress)`` is called once, from its own thread,
        when a third of the batches went out (to kill or restart things)."""
        rng = random.Random(seed)
        chunks = [events[i : i + batch] for i in range(0, len(events), batch)]
        resend = [e for e in events if rng.random() < resend_share]
        chunks += [resend[i : i + batch] for i in range(0, len(resend), batch)]
        result = Result(sent=len(events) + len(resend))
        todo = list(enumerate(chunks))
        todo.reverse()
        fired = threading.Event()
        done = [0]
        fault_thread = None

        def worker():
            nonlocal fault_thread
            while True:
                with self.lock:
                    if not todo:
                        return
                    index, chunk = todo.pop()
                    done[0] += 1
                    trigger = (
                        during and not fired.is_set() and done[0] >= len(chunks) // 3
                    )
                    if trigger:
                        fired.set()
                if trigger:
                    fault_thread = threading.Thread(target=during)
                    fault_thread.start()
                self.send(chunk, index, result)

        began = time.monotonic()
        threads = [threading.Thread(target=worker) for _ in range(concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if fault_thread:
            fault_thread.join()
        result.seconds = time.monotonic() - began
        return result


def check_stored(cluster, events, prefix):
    """Lost / duplicated events with an event_uid, alarms without a ticket,
    and tickets no event points to, read back from the database."""
    sent = Counter(e["event_uid"] for e in events if e.get("event_uid"))
    rows = cluster.sql(
        "SELECT uid, code, ticket_id FROM care_device_event WHERE uid LIKE %s",
        (prefix + "%",),
    )
    stored = Counter(uid for uid, _code, _ticket in rows)
    lost = sorted(set(sent) - set(stored))
    duplicated = sorted(uid for uid, n in stored.items() if n > 1)
    alarms_without_ticket = [
        uid for uid, code, t in rows if code in ("sos", "fall") and not t
    ]
    sos_tickets = defaultdict(set)
    for uid, code, ticket in rows:
        if code == "sos":
            # sim-seed-YYYYMMDD-serial-sos-n: presses of one device, one day
            sos_tickets[uid.rsplit("-", 2)[0]].add(ticket)
    split_sos = {k: v for k, v in sos_tickets.items() if len(v) != 1}
    return {
        "sent": len(sent),
        "stored": sum(stored.values()),
        "lost": lost,
        "duplicated": duplicated,
        "alarms_without_ticket": alarms_without_ticket,
        "split_sos": split_sos,
    }
