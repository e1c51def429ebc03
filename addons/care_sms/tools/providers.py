"""Sending through the Chinese SMS providers' official SDKs, and their errors.

No Odoo here: the models call :func:`aliyun_send` / :func:`tencent_send` with
the settings. The SDKs build, sign and post the requests themselves; the tests
answer for the network under them (``requests.Session.send``).

- Alibaba Cloud SMS: ``alibabacloud-dysmsapi20170525`` (API 2017-05-25,
  ``SendSms``, signed by the SDK with ACS3-HMAC-SHA256).
- Tencent Cloud SMS: ``tencentcloud-sdk-python-sms`` (API 2021-01-11,
  ``SendSms``, signed by the SDK with TC3-HMAC-SHA256).

Every refusal or failure becomes a :class:`ProviderError` that says whether
trying again later may work. The credentials are only handed to the SDK
clients; nothing here logs them or puts them in an error.
"""

import json

from alibabacloud_dysmsapi20170525 import models as aliyun_models
from alibabacloud_dysmsapi20170525.client import Client as AliyunClient
from alibabacloud_tea_openapi import models as aliyun_openapi
from alibabacloud_tea_openapi.exceptions import (
    AlibabaCloudException,
    ServerException,
    ThrottlingException,
)
from darabonba.runtime import RuntimeOptions
from Tea.exceptions import TeaException
from tencentcloud.common.credential import Credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
    TencentCloudSDKException,
)
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models as tencent_models
from tencentcloud.sms.v20210111.sms_client import SmsClient

ALIYUN_ENDPOINT = "dysmsapi.aliyuncs.com"
TENCENT_ENDPOINT = "sms.tencentcloudapi.com"
TIMEOUT = 10  # seconds
NETWORK_REASON = "the provider could not be reached or answered with an error"


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
# Alibaba Cloud
# ---------------------------------------------------------------------------
# Alibaba's error codes worth trying again later (flow control, their side)
ALIYUN_TEMPORARY = (
    "isv.BUSINESS_LIMIT_CONTROL",
    "isp.",
    "Throttling",
    "ServiceUnavailable",
)


def aliyun_error(code, message):
    code = code or "unknown"
    return ProviderError(
        code, message or code, temporary=code.startswith(ALIYUN_TEMPORARY)
    )


def aliyun_send(
    access_key_id,
    secret,
    phone,
    sign_name,
    template_code,
    template_params,
    out_id,
):
    """Send one text with the SDK's ``SendSms``; the BizId of the accepted
    message, or ProviderError. ``phone`` without ``+86`` (the API takes
    mainland numbers as 11 digits), ``template_params`` a dict."""
    client = AliyunClient(
        aliyun_openapi.Config(
            access_key_id=access_key_id,
            access_key_secret=secret,
            endpoint=ALIYUN_ENDPOINT,
        )
    )
    request = aliyun_models.SendSmsRequest(
        phone_numbers=phone,
        sign_name=sign_name,
        template_code=template_code,
        template_param=json.dumps(template_params, ensure_ascii=False),
        out_id=out_id,
    )
    runtime = RuntimeOptions(
        autoretry=False,
        connect_timeout=TIMEOUT * 1000,
        read_timeout=TIMEOUT * 1000,
    )
    try:
        response = client.send_sms_with_options(request, runtime)
    except (ServerException, ThrottlingException) as exc:
        raise ProviderError(
            exc.code or f"http_{exc.status_code}",
            (exc.data or {}).get("Message") or NETWORK_REASON,
            temporary=True,
        ) from None
    except AlibabaCloudException as exc:  # a 4xx answer: refused
        raise aliyun_error(exc.code, (exc.data or {}).get("Message")) from None
    except TeaException:  # no answer (network, timeout)
        raise ProviderError("network", NETWORK_REASON, temporary=True) from None
    return aliyun_parse(response.body)


def aliyun_parse(body):
    """The BizId of an accepted message (SendSmsResponseBody), or
    ProviderError."""
    if body is None:
        raise ProviderError("empty", NETWORK_REASON, temporary=True)
    if body.code == "OK":
        return body.biz_id
    raise aliyun_error(body.code, body.message)


# ---------------------------------------------------------------------------
# Tencent Cloud
# ---------------------------------------------------------------------------
TENCENT_TEMPORARY = ("LimitExceeded", "InternalError", "RequestLimitExceeded")
# the SDK's own codes when the request did not get a usable answer
TENCENT_NETWORK = ("ClientNetworkError", "ServerNetworkError", "JSONDecodeError")


def tencent_error(code, message):
    code = code or "unknown"
    return ProviderError(
        code, message or code, temporary=code.startswith(TENCENT_TEMPORARY)
    )


def tencent_send(
    secret_id,
    secret_key,
    sdk_app_id,
    phone,
    sign_name,
    template_id,
    template_values,
    session_context,
    region="ap-guangzhou",
):
    """Send one text with the SDK's ``SendSms``; the SerialNo of the accepted
    message, or ProviderError. ``phone`` in E.164 (+86...) and
    ``template_values`` the parameters in the template's order."""
    client = SmsClient(
        Credential(secret_id, secret_key),
        region,
        ClientProfile(
            httpProfile=HttpProfile(endpoint=TENCENT_ENDPOINT, reqTimeout=TIMEOUT)
        ),
    )
    request = tencent_models.SendSmsRequest()
    request.SmsSdkAppId = sdk_app_id
    request.SignName = sign_name
    request.TemplateId = template_id
    request.TemplateParamSet = [str(value) for value in template_values]
    request.PhoneNumberSet = [phone]
    request.SessionContext = session_context
    try:
        response = client.SendSms(request)
    except TencentCloudSDKException as exc:
        if exc.code in TENCENT_NETWORK:
            raise ProviderError("network", NETWORK_REASON, temporary=True) from None
        raise tencent_error(exc.code, exc.message) from None
    return tencent_parse(response)


def tencent_parse(response):
    """The SerialNo of an accepted message (SendSmsResponse: one status per
    number, one number here), or ProviderError."""
    statuses = response.SendStatusSet or []
    if not statuses:
        raise ProviderError("empty", NETWORK_REASON, temporary=True)
    status = statuses[0]
    if status.Code == "Ok":
        return status.SerialNo
    raise tencent_error(status.Code, status.Message)
