import json
from unittest.mock import patch

import requests

from odoo.tests import TransactionCase, new_test_user

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

MOBILE = "138 0013 8000"
MOBILE_E164 = "+8613800138000"
ALARM_PARAMS = {
    "elder": "张秀英",
    "alarm": "SOS",
    "time": "08:15",
    "link": "https://care.example.cn/care/alarm/Zm9vYmFyYmF6cXV4cXV1eA",
}
ORDER_PARAMS = {"elder": "张秀英", "service": "助浴", "time": "明天9点"}


def fake_network(answer=None, status=200, error=None):
    """Answer for the network under the providers' SDKs (they both post with
    ``requests``): every request is recorded in ``calls`` (the prepared
    request the SDK built and signed) and gets ``answer`` as JSON with
    ``status``, or raises ``error``. Returns (calls, patcher)."""
    calls = []

    def send(session, request, **kw):
        calls.append(request)
        if error is not None:
            raise error
        response = requests.Response()
        response.status_code = status
        response.reason = "OK" if status < 400 else "Error"
        response.headers["Content-Type"] = "application/json"
        response._content = json.dumps(answer).encode()
        response.url = request.url
        response.request = request
        return response

    return calls, patch.object(requests.Session, "send", send)


class SmsCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.Message = cls.env["care.sms.message"]
        cls.Param = cls.env["ir.config_parameter"].sudo()
        cls.Param.set_param("care_sms.provider", "test")
        cls.Param.set_param("care_sms.daily_cap", "10")
        cls.Param.set_param("care_sms.test_fail", "")
        cls.users = {
            "reception": new_test_user(
                cls.env,
                login="sms_reception",
                groups="base.group_user,elder_crm.group_care_reception",
            ),
            "manager": new_test_user(
                cls.env,
                login="sms_manager",
                groups="base.group_user,elder_crm.group_care_manager",
            ),
            "employee": new_test_user(
                cls.env, login="sms_employee", groups="base.group_user"
            ),
            "portal": new_test_user(
                cls.env, login="sms_portal", groups="base.group_portal"
            ),
        }
        cls.partner = cls.env["res.partner"].create({"name": "张丽", "mobile": MOBILE})

    def flush_queue(self):
        """What Odoo's SMS cron does: send the queued sms.sms."""
        self.env["sms.sms"].sudo().search([("state", "=", "outgoing")]).send(
            raise_exception=False
        )

    def queue(self, kind="order_confirmed", number=MOBILE, params=None, **kw):
        return self.Message._care_queue(
            kind, number, ORDER_PARAMS if params is None else params, **kw
        )
