from dateutil.relativedelta import relativedelta

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import VoucherCase


@tagged("post_install", "-at_install")
class TestBasisReview(VoucherCase):
    """A change of an elder's categories or level moves money only once
    finance confirms it; every confirmation is traced."""

    def setUp(self):
        super().setUp()
        self.entitlement = self.entitle()
        self.next_month = self.this_month + relativedelta(months=1)
        self.month_after = self.this_month + relativedelta(months=2)

    def issued(self, period):
        return self.env["care.voucher.line"].search(
            [
                ("entitlement_id", "=", self.entitlement.id),
                ("kind", "=", "issue"),
                ("period", "=", period),
            ]
        )

    def review_activities(self):
        return self.entitlement.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("care_vouchers.mail_activity_basis_review")
            )
        )

    def test_reception_change_waits_for_finance(self):
        self.assertEqual(self.entitlement.basis_category_ids, self.age_80)
        self.assertEqual(self.entitlement.basis_confirmed_by_id, self.env.user)
        self.programme._issue_month(self.this_month)
        self.assertEqual(self.issued(self.this_month).amount, 100.0)

        # reception records that the elder is 90+ now: 150 a month, but not
        # before finance confirms it
        self.elder.with_user(self.receptionist).write(
            {"subsidy_category_ids": [(4, self.age_90.id)]}
        )
        self.assertTrue(self.entitlement.basis_to_review)
        self.assertEqual(
            (self.entitlement.monthly_amount, self.entitlement.pending_amount),
            (100.0, 150.0),
        )
        self.assertEqual(len(self.review_activities()), 1, "finance has a to-do")
        self.assertIn(
            self.entitlement,
            self.env["care.voucher.entitlement"]
            .with_user(self.finance)
            .search([("basis_to_review", "=", True)]),
        )
        self.programme._issue_month(self.next_month)
        self.assertEqual(self.issued(self.next_month).amount, 100.0, "old basis")

        # neither reception nor a dispatcher confirms, nor writes the basis
        for user in (self.receptionist, self.agent):
            with self.assertRaises(AccessError):
                self.entitlement.with_user(user).action_confirm_basis()
        with self.assertRaisesRegex(AccessError, "set by the system"):
            self.entitlement.with_user(self.finance).write(
                {"basis_category_ids": [(4, self.age_90.id)]}
            )
        with self.assertRaisesRegex(AccessError, "set by the system"):
            self.entitlement.with_user(self.finance).write({"basis_to_review": False})
        self.assertTrue(self.entitlement.basis_to_review)
        self.assertEqual(self.entitlement.basis_category_ids, self.age_80)

        # finance confirms (a finance user without an e-mail address)
        clerk = new_test_user(
            self.env,
            login="cc_finance_nomail",
            email=False,
            groups="base.group_user,elder_crm.group_care_finance",
        )
        self.entitlement.with_user(clerk).action_confirm_basis()
        self.assertFalse(self.entitlement.basis_to_review)
        self.assertEqual(self.entitlement.basis_category_ids, self.age_80 | self.age_90)
        self.assertEqual(self.entitlement.basis_confirmed_by_id, clerk)
        self.assertFalse(self.review_activities(), "the to-do is done")
        trace = self.entitlement.message_ids.filtered(
            lambda m: "Basis confirmed" in (m.body or "")
        )
        self.assertEqual(len(trace), 1)
        self.assertIn("100.0 → 150.0", trace.body)
        self.assertIn(clerk.name, trace.body)
        self.programme._issue_month(self.month_after)
        self.assertEqual(self.issued(self.month_after).amount, 150.0, "new basis")

    def test_level_change_through_assessment_is_reviewed_too(self):
        """A level that changes without a write on the elder (a confirmed
        assessment) is flagged as well, and issuance gives finance a to-do."""
        programme = self.make_programme(
            name="失能补贴",
            amount_ids=False,
            min_gbt_level="2",
            level_amount=300,
        )
        self.elder.subsidy_category_ids = False
        self.elder.gbt_level = "3"  # as a confirmed assessment sets it
        entitlement = self.entitle(programme)
        self.assertEqual(entitlement.basis_gbt_level, "3")
        self.elder.gbt_level = "1"  # as the assessment's recomputation does
        self.assertTrue(entitlement.basis_to_review)
        self.assertEqual(entitlement.pending_amount, 0.0)
        programme._issue_month(self.this_month)
        issued = self.env["care.voucher.line"].search(
            [("entitlement_id", "=", entitlement.id), ("kind", "=", "issue")]
        )
        self.assertEqual(issued.amount, 300.0, "paid from the confirmed level")
        self.assertTrue(entitlement.activity_ids, "issuance gave finance a to-do")
        # finance confirms a basis that no longer qualifies: the entitlement ends
        entitlement.with_user(self.finance).action_confirm_basis()
        self.assertEqual(entitlement.state, "ended")
        self.assertIn("no longer qualify", entitlement.end_reason)

    def test_finance_cannot_move_an_entitlement(self):
        other = self.env["care.elder"].create({"name": "别人", "street": "红庙北里3号"})
        with self.assertRaisesRegex(Exception, "keeps its elder and programme"):
            self.entitlement.with_user(self.finance).write({"elder_id": other.id})
        with self.assertRaisesRegex(AccessError, "set by the system"):
            self.entitlement.with_user(self.finance).write({"state": "applied"})
        self.assertEqual(self.entitlement.elder_id, self.elder)
        self.assertEqual(self.entitlement.state, "active")
