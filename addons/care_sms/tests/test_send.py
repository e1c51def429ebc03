import json
from datetime import datetime, timedelta
from unittest.mock import patch
from urllib.parse import parse_qs, urlsplit

import requests
from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError

from .common import ALARM_PARAMS, MOBILE_E164, ORDER_PARAMS, SmsCase, fake_network

T0 = datetime(2026, 12, 1, 2, 0)  # 10:00 in Shanghai


class TestTemplates(SmsCase):
    def test_fill(self):
        message = self.queue(partner=self.partner)
        self.assertEqual(message.number, MOBILE_E164)
        self.assertEqual(
            message.body, "【颐养关爱】张秀英的助浴服务已确认，时间明天9点。"
        )
        self.assertEqual(message.segments, 1)
        self.assertEqual(message.state, "queued")
        self.assertEqual(json.loads(message.params), ORDER_PARAMS)
        sms = self.env["sms.sms"].search([("care_message_id", "=", message.id)])
        self.assertEqual(sms.body, message.body)
        self.assertEqual(sms.state, "outgoing")

    def assertRefused(self, message_part, **kw):
        before = self.Message.search_count([])
        sms_before = self.env["sms.sms"].search_count([])
        with self.assertRaises(UserError) as caught:
            self.queue(**kw)
        self.assertIn(message_part, str(caught.exception))
        self.assertEqual(self.Message.search_count([]), before)
        self.assertEqual(self.env["sms.sms"].search_count([]), sms_before)

    def test_missing_parameter(self):
        self.assertRefused(
            "needs the parameter(s) time", params={"elder": "张", "service": "助浴"}
        )
        self.assertRefused(
            "needs the parameter(s) service",
            params={"elder": "张", "service": "  ", "time": "9点"},
        )

    def test_unknown_parameter(self):
        self.assertRefused(
            "has no parameter link", params={**ORDER_PARAMS, "link": "x"}
        )

    def test_parameter_rules(self):
        self.assertRefused(
            "line breaks", params={**ORDER_PARAMS, "service": "助浴\n点此"}
        )
        self.assertRefused(
            "line breaks", params={**ORDER_PARAMS, "service": "【银行】"}
        )
        self.assertRefused("at most 35", params={**ORDER_PARAMS, "service": "助" * 36})

    def test_length(self):
        template = self.env.ref("care_sms.template_test_order_confirmed")
        template.max_length = 60
        # 【颐养关爱】 (6) + 张秀英的 (4) + service + 服务已确认，时间 (8) + time + 。
        message = self.queue(
            params={**ORDER_PARAMS, "service": "助" * 30, "time": "九" * 11}
        )
        self.assertEqual(len(message.body), 60)
        self.assertRefused(
            "at most 60",
            params={**ORDER_PARAMS, "service": "助" * 30, "time": "九" * 12},
        )

    def test_segments_counted(self):
        template = self.env.ref("care_sms.template_test_order_confirmed")
        message = self.queue(
            params={
                **ORDER_PARAMS,
                "service": "助" * 35,
                "time": "明天上午九点到十点之间" * 3,
            }
        )
        self.assertGreater(len(message.body), 70)
        self.assertEqual(message.segments, -(-len(message.body) // 67))
        self.assertEqual(template.max_length, 500)

    def test_template_constraints(self):
        Template = self.env["care.sms.template"]
        with self.assertRaisesRegex(ValidationError, "must be the placeholders"):
            Template.create(
                {
                    "name": "x",
                    "kind": "visit_done",
                    "provider": "aliyun",
                    "template_code": "SMS_1",
                    "sign_name": "颐养",
                    "param_names": "elder",
                    "body": "{elder}的{service}已完成",
                }
            )
        with self.assertRaisesRegex(ValidationError, "brackets"):
            Template.create(
                {
                    "name": "x",
                    "kind": "visit_done",
                    "provider": "aliyun",
                    "template_code": "SMS_1",
                    "sign_name": "【颐养】",
                    "param_names": "elder",
                    "body": "{elder}已完成",
                }
            )
        with self.assertRaisesRegex(ValidationError, "between 1 and 500"):
            Template.create(
                {
                    "name": "x",
                    "kind": "visit_done",
                    "provider": "aliyun",
                    "template_code": "SMS_1",
                    "sign_name": "颐养",
                    "param_names": "elder",
                    "body": "{elder}已完成",
                    "max_length": 501,
                }
            )

    def test_no_template_for_provider(self):
        self.Param.set_param("care_sms.provider", "aliyun")
        self.assertRefused(
            "No approved template",
            kind="visit_done",
            params={"elder": "张", "service": "助浴"},
        )


class TestNumbers(SmsCase):
    def test_landline_refused(self):
        for number in (
            "010-6512 3456",
            "+1 415 555 0100",
            "+852 9123 4567",
            "12345",
            "",
        ):
            with self.subTest(number=number), self.assertRaises(UserError) as caught:
                self.queue(number=number)
            self.assertTrue(
                "not a mainland China mobile" in str(caught.exception)
                or "cannot be read" in str(caught.exception)
            )
        self.assertFalse(self.Message.search([]))

    def test_mobile_forms(self):
        for number in ("13800138000", "+86 138 0013 8000", "0086 13800138000"):
            self.assertEqual(self.queue(number=number).number, MOBILE_E164)


class TestRouting(SmsCase):
    """The queued sms.sms goes to the provider of the settings."""

    def set_aliyun(self):
        self.Param.set_param("care_sms.provider", "aliyun")
        self.Param.set_param("care_sms.aliyun_access_key_id", "testid")
        self.Param.set_param("care_sms.aliyun_access_key_secret", "testsecret")

    def set_tencent(self):
        self.Param.set_param("care_sms.provider", "tencent")
        self.Param.set_param("care_sms.tencent_secret_id", "sid")
        self.Param.set_param("care_sms.tencent_secret_key", "skey")
        self.Param.set_param("care_sms.tencent_sdk_app_id", "1400000000")

    def test_test_provider(self):
        message = self.queue()
        self.flush_queue()
        self.assertEqual(message.state, "sent")
        self.assertTrue(message.provider_ref.startswith("TEST-"))
        self.assertEqual(message.attempts, 1)

    def test_aliyun(self):
        """Odoo's queue -> Alibaba Cloud's SDK: the template code, the
        parameters by name, the 11-digit number, the signed request."""
        self.set_aliyun()
        message = self.queue(kind="alarm_open", params=ALARM_PARAMS)
        self.assertEqual(message.provider, "aliyun")
        calls, patcher = fake_network({"Code": "OK", "BizId": "900619746936498440^0"})
        with patcher:
            self.flush_queue()
        self.assertEqual(len(calls), 1)
        url = urlsplit(calls[0].url)
        self.assertEqual(url.netloc, "dysmsapi.aliyuncs.com")
        form = {key: values[0] for key, values in parse_qs(url.query).items()}
        self.assertEqual(calls[0].headers["x-acs-action"], "SendSms")
        self.assertEqual(form["PhoneNumbers"], "13800138000")
        self.assertEqual(form["TemplateCode"], "SMS_000000001")
        self.assertEqual(form["SignName"], "颐养关爱")
        self.assertEqual(form["OutId"], str(message.id))
        self.assertEqual(json.loads(form["TemplateParam"]), ALARM_PARAMS)
        self.assertTrue(
            calls[0]
            .headers["Authorization"]
            .startswith("ACS3-HMAC-SHA256 Credential=testid,")
        )
        self.assertEqual(message.state, "sent")
        self.assertEqual(message.provider_ref, "900619746936498440^0")
        self.assertEqual(message.attempts, 1)

    def test_tencent(self):
        """Odoo's queue -> Tencent Cloud's SDK: the template id, the values
        in the template's order, +86 numbers, the signed request."""
        self.set_tencent()
        message = self.queue(kind="alarm_open", params=ALARM_PARAMS)
        answer = {
            "Response": {
                "SendStatusSet": [{"SerialNo": "2640:1", "Code": "Ok"}],
                "RequestId": "r1",
            }
        }
        calls, patcher = fake_network(answer)
        with patcher:
            self.flush_queue()
        self.assertEqual(len(calls), 1)
        self.assertEqual(calls[0].headers["X-TC-Action"], "SendSms")
        self.assertEqual(calls[0].headers["X-TC-Region"], "ap-guangzhou")
        payload = json.loads(calls[0].body)
        self.assertEqual(payload["PhoneNumberSet"], [MOBILE_E164])
        self.assertEqual(payload["SmsSdkAppId"], "1400000000")
        self.assertEqual(payload["TemplateId"], "1000001")
        self.assertEqual(payload["SessionContext"], str(message.id))
        # the values in the template's parameter order
        self.assertEqual(
            payload["TemplateParamSet"],
            ["张秀英", "SOS", "08:15", ALARM_PARAMS["link"]],
        )
        self.assertTrue(
            calls[0]
            .headers["Authorization"]
            .startswith("TC3-HMAC-SHA256 Credential=sid/")
        )
        self.assertEqual(message.state, "sent")
        self.assertEqual(message.provider_ref, "2640:1")

    def test_iap(self):
        """Odoo IAP keeps its own path (the suite's templates are filled)."""
        self.Param.set_param("care_sms.provider", "iap")
        self.env["care.sms.template"].create(
            {
                "name": "IAP",
                "kind": "visit_done",
                "provider": "iap",
                "template_code": "-",
                "sign_name": "颐养关爱",
                "param_names": "elder",
                "body": "{elder}的服务已完成",
            }
        )
        message = self.queue(kind="visit_done", params={"elder": "张秀英"})
        sent = []

        def iap_send(api, messages, delivery_reports_url=False):
            sent.extend(messages)
            return [
                {"uuid": n["uuid"], "state": "success"}
                for m in messages
                for n in m["numbers"]
            ]

        from odoo.addons.sms.tools.sms_api import SmsApi

        with patch.object(SmsApi, "_send_sms_batch", iap_send):
            self.flush_queue()
        self.assertEqual(sent[0]["content"], "【颐养关爱】张秀英的服务已完成")
        self.assertEqual(message.state, "sent")

    def test_free_text_refused(self):
        """A Chinese provider (and the test one) takes templates only: a free
        sms.sms fails with its reason instead of going out."""
        sms = (
            self.env["sms.sms"]
            .sudo()
            .create({"number": MOBILE_E164, "body": "free text"})
        )
        sms.send(unlink_sent=False)
        self.assertEqual(sms.state, "error")
        self.assertEqual(sms.failure_type, "care_free_text")

    def test_credentials_missing(self):
        self.Param.set_param("care_sms.provider", "aliyun")
        message = self.queue(kind="alarm_open", params=ALARM_PARAMS)
        self.flush_queue()
        self.assertEqual(message.state, "failed")
        self.assertIn("credentials", message.reason)
        self.assertFalse(message.retryable)

    def test_provider_error_keeps_message(self):
        """A permanent refusal: failed with the provider's reason, not
        retried; the sms.sms is kept as an error."""
        self.set_aliyun()
        message = self.queue(kind="alarm_open", params=ALARM_PARAMS)
        _calls, patcher = fake_network(
            {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号"}
        )
        with patcher:
            self.flush_queue()
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.reason, "isv.MOBILE_NUMBER_ILLEGAL: 非法手机号")
        self.assertFalse(message.retryable)
        self.assertFalse(message.next_try)
        self.assertEqual(message.attempts, 1)

    @freeze_time(T0)
    def test_temporary_errors_retried(self):
        """The SDKs' temporary failures (a request limit, a server error, no
        answer): failed with the reason, retryable after the back-off; the
        retry then succeeds."""
        self.set_tencent()
        cases = [
            (
                {
                    "answer": {
                        "Response": {
                            "Error": {
                                "Code": "RequestLimitExceeded",
                                "Message": "请求频率超限",
                            },
                            "RequestId": "r2",
                        }
                    }
                },
                "RequestLimitExceeded: 请求频率超限",
            ),
            ({"status": 502, "answer": {}}, "network: "),
            ({"error": requests.ConnectionError("refused")}, "network: "),
        ]
        for network, reason in cases:
            with self.subTest(reason=reason):
                message = self.queue(kind="alarm_open", params=ALARM_PARAMS)
                _calls, patcher = fake_network(**network)
                with patcher:
                    self.flush_queue()
                self.assertEqual(message.state, "failed")
                self.assertTrue(message.reason.startswith(reason), message.reason)
                self.assertNotIn("skey", message.reason)
                self.assertTrue(message.retryable)
                self.assertEqual(message.next_try, T0 + timedelta(minutes=5))
        ok = {
            "Response": {
                "SendStatusSet": [{"SerialNo": "2640:9", "Code": "Ok"}],
                "RequestId": "r3",
            }
        }
        with freeze_time(T0 + timedelta(minutes=6)):
            calls, patcher = fake_network(ok)
            with patcher:
                retried = self.Message._cron_retry()
        self.assertEqual(len(retried), 3)
        self.assertEqual(len(calls), 3)
        self.assertEqual(set(retried.mapped("state")), {"sent"})
        self.assertEqual(set(retried.mapped("attempts")), {2})

    def test_tencent_permanent_per_number(self):
        self.set_tencent()
        message = self.queue(kind="alarm_open", params=ALARM_PARAMS)
        _calls, patcher = fake_network(
            {
                "Response": {
                    "SendStatusSet": [
                        {
                            "Code": "FailedOperation.TemplateIncorrectOrUnapproved",
                            "Message": "模板未审批",
                        }
                    ],
                    "RequestId": "r4",
                }
            }
        )
        with patcher:
            self.flush_queue()
        self.assertEqual(message.state, "failed")
        self.assertEqual(
            message.reason, "FailedOperation.TemplateIncorrectOrUnapproved: 模板未审批"
        )
        self.assertFalse(message.retryable)


class TestRetries(SmsCase):
    def test_backoff(self):
        self.Param.set_param("care_sms.test_fail", "temporary")
        with freeze_time(T0):
            message = self.queue()
            self.flush_queue()
        self.assertEqual(message.state, "failed")
        self.assertTrue(message.retryable)
        self.assertEqual(message.attempts, 1)
        self.assertEqual(message.next_try, T0 + timedelta(minutes=5))
        with freeze_time(T0 + timedelta(minutes=4)):
            self.assertFalse(self.Message._cron_retry())
        self.assertEqual(message.attempts, 1)
        with freeze_time(T0 + timedelta(minutes=5)):
            self.assertEqual(self.Message._cron_retry(), message)
        self.assertEqual(message.attempts, 2)
        self.assertEqual(message.next_try, T0 + timedelta(minutes=15))
        # the provider is back
        self.Param.set_param("care_sms.test_fail", "")
        with freeze_time(T0 + timedelta(minutes=15)):
            self.Message._cron_retry()
        self.assertEqual(message.state, "sent")
        self.assertEqual(message.attempts, 3)
        self.assertFalse(message.next_try)

    def test_gives_up(self):
        self.Param.set_param("care_sms.test_fail", "temporary")
        with freeze_time(T0):
            message = self.queue()
            self.flush_queue()
        now = T0
        for _attempt in range(10):
            now += timedelta(hours=2)
            with freeze_time(now):
                self.Message._cron_retry()
        self.assertEqual(message.attempts, 5)
        self.assertEqual(message.state, "failed")
        self.assertFalse(message.retryable)

    def test_permanent_not_retried(self):
        self.Param.set_param("care_sms.test_fail", "permanent")
        with freeze_time(T0):
            message = self.queue()
            self.flush_queue()
        with freeze_time(T0 + timedelta(days=1)):
            self.assertFalse(self.Message._cron_retry())
        self.assertEqual(message.attempts, 1)


class TestCapsAndOptOut(SmsCase):
    def test_daily_cap(self):
        self.Param.set_param("care_sms.daily_cap", "2")
        with freeze_time(T0):
            self.queue()
            self.queue()
            with self.assertRaisesRegex(UserError, "already received 2 texts today"):
                self.queue()
            # alarms are never held back
            self.queue(kind="alarm_open", params=ALARM_PARAMS)
            # another number has its own cap
            self.queue(number="13900001111")
        self.assertEqual(self.Message.search_count([("number", "=", MOBILE_E164)]), 3)
        # midnight in Shanghai (16:00 UTC) starts a new day
        with freeze_time(datetime(2026, 12, 1, 15, 59)):
            with self.assertRaises(UserError):
                self.queue()
        with freeze_time(datetime(2026, 12, 1, 16, 0)):
            self.queue()

    def test_opt_out_by_staff(self):
        partner = self.partner.with_user(self.users["reception"])
        partner.action_care_sms_opt_out()
        self.assertTrue(self.partner.care_sms_opted_out)
        with self.assertRaisesRegex(UserError, "asked not to receive texts"):
            self.queue(partner=self.partner)
        # alarms still reach the number
        self.queue(kind="alarm_open", params=ALARM_PARAMS)
        partner.action_care_sms_opt_in()
        self.queue()

    def test_opt_out_needs_staff(self):
        with self.assertRaises(UserError):
            self.partner.with_user(self.users["employee"]).action_care_sms_opt_out()
        self.assertFalse(self.partner.care_sms_opted_out)

    def test_marketing_consent(self):
        offer = {"offer": "重阳节体检八折"}
        with self.assertRaisesRegex(UserError, "not consented to marketing"):
            self.queue(kind="promotion", params=offer, partner=self.partner)
        with self.assertRaisesRegex(UserError, "not consented to marketing"):
            self.queue(kind="promotion", params=offer)
        with freeze_time(T0):
            self.partner.with_user(
                self.users["reception"]
            ).care_sms_marketing_consent = True
        self.assertEqual(self.partner.care_sms_consent_date, T0)
        self.assertEqual(self.partner.care_sms_consent_user_id, self.users["reception"])
        self.queue(kind="promotion", params=offer, partner=self.partner)
        # the record of consent cannot be forged
        self.partner.with_user(self.users["reception"]).write(
            {"care_sms_consent_date": "2020-01-01 00:00:00"}
        )
        self.assertEqual(self.partner.care_sms_consent_date, T0)
