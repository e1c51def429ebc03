import base64
import io

import openpyxl

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import VoucherCase


@tagged("post_install", "-at_install")
class TestSettlement(VoucherCase):
    def setUp(self):
        super().setUp()
        self.programme.write({"monthly_cap": 0, "covered_share": 50, "code": "GL-TEST"})
        self.entitlement = self.entitle()
        self.programme._issue_month(self.this_month)

    def settle(self, kind, **vals):
        wizard = (
            self.env["care.voucher.settle"]
            .with_user(self.finance)
            .create(
                {
                    "period": self.this_month,
                    "kind": kind,
                    # the demo's programmes have services this month too
                    "programme_ids": [(6, 0, self.programme.ids)],
                    **vals,
                }
            )
        )
        action = wizard.action_create()
        return self.env["account.move"].browse(action["domain"][0][2])

    def ledger_total(self, orders):
        lines = self.env["care.voucher.line"].search(
            [("order_id", "in", orders.ids), ("kind", "in", ("redeem", "reverse"))]
        )
        return -sum(lines.mapped("amount"))

    def test_claim_then_bill_tie_to_the_ledger(self):
        done = self.done_order() | self.done_order()
        missing = self.done_order()
        missing.signature = False
        self.env["ir.attachment"].search(
            [("res_model", "=", "fsm.order"), ("res_id", "=", missing.id)]
        ).unlink()  # the photo is gone: this one is deducted at verification
        self.assertEqual(set(done.mapped("care_settlement_state")), {"draft"})
        self.assertEqual(done.mapped("care_voucher_period"), [self.this_month] * 2)

        with self.assertRaisesRegex(UserError, "Nothing to settle"):
            self.settle("bill")  # nothing claimed yet
        [claim] = self.settle("claim")
        self.assertEqual(missing.care_settlement_state, "deducted")
        self.assertEqual(missing.care_voucher_state, "reversed")
        self.assertEqual(set(done.mapped("care_settlement_state")), {"claimed"})
        self.assertEqual(claim.move_type, "out_invoice")
        self.assertEqual(claim.partner_id, self.bureau)
        self.assertEqual(len(claim.invoice_line_ids), 2)
        self.assertEqual(claim.invoice_line_ids.care_order_id, done)
        # to the cent: the claim is what the ledger redeemed for these services
        self.assertAlmostEqual(claim.amount_total, 70.0)
        self.assertAlmostEqual(claim.amount_total, self.ledger_total(done), places=2)
        self.assertEqual(self.ledger_total(missing), 0.0, "deducted: given back")
        # the service records go with the claim
        [sheet] = self.env["ir.attachment"].search(
            [("res_model", "=", "account.move"), ("res_id", "=", claim.id)]
        )
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(sheet.datas)))
        rows = list(book.active.iter_rows(values_only=True))
        self.assertEqual(len(rows), 3)
        header = rows[0]
        paid = header.index("Paid by voucher")
        self.assertAlmostEqual(sum(row[paid] for row in rows[1:]), claim.amount_total)
        with self.assertRaisesRegex(UserError, "Nothing to claim"):
            self.settle("claim")  # claimed once

        [bill] = self.settle("bill")
        self.assertEqual(bill.move_type, "in_invoice")
        self.assertEqual(bill.partner_id, self.good.partner_id)
        self.assertAlmostEqual(bill.amount_total, claim.amount_total)
        self.assertEqual(set(done.mapped("care_settlement_state")), {"settled"})
        self.assertEqual(done.care_bill_move_id, bill)

    def test_a_claimed_service_is_not_disputed_silently(self):
        order = self.done_order()
        self.settle("claim")
        with self.assertRaisesRegex(UserError, "credit note"):
            order.with_user(self.finance).action_care_voucher_dispute()
        self.assertEqual(order.care_voucher_state, "redeemed")

    def test_only_finance_settles(self):
        order = self.done_order()
        with self.assertRaises(AccessError):
            self.env["care.voucher.settle"].with_user(self.agent).create(
                {"period": self.this_month}
            )
        with self.assertRaisesRegex(UserError, "Only finance"):
            order.with_user(self.agent).action_care_settlement_verify()
        self.assertEqual(order.care_settlement_state, "draft")
        # finance bills and invoices in Invoicing
        self.assertTrue(self.finance.has_group("account.group_account_invoice"))

    def test_reconciliation_report_and_statement(self):
        done = self.done_order()  # 35 by voucher, 35 co-paid
        deducted = self.done_order()  # 35 by voucher, deducted at verification
        deducted.signature = False
        self.env["ir.attachment"].search(
            [("res_model", "=", "fsm.order"), ("res_id", "=", deducted.id)]
        ).unlink()
        Report = self.env["care.voucher.report"].with_user(self.finance)
        measures = ["issued", "redeemed", "expired", "outstanding", "copay", "deducted"]
        self.settle("claim")  # verifies: the second is deducted
        [row] = Report.read_group(
            [("programme_id", "=", self.programme.id)],
            [f"{m}:sum" for m in measures],
            [],
        )
        figures = {m: row[m] for m in measures}
        ledger = sum(
            self.env["care.voucher.line"]
            .search([("programme_id", "=", self.programme.id)])
            .mapped("amount")
        )
        self.assertEqual(
            figures,
            {
                "issued": 100.0,
                "redeemed": 35.0,  # 35 + 35, less the 35 given back
                "expired": 0.0,
                "outstanding": 65.0,
                "copay": 35.0,
                "deducted": 35.0,
            },
        )
        self.assertEqual(figures["outstanding"], ledger)
        self.assertEqual(done.care_copay_amount, 35.0)
        by_category = Report.read_group(
            [("programme_id", "=", self.programme.id), ("issued", ">", 0)],
            ["issued:sum"],
            ["subsidy_category_id"],
        )
        self.assertEqual(by_category[0]["subsidy_category_id"][0], self.age_80.id)

        wizard = (
            self.env["care.voucher.settle"]
            .with_user(self.finance)
            .create(
                {
                    "period": self.this_month,
                    "programme_ids": [(6, 0, self.programme.ids)],
                }
            )
        )
        [statement] = wizard._statement()
        self.assertEqual(statement["total"]["redeemed"], 35.0)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("care_vouchers.report_voucher_statement", wizard.ids)[0]
            .decode()
        )
        self.assertIn(self.programme.name, html)
        self.assertIn(self.bureau.name, html)
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("care_vouchers.report_voucher_statement", wizard.ids)
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
