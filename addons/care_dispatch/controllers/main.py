import json

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

# a call's JSON is a few hundred bytes: anything much larger is refused unread
MAX_BODY = 8 * 1024
FIELDS = ("number", "external_id", "recording_url", "agent")


class CareCallController(http.Controller):
    """The telephone system's door: a call rings, the agent's screen pops.

    ``POST /care/api/v1/calls`` with ``Authorization: Bearer <API key>`` of
    the telephone system's user, a user of the *Telephony integration* group
    (which may only log calls; a person's own key, a dispatcher's included,
    is refused with 403) and a JSON object
    ``{"number": "...", "external_id": "...", "recording_url": "https://...",
    "agent": "<login>"}`` (only ``number`` is required; texts, at most 40, 64,
    2048 and 64 characters). Answers 200 with the call and the elders (id,
    code, name), 400 naming what is wrong, 401 without a valid key, 403 for a
    key outside the group, 411 without a Content-Length, 413 for a body over
    8 KB (neither is read). The same
    ``external_id`` twice, even at the same instant, gives the same call.
    """

    @http.route(
        "/care/api/v1/calls", type="http", auth="bearer", methods=["POST"], csrf=False
    )
    def incoming_call(self):
        httprequest = request.httprequest
        length = httprequest.content_length
        if length is None:
            # no announced size (chunked): not read at all
            return self._answer(411, {"error": "Content-Length is required"})
        if length > MAX_BODY:
            return self._answer(413, {"error": "the body is too large"})
        if not request.env.user.has_group("care_dispatch.group_care_cti"):
            return self._answer(
                403,
                {"error": "only the telephony integration user's key may log calls"},
            )
        # the stream is limited to the announced length, checked above
        data = httprequest.get_data()
        try:
            payload = json.loads(data or b"{}")
        except (ValueError, RecursionError):
            return self._answer(400, {"error": "the body is not JSON"})
        if not isinstance(payload, dict):
            return self._answer(400, {"error": "the body must be a JSON object"})
        for name in FIELDS:
            value = payload.get(name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, str | int)
            ):
                return self._answer(400, {"error": f"{name} must be a text"})
        if not payload.get("number"):
            return self._answer(400, {"error": "number is required"})
        try:
            result = request.env["care.call"].cti_incoming(
                payload["number"],
                external_id=payload.get("external_id"),
                recording_url=payload.get("recording_url"),
                agent=payload.get("agent"),
            )
        except AccessError:
            return self._answer(403, {"error": "this user may not log calls"})
        except UserError as error:
            return self._answer(400, {"error": str(error)})
        return self._answer(200, result)

    def _answer(self, status, body):
        return request.make_json_response(body, status=status)
