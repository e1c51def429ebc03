from odoo.tests import tagged

from .common import FamilyCase


@tagged("post_install", "-at_install")
class TestFamilyPhone(FamilyCase):
    browser_size = "375x812"
    touch_enabled = True

    def test_tour_on_a_phone(self):
        self.line_a.perm_book = True
        self.start_tour("/my/elders", "care_family_phone", login=self.member_a.login)
        order = self.env["fsm.order"].search(
            [("care_elder_id", "=", self.elder_a.id), ("care_from_family", "=", True)]
        )
        self.assertEqual(len(order), 1)
        self.assertEqual(order.care_family_partner_id, self.member_a.partner_id)
        rating = self.visit_a.care_family_rating_ids
        self.assertEqual(rating.rating, 5)
        self.assertEqual(rating.comment, "很细心")
