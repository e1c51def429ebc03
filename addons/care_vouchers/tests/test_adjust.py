from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.elder_crm.tools import id_number as idn

from .common import VoucherCase


@tagged("post_install", "-at_install")
class TestAdjust(VoucherCase):
    def test_finance_adjusts_with_a_reason(self):
        entitlement = self.entitle()
        self.programme._issue_month(self.this_month)
        Adjust = self.env["care.voucher.adjust"].with_user(self.finance)
        Adjust.create(
            {"entitlement_id": entitlement.id, "amount": 50, "reason": "补发"}
        ).action_post()
        self.assertEqual(self.balance(entitlement), 150.0)
        with self.assertRaisesRegex(ValidationError, "balance negative"):
            Adjust.create(
                {"entitlement_id": entitlement.id, "amount": -200, "reason": "x"}
            ).action_post()
        with self.assertRaisesRegex(ValidationError, "not zero"):
            Adjust.create(
                {"entitlement_id": entitlement.id, "amount": 0, "reason": "x"}
            )
        wizard = Adjust.create(
            {"entitlement_id": entitlement.id, "amount": 1, "reason": "x"}
        )
        with self.assertRaisesRegex(UserError, "Only finance"):
            wizard.with_user(self.agent).action_post()
        [line] = self.env["care.voucher.line"].search(
            [("entitlement_id", "=", entitlement.id), ("kind", "=", "adjust")]
        )
        self.assertEqual(
            (line.amount, line.name, line.create_uid), (50.0, "补发", self.finance)
        )
        self.assertEqual(self.balance(entitlement), 150.0)

    def test_claim_sheet_masks_id_numbers(self):
        self.elder.sudo().id_number = "110105194106110330"
        export = self.env["care.service.export"].create(
            {"date_from": self.this_month, "date_to": self.this_month}
        )
        order = self.done_order()
        header, rows = export.with_context(care_mask_id_numbers=True)._rows_for(order)
        column = header.index("ID Number")
        self.assertEqual(rows[0][column], idn.mask("110105194106110330"))
        self.assertNotIn("19410611", rows[0][column])
        # a manager's own export keeps what the manager may see
        header, rows = export._rows_for(order)
        self.assertEqual(rows[0][column], "110105194106110330")
