"""The call-centre screens open in a real browser without a client error."""

from odoo.tests import HttpCase, tagged

from .common import DispatchCase

READY = (
    "document.querySelector('.o_action_manager .o_view_controller') "
    "&& !document.querySelector('.o_error_dialog')"
)


@tagged("post_install", "-at_install")
class TestScreens(DispatchCase, HttpCase):
    def open(self, path, user):
        self.browser_js(
            path, "console.log('test successful')", ready=READY, login=user.login
        )

    def test_every_menu_opens(self):
        manager = self.env.ref("base.user_admin")
        screens = {
            self.agent: [
                "care_dispatch.care_call_action",
                "care_dispatch.care_knowledge_action",
                "care_dispatch.fsm_order_action_care",
                "care_dispatch.care_callback_action",
                "care_dispatch.care_complaint_action",
                "care_dispatch.care_visit_duty_report_action",
                "care_dispatch.care_provider_action",
            ],
            self.coordinator: [
                "care_dispatch.care_provider_action",
                "care_dispatch.care_service_report_action",
            ],
            manager: ["care_dispatch.care_service_category_action"],
        }
        for user, actions in screens.items():
            for action in actions:
                with self.subTest(user=user.login, action=action):
                    self.open(f"/odoo/action-{action}", user)

    def test_forms_open(self):
        order = self.make_order()
        call = self.env["care.call"].create(
            {"number": "13800001111", "elder_id": self.elder.id}
        )
        for path in (
            f"/odoo/action-care_dispatch.fsm_order_action_care/{order.id}",
            f"/odoo/action-care_dispatch.care_call_action/{call.id}",
            f"/odoo/action-care_dispatch.care_provider_action/{self.good.id}",
        ):
            with self.subTest(path=path):
                self.open(path, self.agent)

    def test_settings_open(self):
        self.open("/odoo/settings#elder_crm", self.env.ref("base.user_admin"))

    def test_tour_dispatches_from_the_board(self):
        self.elder.name = "巡检测试老人"
        self.make_provider("外区服务公司", rating=5.0, territory=self.elsewhere)
        order = self.make_order()
        self.start_tour(
            "/odoo/action-care_dispatch.fsm_order_action_care",
            "care_dispatch_board",
            login=self.agent.login,
        )
        order.invalidate_recordset()
        self.assertEqual(order.care_provider_id, self.good)
        self.assertEqual(
            order.stage_id, self.env.ref("care_dispatch.fsm_stage_dispatched")
        )
        self.assertTrue(order.care_dispatched_at)
