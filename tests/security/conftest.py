"""Fixtures of the role-by-role security suite (tests/security/).

Every test here talks to a real Odoo server (the ``odoo_server`` fixture of
tests/conftest.py) over the protocols an outsider has: XML-RPC as each demo
login, JSON over HTTP, and anonymous HTTP. Nothing is called in-process.

``role("dispatcher")`` gives a :class:`Caller` for that demo login; ``admin``
is the administrator, used to prepare data and to check that nothing changed.
"""

import json
import urllib.error
import urllib.request
import xmlrpc.client
from dataclasses import dataclass

import pytest

# the suite's addons, and the core and OCA models they extend that the roles
# work in (the sweeps and the permission matrix cover these)
SUITE_MODULES = (
    "elder_crm",
    "care_reception",
    "care_dispatch",
    "care_devices",
    "care_vouchers",
    "care_dispatch_devices",
    "care_sms",
    "care_sms_devices",
    "care_residence",
    "care_health",
    "care_health_devices",
    "care_family",
    "care_family_devices",
    "care_family_vouchers",
    "care_family_sms",
    "care_residence_vouchers",
    "care_health_event",
    "care_health_event_reception",
    "care_plans",
    "care_plans_vouchers",
    "care_plans_devices",
    "care_residence_plans",
    "care_map",
    "care_map_devices",
)
EXTENDED_MODELS = (
    "res.partner",
    "crm.lead",
    "fsm.order",
    "fsm.location",
    "fsm.person",
    "helpdesk.ticket",
    "account.move",
    "contract.contract",
)

# login -> password of the demo users (password = login)
DEMO_ROLES = (
    "reception",
    "dispatcher",
    "emergency",
    "finance",
    "devices",
    "doctor",
)


class RpcRefused(Exception):
    """An XML-RPC call answered with a fault: the fault's text is in
    ``str(exc)``, its code in ``exc.code`` (see :func:`fault_is_refusal`)."""

    def __init__(self, text, code=1):
        super().__init__(text)
        self.code = code


@dataclass
class Caller:
    url: str
    db: str
    login: str
    password: str
    uid: int

    def __post_init__(self):
        self._models = xmlrpc.client.ServerProxy(
            f"{self.url}/xmlrpc/2/object", allow_none=True
        )

    def call(self, model, method, *args, **kwargs):
        """execute_kw; an Odoo error becomes :class:`RpcRefused`."""
        try:
            return self._models.execute_kw(
                self.db, self.uid, self.password, model, method, list(args), kwargs
            )
        except xmlrpc.client.Fault as fault:
            raise RpcRefused(fault.faultString, fault.faultCode) from None

    def refused(self, model, method, *args, **kwargs):
        """Call and return the error text; fails the test if the call passed."""
        try:
            result = self.call(model, method, *args, **kwargs)
        except RpcRefused as exc:
            return str(exc)
        pytest.fail(
            f"{self.login}: {model}.{method}{args!r} was accepted (returned {result!r})"
        )

    def read(self, model, ids, fields=None):
        return self.call(model, "read", ids, fields or [])

    def search_read(self, model, domain, fields=None, **kwargs):
        return self.call(model, "search_read", domain, fields or [], **kwargs)


def _login(server, login, password):
    common = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/common")
    uid = common.authenticate(server.db, login, password, {})
    assert uid, f"demo login {login!r} must exist in the test database"
    return Caller(server.url, server.db, login, password, uid)


@pytest.fixture(scope="session")
def admin(odoo_server):
    return _login(odoo_server, "admin", "admin")


@pytest.fixture(scope="session")
def role(odoo_server):
    """``role(login)``: a Caller for a demo login (password = login)."""
    cache = {}

    def get(login):
        if login not in cache:
            cache[login] = _login(odoo_server, login, login)
        return cache[login]

    return get


def fault_is_refusal(text):
    """True when an XML-RPC fault is Odoo refusing the call, not a crash.

    Over /xmlrpc/2, Odoo answers an AccessError, AccessDenied, UserError or
    ValidationError (codes 2–4) with the message alone, and anything else (a
    crash: an unexpected Python exception) with code 1 and the formatted
    traceback. ``text`` is the fault's string (``str(RpcRefused)``) or the
    RpcRefused itself."""
    if isinstance(text, RpcRefused):
        return text.code in (2, 3, 4)
    return "Traceback (most recent call last)" not in str(text)


@dataclass
class HttpAnswer:
    status: int
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


@pytest.fixture(scope="session")
def http(odoo_server):
    """``http(method, path, body=None, headers=None)``: a raw HTTP request to
    the test server; never raises on 4xx/5xx, returns an HttpAnswer."""

    def request(method, path, body=None, headers=None, timeout=30):
        data = body
        hdrs = dict(headers or {})
        if body is not None and not isinstance(body, bytes | str):
            data = json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            data = body.encode()
        req = urllib.request.Request(
            odoo_server.url + path, data=data, headers=hdrs, method=method
        )
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return HttpAnswer(resp.status, dict(resp.headers), resp.read())
        except urllib.error.HTTPError as err:
            return HttpAnswer(err.code, dict(err.headers), err.read())

    return request
