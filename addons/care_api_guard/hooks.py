"""503 for the suite's machine API when PostgreSQL goes away mid-request.

Odoo answers a ``psycopg2.OperationalError`` / ``InterfaceError`` raised
while serving a request (the database restarted under an open connection, or
no new connection could be made) with its generic 500 HTML page. A gateway
cannot tell that from a bug. For the paths under ``/care/api/`` and ``/care_sms/`` the error
handler of ``type="http"`` routes answers instead what the nodb route of
``controllers/main.py`` answers while the database is down: 503, JSON,
``Retry-After``. The transaction was rolled back (nothing of the request was
saved), so a retry is always safe. Every other path keeps Odoo's behaviour.
"""

import json
import logging

import psycopg2

from odoo import http

_logger = logging.getLogger(__name__)

# the paths machines call: the device and calls APIs, the SMS provider's
# delivery receipts and inbound texts
API_PREFIXES = ("/care/api/", "/care_sms/")
RETRY_AFTER = 5  # seconds; a PostgreSQL restart takes a few
DB_ERRORS = (psycopg2.OperationalError, psycopg2.InterfaceError)


def unavailable_response():
    """503 ``{"error": "unavailable", ...}`` with ``Retry-After``."""
    body = {
        "error": "unavailable",
        "message": "The database is not available; retry later.",
        "retry_after": RETRY_AFTER,
    }
    response = http.Response(
        json.dumps(body),
        status=503,
        mimetype="application/json",
    )
    response.headers["Retry-After"] = str(RETRY_AFTER)
    response.headers["Cache-Control"] = "no-store"
    return response


def is_api_path(httprequest):
    return httprequest.path.startswith(API_PREFIXES)


def is_database_fault(exc):
    """The exception, or one it was raised from, is a lost database."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, DB_ERRORS) and not isinstance(
            exc, psycopg2.errors.ReadOnlySqlTransaction
        ):
            # a lost connection, a database that cannot be reached, and also
            # a serialisation failure Odoo gave up retrying (5 tries) under
            # load: the transaction was rolled back, retrying later is right
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def install_error_hook():
    """Wrap ``HttpDispatcher.handle_error`` once per process."""
    dispatcher = http.HttpDispatcher
    if getattr(dispatcher.handle_error, "_care_api_guard", False):
        return
    original = dispatcher.handle_error

    def handle_error(self, exc):
        if is_api_path(self.request.httprequest) and is_database_fault(exc):
            _logger.warning(
                "%s: database unavailable (%s), answering 503",
                self.request.httprequest.path,
                type(exc).__name__,
            )
            return unavailable_response()
        return original(self, exc)

    handle_error._care_api_guard = True
    dispatcher.handle_error = handle_error
