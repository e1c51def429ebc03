"""The screens of each role open in a real browser without a client error."""

from odoo.tests import HttpCase, tagged

from .common import DevicesCase

READY = (
    "document.querySelector('.o_action_manager .o_view_controller') "
    "&& !document.querySelector('.o_error_dialog')"
)
SCREENS = {  # role: the actions of its menus
    "emergency": [
        "helpdesk_ticket_alarm_action",
        "helpdesk_ticket_alarm_report_action",
        "care_vital_reading_action",
        "care_device_action",
        "care_device_binding_action",
        "care_device_event_action",
    ],
    "device_admin": [
        "care_device_action",
        "care_device_binding_action",
        "care_device_event_action",
        "care_device_model_action",
        "care_device_api_key_action",
    ],
    "doctor": ["care_vital_reading_action", "care_vital_threshold_action"],
    "manager": [
        "helpdesk_ticket_alarm_action",
        "helpdesk_ticket_alarm_report_action",
        "care_vital_threshold_action",
    ],
}


@tagged("post_install", "-at_install")
class TestScreens(DevicesCase, HttpCase):
    def open(self, path, role):
        self.browser_js(
            path,
            "console.log('test successful')",
            ready=READY,
            login=self.users[role].login,
        )

    def test_every_menu_of_every_role_opens(self):
        for role, actions in SCREENS.items():
            for action in actions:
                with self.subTest(role=role, action=action):
                    self.open(f"/odoo/action-care_devices.{action}", role)

    def test_alarm_ticket_and_device_forms_open(self):
        self.ingest("sos", event_uid="ui-1")
        ticket = self.alarm_tickets(kind="sos")
        self.open(
            f"/odoo/action-care_devices.helpdesk_ticket_alarm_action/{ticket.id}",
            "emergency",
        )
        self.open(
            f"/odoo/action-care_devices.care_device_action/{self.device.id}",
            "device_admin",
        )
