import json

from odoo import SUPERUSER_ID, http
from odoo.http import request

from ..models.care_device_event import MAX_BATCH

MAX_BODY = 2 * 1024 * 1024
# a device event is an object of objects: anything deeper is refused (400)
MAX_DEPTH = 8


def too_deep(data, limit=MAX_DEPTH):
    """True when JSON data nests containers deeper than ``limit`` (iterative:
    no recursion on hostile input)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class CareDeviceApi(http.Controller):
    """Device event intake: ``POST /care/api/v1/events``.

    Authentication: the header ``X-Care-Api-Key: <key>`` (or
    ``Authorization: Bearer <key>``). Body: one event object or a list of at
    most 500. Answers (JSON):

    - one event: 202 ``{"status", "event_id", "ticket"}`` when it opened or
      joined a ticket, 200 when accepted without one (heartbeats:
      ``{"status": "ok"}``), 400 ``{"error", "field", "message"}``, 401 for a
      missing or wrong key, 403 for a revoked key or a device the key may
      not post for, 404 for an unknown device, 409 for a replay of an
      ``event_uid`` already received (with its event and ticket);
    - a batch: 200 (202 if any event has a ticket) with ``{"results": [...]}``,
      one answer per event with its own ``status_code``; 400 if the body is
      not JSON, nested too deeply or not an object or list; 413 for a body
      over 2 MB (refused on its Content-Length, before anything is read).
    """

    @http.route(
        "/care/api/v1/events",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        # auth="none" routes default to a read-only cursor (a replica when
        # one is configured): this one writes
        readonly=False,
    )
    def post_events(self, **_kw):
        length = request.httprequest.content_length
        if length is not None and length > MAX_BODY:
            return self._too_large()
        headers = request.httprequest.headers
        presented = headers.get("X-Care-Api-Key")
        if not presented:
            auth = headers.get("Authorization", "")
            if auth.lower().startswith("bearer "):
                presented = auth[7:]
        if not presented:
            return self._json(
                401, {"error": "unauthorized", "message": "An API key is required."}
            )
        env = request.env(user=SUPERUSER_ID, su=True)
        key, refused = env["care.device.api.key"]._authenticate(presented)
        if refused == 401:
            return self._json(
                401, {"error": "unauthorized", "message": "The API key is not valid."}
            )
        if refused == 403:
            return self._json(
                403, {"error": "forbidden", "message": "The API key has been revoked."}
            )
        raw = self._read_body()
        if raw is None:
            return self._too_large()
        try:
            data = json.loads(raw or b"null")
            message = None if not too_deep(data) else "nested too deeply"
        except (ValueError, UnicodeDecodeError):
            message = "not valid JSON"
        except RecursionError:  # json gives up on deep nesting this way
            message = "nested too deeply"
        if message:
            return self._json(
                400,
                {
                    "error": "invalid_json",
                    "field": "body",
                    "message": f"The body is {message}.",
                },
            )
        company = key.company_id
        Event = (
            env["care.device.event"]
            .with_company(company)
            .with_context(allowed_company_ids=[company.id])
        )
        if isinstance(data, list):
            if not data or len(data) > MAX_BATCH:
                return self._json(
                    400,
                    {
                        "error": "invalid",
                        "field": "body",
                        "message": f"A batch holds 1 to {MAX_BATCH} events.",
                    },
                )
            results = []
            for index, item in enumerate(data):
                status, body = Event._ingest(key, item)
                results.append(dict(body, index=index, status_code=status))
            any_ticket = any(r.get("ticket") for r in results)
            return self._json(202 if any_ticket else 200, {"results": results})
        if not isinstance(data, dict):
            return self._json(
                400,
                {
                    "error": "invalid",
                    "field": "body",
                    "message": "Post an event object or a list of them.",
                },
            )
        status, body = Event._ingest(key, data)
        return self._json(status, body)

    @staticmethod
    def _read_body():
        """The body, at most ``MAX_BODY`` bytes read; None when it is larger.

        Cached on the request: when a concurrent update makes Odoo retry the
        request (serialisation failure), the retry reads the same body again.
        A chunked body (no Content-Length) is read up to the limit only.
        """
        wrapped = request.httprequest._HTTPRequest__wrapped
        raw = getattr(wrapped, "_cached_data", None)
        if raw is None:
            raw = wrapped.stream.read(MAX_BODY + 1)
            wrapped._cached_data = raw
        return raw if len(raw) <= MAX_BODY else None

    @classmethod
    def _too_large(cls):
        return cls._json(
            413, {"error": "too_large", "message": "The body is over 2 MB."}
        )

    @staticmethod
    def _json(status, body):
        return request.make_json_response(body, status=status)
