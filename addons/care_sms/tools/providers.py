"""Request building, signing and answer parsing of the Chinese SMS providers.

Pure Python (hmac / hashlib), no network and no Odoo: the models call
:func:`http_post` to send what these functions build, and the tests check the
signatures against the providers' documented examples (docs/sms.md).

- Alibaba Cloud SMS (dysmsapi 2017-05-25, ``SendSms``): RPC style, signature
  method HMAC-SHA1 version 1.0.
- Tencent Cloud SMS (sms 2021-01-11, ``SendSms``): TC3-HMAC-SHA256.
"""

import base64
import hashlib
import hmac
import json
import time
import uuid
from datetime import UTC, datetime
from urllib.parse import quote

import requests

ALIYUN_ENDPOINT = "dysmsapi.aliyuncs.com"
ALIYUN_VERSION = "2017-05-25"
TENCENT_ENDPOINT = "sms.tencentcloudapi.com"
TENCENT_VERSION = "2021-01-11"
TIMEOUT = 10  # seconds


class ProviderError(Exception):
    """A provider refused or could not take a message.

    ``temporary`` tells whether trying again later may work (throttling, a
    server or network error) or not (a bad number, an unapproved template).
    """

    def __init__(self, code, message, temporary):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.temporary = temporary


# ---------------------------------------------------------------------------
# Alibaba Cloud: RPC signature (HMAC-SHA1)
# ---------------------------------------------------------------------------
def aliyun_encode(value):
    """Alibaba's percent-encoding: RFC 3986, UTF-8, only A-Z a-z 0-9 - _ . ~
    left as they are (a space is %20, ``*`` is %2A, ``~`` stays)."""
    return quote(str(value).encode("utf-8"), safe="-_.~")


def aliyun_string_to_sign(params, method="POST"):
    canonical = "&".join(
        f"{aliyun_encode(key)}={aliyun_encode(value)}"
        for key, value in sorted(params.items())
    )
    return f"{method}&{aliyun_encode('/')}&{aliyun_encode(canonical)}"


def aliyun_signature(params, secret, method="POST"):
    """Base64(HMAC-SHA1(secret + "&", StringToSign)) of every parameter but
    ``Signature``."""
    params = {k: v for k, v in params.items() if k != "Signature"}
    digest = hmac.new(
        f"{secret}&".encode(),
        aliyun_string_to_sign(params, method).encode(),
        hashlib.sha1,
    ).digest()
    return base64.b64encode(digest).decode()


def aliyun_send_request(
    access_key_id,
    secret,
    phone,
    sign_name,
    template_code,
    template_params,
    out_id,
    nonce=None,
    timestamp=None,
):
    """(url, form body) of a signed SendSms POST. ``phone`` without ``+86``
    (the API takes mainland numbers as 11 digits)."""
    params = {
        "AccessKeyId": access_key_id,
        "Action": "SendSms",
        "Format": "JSON",
        "OutId": out_id,
        "PhoneNumbers": phone,
        "RegionId": "cn-hangzhou",
        "SignName": sign_name,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": nonce or uuid.uuid4().hex,
        "SignatureVersion": "1.0",
        "TemplateCode": template_code,
        "TemplateParam": json.dumps(template_params, ensure_ascii=False),
        "Timestamp": timestamp or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Version": ALIYUN_VERSION,
    }
    params["Signature"] = aliyun_signature(params, secret, "POST")
    return f"https://{ALIYUN_ENDPOINT}/", params


# Alibaba's error codes worth trying again later (flow control, their side)
ALIYUN_TEMPORARY = (
    "isv.BUSINESS_LIMIT_CONTROL",
    "isp.",
    "Throttling",
    "ServiceUnavailable",
)


def aliyun_parse(answer):
    """The BizId of an accepted message, or ProviderError."""
    code = answer.get("Code") or "unknown"
    if code == "OK":
        return answer.get("BizId")
    raise ProviderError(
        code,
        answer.get("Message") or code,
        temporary=code.startswith(ALIYUN_TEMPORARY),
    )


# ---------------------------------------------------------------------------
# Tencent Cloud: TC3-HMAC-SHA256
# ---------------------------------------------------------------------------
def _hmac256(key, msg):
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def tencent_authorization(
    secret_id, secret_key, service, host, timestamp, payload, content_type=None
):
    """The ``Authorization`` header of a POST of JSON ``payload`` (a str)."""
    content_type = content_type or "application/json; charset=utf-8"
    date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    canonical_request = "\n".join(
        [
            "POST",
            "/",
            "",
            f"content-type:{content_type}\nhost:{host}\n",
            "content-type;host",
            hashlib.sha256(payload.encode("utf-8")).hexdigest(),
        ]
    )
    scope = f"{date}/{service}/tc3_request"
    string_to_sign = "\n".join(
        [
            "TC3-HMAC-SHA256",
            str(timestamp),
            scope,
            hashlib.sha256(canonical_request.encode("utf-8")).hexdigest(),
        ]
    )
    key = _hmac256(f"TC3{secret_key}".encode(), date)
    key = _hmac256(key, service)
    key = _hmac256(key, "tc3_request")
    signature = hmac.new(
        key, string_to_sign.encode("utf-8"), hashlib.sha256
    ).hexdigest()
    return (
        f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, "
        f"SignedHeaders=content-type;host, Signature={signature}"
    )


def tencent_send_request(
    secret_id,
    secret_key,
    sdk_app_id,
    phone,
    sign_name,
    template_id,
    template_values,
    session_context,
    region="ap-guangzhou",
    timestamp=None,
):
    """(url, headers, JSON body) of a signed SendSms POST; ``phone`` in E.164
    (+86...) and ``template_values`` the parameters in the template's order."""
    timestamp = int(timestamp or time.time())
    payload = json.dumps(
        {
            "PhoneNumberSet": [phone],
            "SmsSdkAppId": sdk_app_id,
            "SignName": sign_name,
            "TemplateId": template_id,
            "TemplateParamSet": [str(value) for value in template_values],
            "SessionContext": session_context,
        },
        ensure_ascii=False,
    )
    headers = {
        "Authorization": tencent_authorization(
            secret_id, secret_key, "sms", TENCENT_ENDPOINT, timestamp, payload
        ),
        "Content-Type": "application/json; charset=utf-8",
        "Host": TENCENT_ENDPOINT,
        "X-TC-Action": "SendSms",
        "X-TC-Timestamp": str(timestamp),
        "X-TC-Version": TENCENT_VERSION,
        "X-TC-Region": region,
    }
    return f"https://{TENCENT_ENDPOINT}/", headers, payload


TENCENT_TEMPORARY = ("LimitExceeded", "InternalError", "RequestLimitExceeded")


def tencent_parse(answer):
    """The SerialNo of an accepted message, or ProviderError."""
    response = answer.get("Response") or {}
    error = response.get("Error")
    if error:
        code = error.get("Code") or "unknown"
        raise ProviderError(
            code, error.get("Message") or code, code.startswith(TENCENT_TEMPORARY)
        )
    status = (response.get("SendStatusSet") or [{}])[0]
    code = status.get("Code") or "unknown"
    if code == "Ok":
        return status.get("SerialNo")
    raise ProviderError(
        code, status.get("Message") or code, code.startswith(TENCENT_TEMPORARY)
    )


# ---------------------------------------------------------------------------
# Transport
# ---------------------------------------------------------------------------
def http_post(url, data=None, headers=None, body=None):
    """POST and return the JSON answer; a network error or a 5xx is a
    temporary ProviderError (the message stays failed, and is retried)."""
    try:
        response = requests.post(
            url,
            data=body.encode("utf-8") if body is not None else data,
            headers=headers,
            timeout=TIMEOUT,
        )
    except requests.RequestException as exc:
        raise ProviderError("network", type(exc).__name__, temporary=True) from None
    if response.status_code >= 500:
        raise ProviderError(
            f"http_{response.status_code}", response.reason, temporary=True
        )
    try:
        return response.json()
    except ValueError:
        raise ProviderError(
            f"http_{response.status_code}", "not JSON", temporary=True
        ) from None
