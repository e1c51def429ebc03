from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError

from .common import ResidenceCase

D = date


class TestFees(ResidenceCase):
    """Admitted 20 January 2026 in a double room (2000 a month), moved to the
    single room (3000) on 10 February, in hospital 15-18 February (3 days
    without meals), discharged 5 March (the first day away). Care level 2:
    2500 a month; meals 1200 a month; deposit 5000."""

    def setUp(self):
        super().setUp()
        self.stay = self.reserve(self.mother, self.bed_s1, D(2026, 1, 20))
        self.stay.payer_id = self.daughter
        self.stay.with_user(self.manager).action_admit(D(2026, 1, 20))
        manager_stay = self.stay.with_user(self.manager)
        manager_stay._transfer(self.bed_single, D(2026, 2, 10))
        self.env["care.residence.leave"].with_user(self.manager).create(
            {
                "stay_id": self.stay.id,
                "date_from": D(2026, 2, 15),
                "date_to": D(2026, 2, 18),
            }
        )
        manager_stay._discharge(D(2026, 3, 5), "home")

    def invoice(self, month):
        fees = self.stay.with_user(self.finance)._care_invoice_month(month)
        self.assertEqual(len(fees), 1)
        move = fees.move_id
        self.assertEqual(move.partner_id, self.daughter)
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.move_type, "out_invoice")
        return [
            (line.product_id, line.price_subtotal)
            for line in move.invoice_line_ids.sorted("sequence")
        ]

    def products(self):
        ref = self.env.ref
        return (
            ref("care_residence.product_bed"),
            ref("care_residence.product_care"),
            ref("care_residence.product_meals"),
        )

    def test_prices_fixed_at_admission(self):
        stay = self.stay
        self.assertEqual(stay.care_level_id, self.level_2)
        self.assertEqual(
            (stay.bed_price, stay.care_price, stay.meal_price, stay.deposit_amount),
            (2000, 2500, 1200, 5000),
        )

    def test_partial_first_month(self):
        bed, care, meals = self.products()
        # 12 days of 31 (20-31 January)
        self.assertEqual(
            self.invoice(D(2026, 1, 1)),
            [(bed, 774.19), (care, 967.74), (meals, 464.52)],
        )

    def test_month_with_a_transfer_and_a_leave(self):
        bed, care, meals = self.products()
        # 9 days in the double room, 19 in the single one; 25 days of meals
        self.assertEqual(
            self.invoice(D(2026, 2, 14)),
            [(bed, 642.86), (bed, 2035.71), (care, 2500.0), (meals, 1071.43)],
        )

    def test_month_of_the_discharge(self):
        bed, care, meals = self.products()
        # 1-4 March: 4 days of 31 in the single room
        self.assertEqual(
            self.invoice(D(2026, 3, 1)),
            [(bed, 387.10), (care, 322.58), (meals, 154.84)],
        )
        self.assertFalse(
            self.stay.with_user(self.finance)._care_invoice_month(D(2026, 4, 1))
        )
        self.assertFalse(
            self.stay.with_user(self.finance)._care_invoice_month(D(2025, 12, 1))
        )

    def test_one_invoice_per_stay_and_month(self):
        self.invoice(D(2026, 1, 1))
        moves = self.count("account.move")
        again = self.stay.with_user(self.finance)._care_invoice_month(D(2026, 1, 31))
        self.assertFalse(again)
        self.assertEqual(self.count("account.move"), moves)
        self.assertEqual(len(self.stay.fee_ids), 1)

    def test_cron_invoices_last_month(self):
        with freeze_time("2026-02-01 08:00:00"):
            self.env["care.residence.stay"]._cron_monthly_fees()
        fee = self.stay.fee_ids
        self.assertEqual(fee.month, D(2026, 1, 1))
        self.assertAlmostEqual(fee.move_id.amount_total, 774.19 + 967.74 + 464.52)
        self.assertEqual(fee.move_id.invoice_date, D(2026, 1, 31))

    def test_deposit_and_refund(self):
        deposit, refund = self.stay.deposit_move_id, self.stay.refund_move_id
        self.assertEqual(deposit.move_type, "out_invoice")
        self.assertEqual(deposit.state, "posted")
        self.assertEqual(deposit.amount_total, 5000)
        self.assertEqual(deposit.partner_id, self.daughter)
        self.assertEqual(deposit.invoice_date, D(2026, 1, 20))
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.state, "posted")
        self.assertEqual(refund.amount_total, 5000)
        self.assertEqual(refund.reversed_entry_id, deposit)
        self.assertEqual(refund.invoice_date, D(2026, 3, 5))
        self.assertEqual(self.stay.length_days, 44)

    def test_deposit_posts_to_a_liability_account(self):
        """The deposit is owed back: the invoice credits a liability account
        (not income) and the refund debits it back to zero."""
        account = self.company.care_deposit_account_id
        self.assertEqual(account.account_type, "liability_current")
        self.assertEqual(account.code, "224101")
        deposit, refund = self.stay.deposit_move_id, self.stay.refund_move_id
        products = deposit.line_ids.filtered(lambda ln: ln.display_type == "product")
        self.assertEqual(products.account_id, account)
        self.assertEqual((products.credit, products.debit), (5000, 0))
        receivable = deposit.line_ids - products
        self.assertEqual(receivable.account_id.account_type, "asset_receivable")
        self.assertEqual(receivable.debit, 5000)
        self.assertFalse(
            deposit.line_ids.filtered(
                lambda ln: ln.account_id.account_type.startswith("income")
            )
        )
        back = refund.line_ids.filtered(lambda ln: ln.account_id == account)
        self.assertEqual((back.debit, back.credit), (5000, 0))
        lines = self.env["account.move.line"].search(
            [("account_id", "=", account.id), ("parent_state", "=", "posted")]
        )
        stay_lines = lines.filtered(lambda ln: ln.move_id in deposit | refund)
        self.assertEqual(len(stay_lines), 2)
        self.assertEqual(sum(stay_lines.mapped("balance")), 0)
        # the monthly fees stay income
        self.invoice(D(2026, 1, 1))
        fee_lines = self.stay.fee_ids.move_id.invoice_line_ids
        self.assertNotIn(account, fee_lines.account_id)
        self.assertEqual(set(fee_lines.account_id.mapped("account_type")), {"income"})

    def test_deposit_account_configured_or_created(self):
        other = self.env["account.account"].create(
            {
                "name": "测试押金",
                "code": "224188",
                "account_type": "liability_current",
                "company_ids": [(6, 0, self.company.ids)],
            }
        )
        self.company.care_deposit_account_id = other
        stay = self.admitted(self.aunt, self.bed_w1, D(2026, 2, 1))
        products = stay.deposit_move_id.line_ids.filtered(
            lambda ln: ln.display_type == "product"
        )
        self.assertEqual(products.account_id, other)
        # a company without the Chinese chart (without any chart): created
        # once, then found again
        company = self.env["res.company"].create({"name": "测试无科目表"})
        account = company._care_deposit_account()
        self.assertEqual(account.account_type, "liability_current")
        self.assertEqual(account.company_ids, company)
        self.assertEqual(company.care_deposit_account_id, account)
        company.care_deposit_account_id = False
        self.assertEqual(company._care_deposit_account(), account)

    def test_fees_and_deposits_belong_to_their_code_paths(self):
        stay = self.stay
        for user in (self.reception, self.manager, self.finance):
            for vals in (
                {"care_price": 1},
                {"deposit_amount": 0},
                {"bed_price": 1},
                {"refund_move_id": False},
                {"state": "admitted"},
            ):
                with self.assertRaises(AccessError):
                    stay.with_user(user).write(vals)
        self.env.invalidate_all()
        self.assertEqual((stay.care_price, stay.deposit_amount), (2500, 5000))
        self.assertTrue(stay.refund_move_id)
        # (the care manager's group includes finance)
        for user in (self.reception, self.dispatcher):
            with self.assertRaises(AccessError):
                stay.with_user(user)._care_invoice_month(D(2026, 1, 1))
        with self.assertRaises(AccessError):
            self.env["care.residence.fee"].with_user(self.finance).create(
                {
                    "stay_id": stay.id,
                    "month": D(2026, 1, 1),
                    "move_id": stay.deposit_move_id.id,
                }
            )
        self.assertFalse(stay.fee_ids)
