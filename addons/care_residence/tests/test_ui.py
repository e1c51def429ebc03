"""The residence screens open in a real browser without a client error, and
the care manager walks an elder from the waiting list to discharge."""

from odoo.tests import HttpCase, tagged

from .common import ResidenceCase

READY = (
    "document.querySelector('.o_action_manager .o_view_controller') "
    "&& !document.querySelector('.o_error_dialog')"
)
R = "care_residence."
SCREENS = {  # each action once, by a role that has it in its menu
    "reception": [
        R + "action_care_residence_bed_board",
        R + "action_care_residence_waiting",
    ],
    "finance": [
        R + "action_care_residence_care_level",
        R + "action_care_residence_occupancy_report",
        R + "action_care_residence_referral_report",
    ],
    "manager": [
        R + "action_care_residence_stay",
        R + "action_care_residence_stay_analysis",
        R + "action_care_residence_building",
        R + "action_care_residence_room",
        R + "action_care_residence_priority_rule",
    ],
}


@tagged("post_install", "-at_install")
class TestScreens(ResidenceCase, HttpCase):
    def test_every_menu_opens(self):
        self.admitted(self.mother, self.bed_single, self.days(-5))
        for user, actions in SCREENS.items():
            for action in actions:
                with self.subTest(user=user, action=action):
                    self.browser_js(
                        f"/odoo/action-{action}",
                        "console.log('test successful')",
                        ready=READY,
                        login=getattr(self, user).login,
                    )

    def test_board_opens_read_only_for_finance(self):
        """Finance sees the board and the list, cannot drag an entry."""
        self.env["care.residence.waiting"].create({"elder_id": self.mother.id})
        self.admitted(self.aunt, self.bed_w1, self.days(-5))
        self.browser_js(
            "/odoo/action-care_residence.action_care_residence_bed_board_client",
            "const entry = document.querySelector('.o_care_waiting_entry');"
            "if (entry.getAttribute('draggable') !== 'false') {"
            "  throw new Error('finance may drag');"
            "}"
            "if (!document.querySelector('.o_care_bed_occupied')) {"
            "  throw new Error('no occupied bed');"
            "}"
            "console.log('test successful');",
            ready="document.querySelector('.o_care_bed_board .o_care_waiting_entry')"
            " && !document.querySelector('.o_error_dialog')",
            login=self.finance.login,
        )

    def test_tour_from_waiting_list_to_discharge(self):
        entry = self.env["care.residence.waiting"].create(
            {"elder_id": self.mother.id, "room_type": "single"}
        )
        self.start_tour(
            f"/odoo/action-care_residence.action_care_residence_waiting/{entry.id}",
            "care_residence_stay",
            login=self.manager.login,
        )
        self.env.invalidate_all()
        stay = entry.stay_id
        self.assertEqual(entry.state, "admitted")
        self.assertEqual(stay.state, "discharged")
        self.assertEqual(stay.discharge_reason, "home")
        self.assertEqual(stay.bed_id, self.bed_single)
        self.assertTrue(stay.deposit_move_id)
        self.assertTrue(stay.refund_move_id)
        self.assertEqual(self.bed_single.state, "free")

    def test_tour_bed_board_drag_admit_discharge(self):
        """The bed board: drag an elder from the waiting list onto a free bed
        (reserved through the board's server method), admit, discharge."""
        entry = self.env["care.residence.waiting"].create(
            {"elder_id": self.mother.id, "room_type": "single"}
        )
        self.start_tour(
            "/odoo/action-care_residence.action_care_residence_bed_board_client",
            "care_residence_bed_board",
            login=self.manager.login,
        )
        self.env.invalidate_all()
        stay = entry.stay_id
        self.assertEqual(entry.state, "admitted")
        self.assertEqual(stay.bed_id, self.bed_single)
        self.assertEqual(stay.stay_type, "long")
        self.assertEqual(stay.date_admitted, self.today)
        self.assertEqual(stay.state, "discharged")
        self.assertEqual(stay.discharge_reason, "home")
        self.assertTrue(stay.deposit_move_id)
        self.assertTrue(stay.refund_move_id)
        self.assertEqual(self.bed_single.state, "free")
