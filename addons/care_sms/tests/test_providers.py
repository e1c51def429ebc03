"""The providers' signatures against their documented examples (docs/sms.md),
and the SendSms requests built from them."""

import json

from odoo.tests import BaseCase

from odoo.addons.care_sms.tools import providers, text


class TestAliyunSignature(BaseCase):
    def test_documented_example(self):
        """Alibaba Cloud's RPC signature example (testid / testsecret,
        DescribeRegions): the documented string to sign and signature."""
        params = {
            "TimeStamp": "2016-02-23T12:46:24Z",
            "Format": "XML",
            "AccessKeyId": "testid",
            "Action": "DescribeRegions",
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
            "Version": "2014-05-26",
            "SignatureVersion": "1.0",
        }
        self.assertEqual(
            providers.aliyun_string_to_sign(params, "GET"),
            "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML"
            "%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-"
            "4e0ad82fd6cf%26SignatureVersion%3D1.0%26TimeStamp%3D2016-02-23T12%253A46%25"
            "3A24Z%26Version%3D2014-05-26",
        )
        self.assertEqual(
            providers.aliyun_signature(params, "testsecret", "GET"),
            "CT9X0VtwR86fNWSnsc6v8YGOjuE=",
        )
        # a wrong secret gives another signature
        self.assertNotEqual(
            providers.aliyun_signature(params, "testsecreT", "GET"),
            "CT9X0VtwR86fNWSnsc6v8YGOjuE=",
        )

    def test_percent_encoding(self):
        """RFC 3986: space %20 (not +), * %2A, ~ kept, UTF-8 for Chinese."""
        self.assertEqual(providers.aliyun_encode("a b*c~d"), "a%20b%2Ac~d")
        self.assertEqual(providers.aliyun_encode("阿"), "%E9%98%BF")
        self.assertEqual(providers.aliyun_encode("a+b/c="), "a%2Bb%2Fc%3D")

    def test_send_request(self):
        url, form = providers.aliyun_send_request(
            "testid",
            "testsecret",
            "13800138000",
            "颐养关爱",
            "SMS_1",
            {"elder": "张秀英"},
            out_id="7",
            nonce="n1",
            timestamp="2026-12-01T00:00:00Z",
        )
        self.assertEqual(url, "https://dysmsapi.aliyuncs.com/")
        self.assertEqual(form["Action"], "SendSms")
        self.assertEqual(form["Version"], "2017-05-25")
        self.assertEqual(form["PhoneNumbers"], "13800138000")
        self.assertEqual(json.loads(form["TemplateParam"]), {"elder": "张秀英"})
        self.assertEqual(
            form["Signature"], providers.aliyun_signature(form, "testsecret", "POST")
        )

    def test_parse(self):
        self.assertEqual(providers.aliyun_parse({"Code": "OK", "BizId": "B1"}), "B1")
        with self.assertRaises(providers.ProviderError) as caught:
            providers.aliyun_parse(
                {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "x"}
            )
        self.assertTrue(caught.exception.temporary)
        with self.assertRaises(providers.ProviderError) as caught:
            providers.aliyun_parse(
                {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "x"}
            )
        self.assertFalse(caught.exception.temporary)


class TestTencentSignature(BaseCase):
    def test_documented_example(self):
        """Tencent Cloud's TC3-HMAC-SHA256 example (CVM DescribeInstances,
        timestamp 1551113065): the documented Authorization header."""
        payload = (
            '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], '
            '"Name": "instance-name"}]}'
        )
        self.assertEqual(
            providers.tencent_authorization(
                "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
                "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
                "cvm",
                "cvm.tencentcloudapi.com",
                1551113065,
                payload,
            ),
            "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/"
            "2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, "
            "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168",
        )

    def test_send_request(self):
        url, headers, body = providers.tencent_send_request(
            "sid",
            "skey",
            "1400000000",
            "+8613800138000",
            "颐养关爱",
            "1000001",
            ["张秀英", "SOS"],
            session_context="7",
            timestamp=1764547200,
        )
        self.assertEqual(url, "https://sms.tencentcloudapi.com/")
        self.assertEqual(headers["X-TC-Action"], "SendSms")
        self.assertEqual(headers["X-TC-Version"], "2021-01-11")
        data = json.loads(body)
        self.assertEqual(data["PhoneNumberSet"], ["+8613800138000"])
        self.assertEqual(data["TemplateParamSet"], ["张秀英", "SOS"])
        self.assertEqual(
            headers["Authorization"],
            providers.tencent_authorization(
                "sid", "skey", "sms", "sms.tencentcloudapi.com", 1764547200, body
            ),
        )

    def test_parse(self):
        ok = {"Response": {"SendStatusSet": [{"SerialNo": "S1", "Code": "Ok"}]}}
        self.assertEqual(providers.tencent_parse(ok), "S1")
        limit = {
            "Response": {
                "SendStatusSet": [{"Code": "LimitExceeded.PhoneNumberDailyLimit"}]
            }
        }
        with self.assertRaises(providers.ProviderError) as caught:
            providers.tencent_parse(limit)
        self.assertTrue(caught.exception.temporary)
        bad = {
            "Response": {
                "Error": {"Code": "AuthFailure.SignatureFailure", "Message": "x"}
            }
        }
        with self.assertRaises(providers.ProviderError) as caught:
            providers.tencent_parse(bad)
        self.assertFalse(caught.exception.temporary)


class TestSegments(BaseCase):
    def test_segments(self):
        self.assertEqual(text.segments("字" * 70), 1)
        self.assertEqual(text.segments("字" * 71), 2)
        self.assertEqual(text.segments("字" * 134), 2)
        self.assertEqual(text.segments("字" * 135), 3)
        self.assertEqual(text.full_text("颐养", "你好"), "【颐养】你好")
