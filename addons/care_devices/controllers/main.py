import json

from odoo import SUPERUSER_ID, http
from odoo.http import request

from ..models.care_device_event import MAX_BATCH

MAX_BODY = 2 * 1024 * 1024


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
      not JSON or not an object or list.
    """

    @http.route(
        "/care/api/v1/events",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def post_events(self, **_kw):
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
        # cached: when a concurrent update makes Odoo retry the request
        # (serialisation failure), the retry must read the same body again
        raw = request.httprequest.get_data()
        if len(raw) > MAX_BODY:
            return self._json(
                413, {"error": "too_large", "message": "The body is over 2 MB."}
            )
        try:
            data = json.loads(raw or b"null")
        except (ValueError, UnicodeDecodeError):
            return self._json(
                400,
                {
                    "error": "invalid_json",
                    "field": "body",
                    "message": "The body is not valid JSON.",
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
    def _json(status, body):
        return request.make_json_response(body, status=status)
