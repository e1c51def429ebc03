import json

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request


class CareCallController(http.Controller):
    """The telephone system's door: a call rings, the agent's screen pops.

    ``POST /care/api/v1/calls`` with ``Authorization: Bearer <API key>`` of
    the agent (or of an integration user in the Dispatcher group) and a JSON
    body ``{"number": "...", "external_id": "...", "recording_url": "..."}``.
    Answers 200 with the call and the elder cards, 400 naming what is wrong,
    401 without a valid key, 403 for a user who may not log calls.
    """

    @http.route(
        "/care/api/v1/calls", type="http", auth="bearer", methods=["POST"], csrf=False
    )
    def incoming_call(self):
        try:
            payload = json.loads(request.httprequest.get_data() or b"{}")
        except ValueError:
            return self._answer(400, {"error": "the body is not JSON"})
        if not isinstance(payload, dict) or not payload.get("number"):
            return self._answer(400, {"error": "number is required"})
        try:
            result = request.env["care.call"].cti_incoming(
                str(payload["number"]),
                external_id=payload.get("external_id"),
                recording_url=payload.get("recording_url"),
            )
        except AccessError:
            return self._answer(403, {"error": "this user may not log calls"})
        except UserError as error:
            return self._answer(400, {"error": str(error)})
        return self._answer(200, result)

    def _answer(self, status, body):
        return request.make_json_response(body, status=status)
