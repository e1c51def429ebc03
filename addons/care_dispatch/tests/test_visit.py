import base64
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import DispatchCase

PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
)


@tagged("post_install", "-at_install")
class TestVisit(DispatchCase):
    def dispatched(self, category=None, **vals):
        order = self.make_order(category=category, **vals)
        order.action_care_dispatch()
        return order

    def complete(self, order):
        order.action_complete()

    def callbacks_due(self, order):
        kind = self.env.ref("care_dispatch.mail_activity_type_callback")
        return order.activity_ids.filtered(lambda a: a.activity_type_id == kind)

    def test_visit_evidence_and_callback(self):
        daily = self.env.ref("care_dispatch.cat_daily_care")
        self.good.category_ids |= daily
        order = self.dispatched(category=daily, care_provider_id=False)
        order.action_care_accept()
        self.assertEqual(
            order.stage_id, self.env.ref("care_dispatch.fsm_stage_accepted")
        )
        # daily care needs check-in/out, a photo and a signature
        with self.assertRaisesRegex(UserError, "check-in and check-out, a photo"):
            self.complete(order)
        self.assertFalse(order.is_closed)
        order.action_care_checkin(39.9192, 116.4789)
        self.assertEqual(
            order.stage_id, self.env.ref("care_dispatch.fsm_stage_in_progress")
        )
        self.assertAlmostEqual(order.care_checkin_latitude, 39.9192)
        order.action_care_checkout()
        self.env["ir.attachment"].create(
            {
                "name": "after.png",
                "datas": PNG,
                "res_model": "fsm.order",
                "res_id": order.id,
            }
        )
        with self.assertRaisesRegex(UserError, "signature"):
            self.complete(order)
        order.signature = PNG
        self.complete(order)
        self.assertTrue(order.is_closed)
        due = self.callbacks_due(order)
        self.assertEqual(len(due), 1)

        callback = (
            self.env["care.callback"]
            .with_user(self.agent)
            .create(
                {
                    "order_id": order.id,
                    "rating": 2,
                    "comment": "来晚了",
                    "is_complaint": True,
                }
            )
        )
        self.assertFalse(self.callbacks_due(order), "the activity is done")
        self.assertEqual(callback.complaint_state, "open")
        self.assertEqual(callback.provider_id, order.care_provider_id)
        self.assertEqual(order.care_provider_id.rating, 2.0)
        with self.assertRaisesRegex(ValidationError, "how the complaint was resolved"):
            callback.action_resolve()
        callback.resolution = "服务商道歉并免费补做一次"
        callback.action_resolve()
        self.assertEqual(callback.complaint_state, "resolved")

    def test_callback_rules(self):
        order = self.dispatched()
        order.action_care_checkin()
        order.action_care_checkout()
        self.env["ir.attachment"].create(
            {
                "name": "p.png",
                "datas": PNG,
                "res_model": "fsm.order",
                "res_id": order.id,
            }
        )
        self.complete(order)
        Callback = self.env["care.callback"].with_user(self.agent)
        with self.assertRaisesRegex(ValidationError, "1 to 5, not 6"):
            with self.env.cr.savepoint():
                Callback.create({"order_id": order.id, "rating": 6})
        self.assertFalse(order.care_callback_ids)
        Callback.create({"order_id": order.id, "rating": 5})
        with mute_logger("odoo.sql_db"), self.assertRaises(Exception) as caught:
            with self.env.cr.savepoint():
                Callback.create({"order_id": order.id, "rating": 4})
        self.assertIn("one_per_order", str(caught.exception))
        self.assertEqual(order.care_provider_id.rating, 5.0)

    def test_sampling_share(self):
        self.env["ir.config_parameter"].set_param("care_dispatch.callback_share", "0")
        legal = self.env.ref("care_dispatch.cat_legal")
        self.good.category_ids |= legal
        order = self.dispatched(category=legal)
        self.complete(order)
        self.assertTrue(order.is_closed)
        self.assertFalse(self.callbacks_due(order))

    def test_unaccepted_urgent_orders_escalate(self):
        repair = self.env.ref("care_dispatch.cat_repair")
        self.good.category_ids |= repair
        lead = self.env.ref("base.user_admin")
        self.env["ir.config_parameter"].set_param(
            "care_dispatch.lead_user_id", str(lead.id)
        )
        t0 = fields.Datetime.now().replace(microsecond=0)
        with freeze_time(t0):
            urgent = self.dispatched(category=repair)
            normal = self.dispatched()
            accepted = self.dispatched(category=repair)
            accepted.action_care_accept()
        self.assertEqual(urgent.care_urgency, "urgent")
        Order = self.env["fsm.order"]
        mine = urgent | normal | accepted
        with freeze_time(t0 + timedelta(minutes=20)):
            self.assertFalse(Order._cron_escalate_unaccepted() & mine)
        with freeze_time(t0 + timedelta(minutes=31)):
            self.assertEqual(Order._cron_escalate_unaccepted() & mine, urgent)
        todo = urgent.activity_ids.filtered(
            lambda a: "Not accepted" in (a.summary or "")
        )
        self.assertEqual(todo.user_id, lead)
        with freeze_time(t0 + timedelta(minutes=90)):
            self.assertFalse(Order._cron_escalate_unaccepted() & mine, "once")
        self.assertFalse(normal.care_escalated)

    def test_settings_page(self):
        settings = self.env["res.config.settings"].create(
            {"care_callback_share": 30, "care_dispatch_lead_user_id": self.agent.id}
        )
        settings.execute()
        Order = self.env["fsm.order"]
        self.assertEqual(Order._care_setting("callback_share", 100), 30)
        self.assertEqual(Order._care_setting("lead_user_id", 0), self.agent.id)
        with self.assertRaisesRegex(ValidationError, "0 to 100"):
            self.env["res.config.settings"].create({"care_callback_share": 130})
