"""The reception screens open in a real browser without a client error."""

from odoo.tests import HttpCase, tagged

from .common import ReceptionCase

READY = (
    "document.querySelector('.o_action_manager .o_view_controller') "
    "&& !document.querySelector('.o_error_dialog')"
)
SCREENS = {  # user: the actions of its menus
    "wang": [
        "care_reception.crm_lead_action_reception",
        "care_reception.care_objection_action",
        "care_reception.care_funnel_report_action",
    ],
    "manager": [
        "care_reception.crm_lead_action_reception",
        "care_reception.care_funnel_report_action",
        "care_reception.care_package_action",
        "care_reception.care_tour_route_action",
        "crm.crm_lost_reason_action",
        "crm.crm_stage_action",
    ],
}


@tagged("post_install", "-at_install")
class TestScreens(ReceptionCase, HttpCase):
    def open(self, path, user):
        self.browser_js(
            path, "console.log('test successful')", ready=READY, login=user.login
        )

    def test_every_menu_opens(self):
        for user, actions in SCREENS.items():
            for action in actions:
                with self.subTest(user=user, action=action):
                    self.open(f"/odoo/action-{action}", getattr(self, user))

    def test_lead_form_opens_with_the_reception_tabs(self):
        lead = self.make_lead(care_package_id=self.package.id)
        self.open(
            f"/odoo/action-care_reception.crm_lead_action_reception/{lead.id}",
            self.wang,
        )

    def test_tour_walks_a_lead_to_a_signed_elder(self):
        lead = self.make_lead()
        self.assess(lead)
        self.start_tour(
            f"/odoo/action-care_reception.crm_lead_action_reception/{lead.id}",
            "care_reception_pipeline",
            login=self.wang.login,
        )
        lead.invalidate_recordset()
        self.assertTrue(lead.care_tour_event_id)
        self.assertEqual(lead.care_package_id, self.package)
        self.assertEqual(lead.stage_id, self.stage_won)
        self.assertEqual(lead.care_elder_id.state, "active")
        self.assertEqual(
            lead.care_history_ids.stage_id,
            self.stage_new
            | self.stage_questionnaire
            | self.stage_assessed
            | self.stage_toured
            | self.stage_proposal
            | self.stage_won,
        )
