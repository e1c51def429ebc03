"""Delivery receipts and inbound texts over real HTTP."""

import hashlib
import hmac
import json
import time
from unittest.mock import patch

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.sms.tools.sms_api import SmsApi

from .common import MOBILE, ORDER_PARAMS

SECRET = "receipt-secret-for-tests"


@tagged("post_install", "-at_install")
class TestReceiptHttp(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Param = cls.env["ir.config_parameter"].sudo()
        Param.set_param("care_sms.provider", "test")
        Param.set_param("care_sms.test_fail", "")
        Param.set_param("care_sms.callback_secret", SECRET)
        cls.message = cls.env["care.sms.message"]._care_queue(
            "order_confirmed", MOBILE, ORDER_PARAMS
        )
        cls.env["sms.sms"].sudo().search(
            [("care_message_id", "=", cls.message.id)]
        ).send()

    def post(self, path, data, secret=SECRET, stamp=None, sign=True, query=""):
        body = json.dumps(data).encode()
        headers = {"Content-Type": "application/json"}
        if sign:
            stamp = str(int(time.time()) if stamp is None else stamp)
            headers["X-Care-Timestamp"] = stamp
            headers["X-Care-Signature"] = hmac.new(
                secret.encode(), stamp.encode() + b"\n" + body, hashlib.sha256
            ).hexdigest()
        return self.url_open(path + query, data=body, headers=headers)

    def receipt(self, status="delivered", reason=""):
        return {
            "ref": self.message.provider_ref,
            "status": status,
            "reason": reason,
            "time": "t1",
        }

    def test_delivered_then_replay(self):
        self.assertEqual(self.message.state, "sent")
        answer = self.post("/care_sms/receipt/test", self.receipt())
        self.assertEqual(answer.status_code, 200)
        self.assertEqual(answer.json()["applied"], 1)
        self.message.invalidate_recordset()
        self.assertEqual(self.message.state, "delivered")
        # the same receipt again changes nothing
        answer = self.post("/care_sms/receipt/test", self.receipt())
        self.assertEqual(answer.status_code, 200)
        self.assertEqual(answer.json()["applied"], 0)
        self.assertEqual(
            self.env["care.sms.receipt"].search_count(
                [("message_id", "=", self.message.id)]
            ),
            1,
        )
        # a late failure does not undo a delivery
        answer = self.post("/care_sms/receipt/test", self.receipt("failed", "EXPIRED"))
        self.assertEqual(answer.json()["applied"], 0)
        self.message.invalidate_recordset()
        self.assertEqual(self.message.state, "delivered")

    def test_failed_with_reason(self):
        answer = self.post(
            "/care_sms/receipt/test", self.receipt("failed", "MK:0001 关机")
        )
        self.assertEqual(answer.status_code, 200)
        self.message.invalidate_recordset()
        self.assertEqual(self.message.state, "failed")
        self.assertEqual(self.message.reason, "MK:0001 关机")

    def assertForbidden(self, answer):
        self.assertEqual(answer.status_code, 403)
        self.message.invalidate_recordset()
        self.assertEqual(self.message.state, "sent")
        self.assertFalse(
            self.env["care.sms.receipt"].search([("message_id", "=", self.message.id)])
        )

    def test_unsigned(self):
        self.assertForbidden(
            self.post("/care_sms/receipt/test", self.receipt(), sign=False)
        )

    def test_wrong_signature(self):
        self.assertForbidden(
            self.post("/care_sms/receipt/test", self.receipt(), secret="guess")
        )

    def test_stale_signature(self):
        self.assertForbidden(
            self.post(
                "/care_sms/receipt/test", self.receipt(), stamp=int(time.time()) - 3600
            )
        )

    def test_token(self):
        self.assertForbidden(
            self.post(
                "/care_sms/receipt/test",
                self.receipt(),
                sign=False,
                query="?token=guess",
            )
        )
        answer = self.post(
            "/care_sms/receipt/test",
            self.receipt(),
            sign=False,
            query=f"?token={SECRET}",
        )
        self.assertEqual(answer.status_code, 200)
        self.message.invalidate_recordset()
        self.assertEqual(self.message.state, "delivered")

    def test_no_secret_configured(self):
        self.env["ir.config_parameter"].sudo().set_param("care_sms.callback_secret", "")
        self.assertForbidden(self.post("/care_sms/receipt/test", self.receipt()))

    def test_aliyun_receipt(self):
        self.message.sudo().write({"provider": "aliyun", "provider_ref": "1234^0"})
        data = [
            {
                "phone_number": "13800138000",
                "success": True,
                "err_code": "DELIVERED",
                "err_msg": "用户接收成功",
                "biz_id": "1234^0",
                "report_time": "2026-12-01 10:00:05",
            }
        ]
        self.assertEqual(self.post("/care_sms/receipt/aliyun", data).status_code, 200)
        self.message.invalidate_recordset()
        self.assertEqual(self.message.state, "delivered")

    def test_tencent_receipt(self):
        self.message.sudo().write({"provider": "tencent", "provider_ref": "2640:1"})
        data = [
            {
                "mobile": "13800138000",
                "report_status": "FAIL",
                "errmsg": "MK:0012",
                "description": "用户关机",
                "sid": "2640:1",
                "user_receive_time": "2026-12-01 10:00:05",
            }
        ]
        self.assertEqual(self.post("/care_sms/receipt/tencent", data).status_code, 200)
        self.message.invalidate_recordset()
        self.assertEqual(self.message.state, "failed")
        self.assertEqual(self.message.reason, "MK:0012 用户关机")

    def test_inbound_stop(self):
        partner = self.env["res.partner"].create({"name": "张丽", "mobile": MOBILE})
        answer = self.post(
            "/care_sms/inbound/test", {"number": MOBILE, "text": "hello"}
        )
        self.assertEqual(answer.json()["optouts"], 0)
        self.assertFalse(self.env["res.partner"].browse(partner.id).care_sms_opted_out)
        self.assertEqual(
            self.post(
                "/care_sms/inbound/test", {"number": MOBILE, "text": "退订"}, secret="x"
            ).status_code,
            403,
        )
        answer = self.post(
            "/care_sms/inbound/test", {"number": MOBILE, "text": " 退订 "}
        )
        self.assertEqual(answer.json()["optouts"], 1)
        partner.invalidate_recordset()
        self.assertTrue(partner.care_sms_opted_out)
        answer = self.post(
            "/care_sms/inbound/aliyun",
            [{"phone_number": "13900001111", "content": "td"}],
        )
        self.assertEqual(answer.json()["optouts"], 1)


@tagged("post_install", "-at_install")
class TestIapDeliveryReports(HttpCase):
    """Odoo IAP's webhook (/sms/status) updates the suite's log as well."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Param = cls.env["ir.config_parameter"].sudo()
        Param.set_param("care_sms.provider", "iap")
        cls.env["care.sms.template"].create(
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

        def iap_send(api, messages, delivery_reports_url=False):
            # IAP's answer to a batch it accepted (the network is not called)
            return [
                {"uuid": n["uuid"], "state": "success"}
                for m in messages
                for n in m["numbers"]
            ]

        cls.messages = cls.env["care.sms.message"]
        for _i in range(2):
            cls.messages |= cls.env["care.sms.message"]._care_queue(
                "visit_done", MOBILE, {"elder": "张秀英"}
            )
        with patch.object(SmsApi, "_send_sms_batch", iap_send):
            cls.env["sms.sms"].sudo().search(
                [("care_message_id", "in", cls.messages.ids)]
            ).send(raise_exception=False)

    def report(self, statuses):
        return self.url_open(
            "/sms/status",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {"message_statuses": statuses},
                }
            ),
            headers={"Content-Type": "application/json"},
        )

    def test_delivered_and_failed_then_replay(self):
        delivered, failed = self.messages
        self.assertEqual(self.messages.mapped("state"), ["sent", "sent"])
        self.assertRegex(delivered.provider_ref, r"^[0-9a-f]{32}$")
        answer = self.report(
            [
                {"sms_status": "delivered", "uuids": [delivered.provider_ref]},
                {"sms_status": "not_delivered", "uuids": [failed.provider_ref]},
            ]
        )
        self.assertEqual(answer.status_code, 200)
        self.assertEqual(answer.json()["result"], "OK")
        self.messages.invalidate_recordset()
        self.assertEqual(delivered.state, "delivered")
        self.assertEqual(failed.state, "failed")
        self.assertEqual(failed.reason, "not_delivered")
        # the same report again, or a late contrary one, changes nothing
        answer = self.report(
            [{"sms_status": "not_delivered", "uuids": [delivered.provider_ref]}]
        )
        self.assertEqual(answer.status_code, 200)
        self.messages.invalidate_recordset()
        self.assertEqual(delivered.state, "delivered")
        self.assertFalse(delivered.reason)

    def test_not_final_status_and_bad_uuid(self):
        message = self.messages[0]
        # accepted by the operator, not yet delivered: still sent
        self.report([{"sms_status": "sent", "uuids": [message.provider_ref]}])
        message.invalidate_recordset()
        self.assertEqual(message.state, "sent")
        # an ill-formed report is refused by Odoo's checks, nothing changes
        with mute_logger("odoo.addons.sms.controllers.main", "odoo.http"):
            answer = self.report([{"sms_status": "delivered", "uuids": ["1 OR 1=1"]}])
        self.assertIn("error", answer.json())
        message.invalidate_recordset()
        self.assertEqual(message.state, "sent")
