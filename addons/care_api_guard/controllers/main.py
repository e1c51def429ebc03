from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule

from odoo import http
from odoo.http import request

from ..hooks import API_PREFIXES, unavailable_response

CATCH_ALLS = [f"{prefix}<path:rest>" for prefix in API_PREFIXES]


class CareApiGuard(http.Controller):
    """``/care/api/<anything>`` and ``/care_sms/<anything>`` while the
    database is not there.

    When Odoo cannot open the database (PostgreSQL restarting, too many
    connections, registry not loadable) it routes the request with the
    "nodb" map: only the ``auth="none"`` routes of the server-wide modules.
    Without this route every API call would then get Odoo's HTML 404 page,
    which a gateway reads as "unknown device" and drops the event. Here it
    gets 503 + ``Retry-After`` (JSON) and retries.

    With the database up, the suite's own routes are more specific and win;
    this rule then only sees paths (or methods) no route of the suite
    serves, and answers 404 (or 405) in JSON, as an API should.
    """

    @http.route(
        CATCH_ALLS,
        type="http",
        auth="none",
        csrf=False,
        save_session=False,
        readonly=True,
    )
    def care_api_unavailable(self, rest=None, **_kw):
        if not request.db:
            return unavailable_response()
        return self._not_served()

    @staticmethod
    def _not_served():
        """404 or 405 (JSON), as werkzeug would have answered without this
        rule, for a path under /care/api/ while the database is up."""
        routing_map = request.env["ir.http"].routing_map()
        api_map = Map(
            [
                Rule(rule.rule, methods=rule.methods, endpoint=rule.rule)
                for rule in routing_map.iter_rules()
                if rule.rule.startswith(API_PREFIXES) and rule.rule not in CATCH_ALLS
            ],
            strict_slashes=False,
        )
        httprequest = request.httprequest
        not_found = request.make_json_response(
            {"error": "not_found", "message": "No such API route."}, status=404
        )
        try:
            api_map.bind("").match(httprequest.path, method=httprequest.method)
        except MethodNotAllowed as exc:
            allowed = ", ".join(sorted(set(exc.valid_methods or ()) - {"OPTIONS"}))
            response = request.make_json_response(
                {"error": "method_not_allowed", "message": f"Allowed: {allowed}."},
                status=405,
            )
            response.headers["Allow"] = allowed
            return response
        except NotFound:
            return not_found
        return not_found
