from odoo.exceptions import AccessError

from .common import ORDER_PARAMS, SmsCase


class TestAccess(SmsCase):
    def test_staff_may_send(self):
        Message = self.Message.with_user(self.users["reception"])
        message_id = Message.send_suite_message(
            "order_confirmed", "13800138000", ORDER_PARAMS, self.partner.id
        )
        message = self.Message.browse(message_id)
        self.assertEqual(message.partner_id, self.partner)
        self.assertEqual(message.state, "queued")

    def test_others_may_not_send(self):
        for role in ("employee", "portal"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                self.Message.with_user(self.users[role]).send_suite_message(
                    "order_confirmed", "13800138000", ORDER_PARAMS
                )
        self.assertFalse(self.Message.search([]))

    def test_log_is_for_managers(self):
        message = self.queue()
        with self.assertRaises(AccessError):
            message.with_user(self.users["reception"]).read(["body"])
        with self.assertRaises(AccessError):
            self.Message.with_user(self.users["reception"]).search([])
        self.assertEqual(
            message.with_user(self.users["manager"]).read(["state"])[0]["state"],
            "queued",
        )

    def test_states_not_writable(self):
        message = self.queue()
        for user in (self.users["manager"], self.env.ref("base.user_admin")):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                message.with_user(user).write({"state": "delivered"})
        self.assertEqual(message.state, "queued")

    def test_retry_for_managers_only(self):
        self.Param.set_param("care_sms.test_fail", "permanent")
        message = self.queue()
        self.flush_queue()
        self.assertEqual(message.state, "failed")
        with self.assertRaises(AccessError):
            message.with_user(self.users["reception"]).action_retry()
        self.assertEqual(message.attempts, 1)
        self.Param.set_param("care_sms.test_fail", "")
        message.with_user(self.users["manager"]).action_retry()
        self.assertEqual(message.state, "sent")
        self.assertEqual(message.attempts, 2)

    def test_secrets_for_admins_only(self):
        self.Param.set_param("care_sms.aliyun_access_key_secret", "s3cret")
        with self.assertRaises(AccessError):
            self.env["ir.config_parameter"].with_user(self.users["manager"]).get_param(
                "care_sms.aliyun_access_key_secret"
            )
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(self.users["manager"]).create({})
        settings = (
            self.env["res.config.settings"]
            .with_user(self.env.ref("base.user_admin"))
            .create({})
        )
        self.assertEqual(settings.care_sms_aliyun_access_key_secret, "s3cret")
