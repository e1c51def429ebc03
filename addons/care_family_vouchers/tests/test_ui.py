from odoo.tests import tagged

from .common import MoneyCase


@tagged("post_install", "-at_install")
class TestFamilyPayPhone(MoneyCase):
    browser_size = "375x812"
    touch_enabled = True

    def test_tour_pay_a_copayment_on_a_phone(self):
        self.assertTrue(self.invoice_a._has_to_be_paid())
        self.start_tour(
            f"/my/elder/{self.elder_a.id}",
            "care_family_pay",
            login=self.member_a.login,
        )
        transaction = self.invoice_a.transaction_ids
        self.assertEqual(len(transaction), 1)
        self.assertEqual(transaction.provider_id, self.provider)
        self.assertEqual(transaction.state, "done")
        self.assertEqual(transaction.partner_id, self.member_a.partner_id)
        transaction._post_process()
        self.assertIn(self.invoice_a.payment_state, ("paid", "in_payment"))
