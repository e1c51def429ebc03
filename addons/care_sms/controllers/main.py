"""Delivery receipts and inbound texts posted by the SMS provider.

Every request must carry the callback secret of the settings: either a
signature ``X-Care-Signature`` = hex HMAC-SHA256(secret, timestamp + "\\n" +
body) with ``X-Care-Timestamp`` (Unix seconds, 5 minutes of tolerance), or,
for a provider that cannot sign its pushes, ``?token=<secret>``. Anything else
is answered 403 and changes nothing. A receipt received twice is applied once.
"""

import hashlib
import hmac
import json
import logging
import time

from odoo import SUPERUSER_ID, http
from odoo.http import request

from odoo.addons.sms.controllers.main import SmsController

_logger = logging.getLogger(__name__)

TOLERANCE = 300  # seconds
MAX_BODY = 1024 * 1024
STOP_WORDS = {"STOP", "TD", "T", "N", "UNSUBSCRIBE", "退订", "退订短信", "取消"}
PROVIDERS = ("test", "aliyun", "tencent")


def _key(provider, *parts):
    raw = "\x1f".join([provider, *(str(part) for part in parts)])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def parse_receipts(provider, data):
    """[(provider ref, delivered, reason, key)] of a receipt push."""
    items = data if isinstance(data, list) else [data]
    receipts = []
    for item in items:
        if not isinstance(item, dict):
            raise ValueError("receipt")
        if provider == "aliyun":
            ref = item.get("biz_id")
            delivered = item.get("success") in (True, "true")
            reason = f"{item.get('err_code') or ''} {item.get('err_msg') or ''}".strip()
            stamp = item.get("report_time")
        elif provider == "tencent":
            ref = item.get("sid")
            delivered = item.get("report_status") == "SUCCESS"
            reason = (
                f"{item.get('errmsg') or ''} {item.get('description') or ''}".strip()
            )
            stamp = item.get("user_receive_time")
        else:
            ref = item.get("ref")
            delivered = item.get("status") == "delivered"
            reason = item.get("reason") or ""
            stamp = item.get("time")
        if not ref:
            raise ValueError("receipt")
        receipts.append(
            (str(ref), delivered, reason, _key(provider, ref, delivered, reason, stamp))
        )
    return receipts


def parse_inbound(provider, data):
    """[(number, text)] of an inbound push."""
    items = data if isinstance(data, list) else [data]
    texts = []
    for item in items:
        if not isinstance(item, dict):
            raise ValueError("inbound")
        if provider == "aliyun":
            number, text = item.get("phone_number"), item.get("content")
        elif provider == "tencent":
            number = item.get("mobile")
            if number and item.get("nationcode"):
                number = f"+{item['nationcode']}{number}"
            text = item.get("text")
        else:
            number, text = item.get("number"), item.get("text")
        texts.append((str(number or ""), str(text or "")))
    return texts


class CareSmsController(http.Controller):
    def _authentic(self, body):
        secret = request.env(user=SUPERUSER_ID, su=True)[
            "ir.config_parameter"
        ].get_param("care_sms.callback_secret")
        if not secret:
            return False
        token = request.httprequest.args.get("token")
        if token:
            return hmac.compare_digest(token.encode(), secret.encode())
        signature = request.httprequest.headers.get("X-Care-Signature", "")
        stamp = request.httprequest.headers.get("X-Care-Timestamp", "")
        try:
            if abs(time.time() - int(stamp)) > TOLERANCE:
                return False
        except ValueError:
            return False
        expected = hmac.new(
            secret.encode(), stamp.encode() + b"\n" + body, hashlib.sha256
        ).hexdigest()
        return hmac.compare_digest(signature.encode(), expected.encode())

    def _read(self, provider):
        """The JSON body of an authentic push, or an error response."""
        if provider not in PROVIDERS:
            return None, request.make_json_response(
                {"error": "unknown provider"}, status=404
            )
        length = request.httprequest.content_length
        if length is not None and length > MAX_BODY:
            return None, request.make_json_response({"error": "too large"}, status=413)
        body = request.httprequest.get_data()
        if not self._authentic(body):
            return None, request.make_json_response({"error": "forbidden"}, status=403)
        try:
            return json.loads(body), None
        except ValueError:
            return None, request.make_json_response({"error": "not JSON"}, status=400)

    @http.route(
        "/care_sms/receipt/<string:provider>",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def receipt(self, provider, **kwargs):
        data, error = self._read(provider)
        if error:
            return error
        try:
            receipts = parse_receipts(provider, data)
        except ValueError:
            return request.make_json_response({"error": "bad receipt"}, status=400)
        applied = request.env(user=SUPERUSER_ID, su=True)[
            "care.sms.message"
        ]._care_apply_receipts(provider, receipts)
        return request.make_json_response(
            {"code": 0, "result": 0, "msg": "OK", "applied": applied}
        )

    @http.route(
        "/care_sms/inbound/<string:provider>",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def inbound(self, provider, **kwargs):
        data, error = self._read(provider)
        if error:
            return error
        try:
            texts = parse_inbound(provider, data)
        except ValueError:
            return request.make_json_response({"error": "bad message"}, status=400)
        env = request.env(user=SUPERUSER_ID, su=True)
        Elder = env["care.elder"]
        stops = [
            number
            for number in (
                Elder._sanitize_number(number)
                for number, text in texts
                if text.strip().upper() in STOP_WORDS
            )
            if number
        ]
        if stops:
            env["phone.blacklist"]._add(
                stops, message=env._("Opted out by a text (STOP / 退订).")
            )
        return request.make_json_response(
            {"code": 0, "result": 0, "msg": "OK", "optouts": len(stops)}
        )


class CareSmsIapStatus(SmsController):
    """Odoo IAP's delivery reports also update the suite's SMS log.

    The route and its trust are Odoo's own (public, the 32-hex uuids of the
    texts being the secret); the suite only reads the outcome after Odoo's
    checks passed."""

    @http.route()
    def update_sms_status(self, message_statuses):
        answer = super().update_sms_status(message_statuses)
        success = request.env["sms.sms"].IAP_TO_SMS_STATE_SUCCESS
        receipts = []
        for status in message_statuses:
            iap_status = status["sms_status"]
            if success.get(iap_status) in ("process", "pending"):
                continue  # not final: accepted, on its way
            delivered = success.get(iap_status) == "sent"
            for uuid in status["uuids"]:
                receipts.append(
                    (
                        uuid,
                        delivered,
                        False if delivered else iap_status,
                        _key("iap", uuid, iap_status),
                    )
                )
        if receipts:
            request.env["care.sms.message"].with_user(
                SUPERUSER_ID
            )._care_apply_receipts("iap", receipts)
        return answer
