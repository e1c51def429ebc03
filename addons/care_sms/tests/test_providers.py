"""The SendSms requests the providers' SDKs build and sign, and how their
answers and errors become a BizId / SerialNo or a temporary or permanent
ProviderError. The network under the SDKs is faked (no request leaves)."""

import json
from urllib.parse import parse_qs, urlsplit

import requests

from odoo.tests import BaseCase

from odoo.addons.care_sms.tools import providers, text

from .common import fake_network

ALIYUN_OK = {"Code": "OK", "BizId": "900619746936498440^0", "Message": "OK"}
TENCENT_OK = {
    "Response": {
        "SendStatusSet": [{"SerialNo": "2640:1", "Code": "Ok", "Message": "ok"}],
        "RequestId": "r1",
    }
}


def aliyun_send():
    return providers.aliyun_send(
        "testid",
        "testsecret",
        "13800138000",
        "颐养关爱",
        "SMS_1",
        {"elder": "张秀英", "alarm": "SOS"},
        out_id="7",
    )


def tencent_send():
    return providers.tencent_send(
        "sid",
        "skey",
        "1400000000",
        "+8613800138000",
        "颐养关爱",
        "1000001",
        ["张秀英", "SOS"],
        session_context="7",
        region="ap-shanghai",
    )


class TestAliyun(BaseCase):
    def assertError(self, code, temporary, **network):
        calls, patcher = fake_network(**network)
        with patcher, self.assertRaises(providers.ProviderError) as caught:
            aliyun_send()
        self.assertEqual(caught.exception.code, code)
        self.assertEqual(caught.exception.temporary, temporary)
        self.assertEqual(len(calls), 1, "the SDK does not retry by itself")
        self.assertNotIn("testsecret", str(caught.exception))
        return caught.exception

    def test_request(self):
        """The SDK's SendSms: action, version, parameters, signed headers;
        the secret itself never travels."""
        calls, patcher = fake_network(ALIYUN_OK)
        with patcher:
            self.assertEqual(aliyun_send(), "900619746936498440^0")
        self.assertEqual(len(calls), 1)
        request = calls[0]
        url = urlsplit(request.url)
        self.assertEqual(request.method, "POST")
        self.assertEqual((url.scheme, url.netloc), ("https", "dysmsapi.aliyuncs.com"))
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        self.assertEqual(query["PhoneNumbers"], "13800138000")
        self.assertEqual(query["SignName"], "颐养关爱")
        self.assertEqual(query["TemplateCode"], "SMS_1")
        self.assertEqual(query["OutId"], "7")
        self.assertEqual(
            json.loads(query["TemplateParam"]), {"elder": "张秀英", "alarm": "SOS"}
        )
        headers = request.headers
        self.assertEqual(headers["x-acs-action"], "SendSms")
        self.assertEqual(headers["x-acs-version"], "2017-05-25")
        self.assertTrue(headers["x-acs-date"])
        self.assertTrue(headers["x-acs-signature-nonce"])
        authorization = headers["Authorization"]
        self.assertTrue(
            authorization.startswith("ACS3-HMAC-SHA256 Credential=testid,"),
            authorization,
        )
        self.assertIn("x-acs-action", authorization.split("SignedHeaders=")[1])
        self.assertRegex(authorization, r"Signature=[0-9a-f]{64}$")
        self.assertNotIn("testsecret", request.url + json.dumps(dict(headers)))

    def test_refused_in_answer(self):
        """Code other than OK in a 200 answer: a bad number is permanent,
        flow control temporary; the provider's message is the reason."""
        error = self.assertError(
            "isv.MOBILE_NUMBER_ILLEGAL",
            False,
            answer={"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号"},
        )
        self.assertEqual(str(error), "isv.MOBILE_NUMBER_ILLEGAL: 非法手机号")
        self.assertError(
            "isv.BUSINESS_LIMIT_CONTROL",
            True,
            answer={"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发流控"},
        )

    def test_http_errors(self):
        """The SDK's exceptions: a 4xx refusal is permanent (throttling
        excepted), a 5xx or no answer at all is temporary."""
        error = self.assertError(
            "InvalidAccessKeyId.NotFound",
            False,
            status=404,
            answer={"Code": "InvalidAccessKeyId.NotFound", "Message": "not found"},
        )
        self.assertEqual(error.message, "not found")
        self.assertError(
            "Throttling.User",
            True,
            status=400,
            answer={"Code": "Throttling.User", "Message": "slow down"},
        )
        self.assertError(
            "ServiceUnavailable",
            True,
            status=503,
            answer={"Code": "ServiceUnavailable", "Message": "busy"},
        )
        self.assertError(
            "network", True, error=requests.ConnectionError("connection refused")
        )
        self.assertError("network", True, error=requests.Timeout("read timeout"))


class TestTencent(BaseCase):
    def assertError(self, code, temporary, **network):
        calls, patcher = fake_network(**network)
        with patcher, self.assertRaises(providers.ProviderError) as caught:
            tencent_send()
        self.assertEqual(caught.exception.code, code)
        self.assertEqual(caught.exception.temporary, temporary)
        self.assertEqual(len(calls), 1, "the SDK does not retry by itself")
        self.assertNotIn("skey", str(caught.exception))
        return caught.exception

    def test_request(self):
        """The SDK's SendSms: action, version, region, the JSON body with
        +86 numbers and the values in order, the TC3 signature."""
        calls, patcher = fake_network(TENCENT_OK)
        with patcher:
            self.assertEqual(tencent_send(), "2640:1")
        self.assertEqual(len(calls), 1)
        request = calls[0]
        self.assertEqual(request.method, "POST")
        self.assertEqual(request.url, "https://sms.tencentcloudapi.com/")
        headers = request.headers
        self.assertEqual(headers["X-TC-Action"], "SendSms")
        self.assertEqual(headers["X-TC-Version"], "2021-01-11")
        self.assertEqual(headers["X-TC-Region"], "ap-shanghai")
        self.assertTrue(headers["X-TC-Timestamp"].isdigit())
        body = json.loads(request.body)
        self.assertEqual(body["PhoneNumberSet"], ["+8613800138000"])
        self.assertEqual(body["SmsSdkAppId"], "1400000000")
        self.assertEqual(body["SignName"], "颐养关爱")
        self.assertEqual(body["TemplateId"], "1000001")
        self.assertEqual(body["TemplateParamSet"], ["张秀英", "SOS"])
        self.assertEqual(body["SessionContext"], "7")
        authorization = headers["Authorization"]
        self.assertRegex(
            authorization,
            r"^TC3-HMAC-SHA256 Credential=sid/\d{4}-\d{2}-\d{2}/sms/tc3_request, "
            r"SignedHeaders=content-type;host, Signature=[0-9a-f]{64}$",
        )
        self.assertNotIn("skey", json.dumps(dict(headers)) + str(request.body))

    def test_refused_per_number(self):
        """One status per number: a daily limit is temporary, a wrong number
        permanent; the provider's message is the reason."""
        error = self.assertError(
            "InvalidParameterValue.IncorrectPhoneNumber",
            False,
            answer={
                "Response": {
                    "SendStatusSet": [
                        {
                            "Code": "InvalidParameterValue.IncorrectPhoneNumber",
                            "Message": "手机号格式错误",
                        }
                    ],
                    "RequestId": "r2",
                }
            },
        )
        self.assertEqual(error.message, "手机号格式错误")
        self.assertError(
            "LimitExceeded.PhoneNumberDailyLimit",
            True,
            answer={
                "Response": {
                    "SendStatusSet": [
                        {"Code": "LimitExceeded.PhoneNumberDailyLimit", "Message": "x"}
                    ],
                    "RequestId": "r3",
                }
            },
        )

    def test_sdk_errors(self):
        """The SDK's TencentCloudSDKException: a wrong signature is
        permanent, the request limit, a 5xx or no answer temporary."""
        self.assertError(
            "AuthFailure.SignatureFailure",
            False,
            answer={
                "Response": {
                    "Error": {"Code": "AuthFailure.SignatureFailure", "Message": "x"},
                    "RequestId": "r4",
                }
            },
        )
        self.assertError(
            "RequestLimitExceeded",
            True,
            answer={
                "Response": {
                    "Error": {"Code": "RequestLimitExceeded", "Message": "x"},
                    "RequestId": "r5",
                }
            },
        )
        self.assertError("network", True, status=502, answer={"x": 1})
        self.assertError(
            "network", True, error=requests.ConnectionError("connection refused")
        )


class TestSegments(BaseCase):
    def test_segments(self):
        self.assertEqual(text.segments("字" * 70), 1)
        self.assertEqual(text.segments("字" * 71), 2)
        self.assertEqual(text.segments("字" * 134), 2)
        self.assertEqual(text.segments("字" * 135), 3)
        self.assertEqual(text.full_text("颐养", "你好"), "【颐养】你好")
