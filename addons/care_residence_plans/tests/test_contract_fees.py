"""A stay's monthly fees on an OCA contract, on known numbers.

The test building's prices: the women's double room 2000 a month, the
single room 3000; care level 2: 2500 a month; meals 1200 a month."""

from datetime import date

from odoo.exceptions import AccessError, UserError

from odoo.addons.care_residence.tests.common import ResidenceCase

D = date


class ContractCase(ResidenceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.care_residence_contracts = True
        cls.Contract = cls.env["contract.contract"]
        cls.Stay = cls.env["care.residence.stay"]

    def both_runs(self, month_start, month_end, residence_first=True):
        """The residence's monthly run and OCA's contract cron, for a month."""
        runs = [
            lambda: self.Stay._invoice_month(month_start),
            lambda: self.Contract.cron_recurring_create_invoice(month_end),
        ]
        for run in runs if residence_first else runs[::-1]:
            run()

    def fee_moves(self, stay):
        return stay.fee_ids.move_id

    def amounts(self, move):
        bed, care, meals = (
            self.env.ref("care_residence.product_bed"),
            self.env.ref("care_residence.product_care"),
            self.env.ref("care_residence.product_meals"),
        )
        names = {bed: "bed", care: "care", meals: "meals"}
        return sorted(
            (names[line.product_id], line.price_subtotal)
            for line in move.invoice_line_ids
        )


class TestContractFees(ContractCase):
    def test_admission_makes_the_contract(self):
        stay = self.reserve(self.mother, self.bed_w1, D(2026, 1, 10))
        stay.payer_id = self.daughter
        stay.with_user(self.manager).action_admit(D(2026, 1, 10))
        contract = stay.care_contract_id
        self.assertEqual(len(contract), 1)
        self.assertEqual(contract.care_stay_id, stay)
        self.assertEqual(contract.partner_id, self.daughter)
        self.assertEqual(contract.date_start, D(2026, 1, 10))
        self.assertEqual(
            sorted(
                (line.care_fee_kind, line.price_unit, line.date_start, line.date_end)
                for line in contract.contract_line_ids
            ),
            [
                ("bed", 2000, D(2026, 1, 10), False),
                ("care", 2500, D(2026, 1, 10), False),
                ("meals", 1200, D(2026, 1, 10), False),
            ],
        )
        # the first invoice: the end of January
        self.assertEqual(contract.recurring_next_date, D(2026, 1, 31))
        # the residence's own run leaves the stay to the contract
        self.assertFalse(stay._fee_lines(D(2026, 1, 1)))
        self.assertFalse(
            stay.with_user(self.finance)._care_invoice_month(D(2026, 1, 1))
        )

    def test_transfer_and_discharge_pro_rata(self):
        """Admitted 10 January in the double room (2000), moved to the single
        room (3000) on 20 January, discharged 5 February (first day away)."""
        stay = self.admitted(self.mother, self.bed_w1, D(2026, 1, 10))
        manager_stay = stay.with_user(self.manager)
        manager_stay._transfer(self.bed_single, D(2026, 1, 20))
        contract = stay.care_contract_id
        beds = contract.contract_line_ids.filtered(
            lambda line: line.care_fee_kind == "bed"
        ).sorted("date_start")
        self.assertEqual(
            [(b.price_unit, b.date_start, b.date_end) for b in beds],
            [(2000, D(2026, 1, 10), D(2026, 1, 19)), (3000, D(2026, 1, 20), False)],
        )
        # January (31 days): 10 days at 2000, 12 at 3000, 22 of care and meals
        self.both_runs(D(2026, 1, 1), D(2026, 1, 31))
        january = self.fee_moves(stay)
        self.assertEqual(len(january), 1)
        self.assertEqual(january.state, "posted")
        self.assertEqual(january.invoice_date, D(2026, 1, 31))
        self.assertEqual(
            self.amounts(january),
            [("bed", 645.16), ("bed", 1161.29), ("care", 1774.19), ("meals", 851.61)],
        )
        self.assertAlmostEqual(january.amount_total, 4432.25)
        self.assertEqual(
            january.invoice_line_ids.contract_line_id.contract_id, contract
        )
        manager_stay._discharge(D(2026, 2, 5), "home")
        self.assertFalse(
            contract.contract_line_ids.filtered(lambda line: not line.date_end)
        )
        # February (28 days): 1-4 February in the single room; the contract
        # first, the residence's run after it
        self.both_runs(D(2026, 2, 1), D(2026, 2, 28), residence_first=False)
        february = self.fee_moves(stay) - january
        self.assertEqual(len(february), 1)
        self.assertEqual(
            self.amounts(february),
            [("bed", 428.57), ("care", 357.14), ("meals", 171.43)],
        )
        self.assertEqual(february.invoice_date, D(2026, 2, 28))
        # March and replays: nothing more
        self.both_runs(D(2026, 3, 1), D(2026, 3, 31))
        self.both_runs(D(2026, 2, 1), D(2026, 2, 28))
        contract.with_user(self.finance).recurring_create_invoice()
        self.assertEqual(contract._get_related_invoices(), january | february)
        self.assertEqual(
            self.env["account.move"].search_count(
                [
                    ("partner_id", "=", self.mother.partner_id.id),
                    ("move_type", "=", "out_invoice"),
                    ("id", "!=", stay.deposit_move_id.id),
                ]
            ),
            2,
        )
        self.assertEqual(
            [
                (fee.month, fee.move_id.partner_id)
                for fee in stay.fee_ids.sorted("month")
            ],
            [
                (D(2026, 1, 1), self.mother.partner_id),
                (D(2026, 2, 1), self.mother.partner_id),
            ],
        )

    def test_hospital_leave_no_meals(self):
        stay = self.admitted(self.mother, self.bed_single, D(2026, 1, 1))
        self.env["care.residence.leave"].with_user(self.manager).create(
            {"stay_id": stay.id, "date_from": D(2026, 1, 11), "date_to": D(2026, 1, 16)}
        )
        self.Contract.cron_recurring_create_invoice(D(2026, 1, 31))
        # 26 days of meals of 31
        self.assertEqual(
            self.amounts(self.fee_moves(stay)),
            [("bed", 3000), ("care", 2500), ("meals", 1006.45)],
        )

    def test_running_stay_moves_to_a_contract(self):
        """A stay admitted without a contract (before the setting): the
        residence invoices January; finance moves it to a contract, which
        invoices from February. Both runs each month: one invoice per month."""
        self.company.care_residence_contracts = False
        stay = self.admitted(self.aunt, self.bed_w2, D(2026, 1, 1))
        self.company.care_residence_contracts = True
        self.assertFalse(stay.care_contract_id)
        self.both_runs(D(2026, 1, 1), D(2026, 1, 31))
        self.assertEqual(len(stay.fee_ids), 1)
        action = stay.with_user(self.finance).action_care_make_contract()
        contract = stay.care_contract_id
        self.assertEqual(action["res_id"], contract.id)
        self.assertEqual(contract.date_start, D(2026, 2, 1))
        # a replay makes no second contract
        stay.with_user(self.finance).action_care_make_contract()
        self.assertEqual(
            self.Contract.search_count([("care_stay_id", "=", stay.id)]), 1
        )
        for start, end in (
            (D(2026, 1, 1), D(2026, 1, 31)),
            (D(2026, 2, 1), D(2026, 2, 28)),
        ):
            self.both_runs(start, end)
            self.both_runs(start, end, residence_first=False)
        self.assertEqual(
            [
                (fee.month, fee.move_id.amount_total)
                for fee in stay.fee_ids.sorted("month")
            ],
            [(D(2026, 1, 1), 5700), (D(2026, 2, 1), 5700)],
        )
        january, february = stay.fee_ids.sorted("month").move_id
        self.assertFalse(january.invoice_line_ids.contract_line_id)
        self.assertEqual(
            february.invoice_line_ids.contract_line_id.contract_id, contract
        )

    def test_backdated_transfer_refused(self):
        stay = self.admitted(self.mother, self.bed_w1, D(2026, 1, 10))
        self.Contract.cron_recurring_create_invoice(D(2026, 1, 31))
        with self.refused(UserError, "invoiced until 2026-01-31"):
            stay.with_user(self.manager)._transfer(self.bed_single, D(2026, 1, 25))
        with self.refused(UserError, "invoiced until"):
            stay.with_user(self.manager)._discharge(D(2026, 1, 25), "home")
        self.assertEqual(stay.bed_id, self.bed_w1)
        self.assertEqual(stay.state, "admitted")
        self.assertEqual(len(stay.care_contract_id.contract_line_ids), 3)

    def test_payer_change_follows(self):
        stay = self.admitted(self.mother, self.bed_w1, D(2026, 1, 10))
        stay.with_user(self.finance).payer_id = self.daughter
        self.assertEqual(stay.care_contract_id.partner_id, self.daughter)
        self.assertEqual(stay.care_contract_id.invoice_partner_id, self.daughter)

    def test_stays_without_the_setting_keep_the_residence_run(self):
        self.company.care_residence_contracts = False
        stay = self.admitted(self.mother, self.bed_single, D(2026, 1, 1))
        self.assertFalse(stay.care_contract_id)
        self.both_runs(D(2026, 1, 1), D(2026, 1, 31), residence_first=False)
        self.assertEqual(stay.fee_ids.move_id.amount_total, 6700)
        self.assertFalse(stay.fee_ids.move_id.invoice_line_ids.contract_line_id)


class TestContractAccess(ContractCase):
    def setUp(self):
        super().setUp()
        self.stay = self.admitted(self.mother, self.bed_w1, D(2026, 1, 10))
        self.contract = self.stay.care_contract_id

    def test_wrong_roles_refused(self):
        contracts = self.Contract.search_count([])
        for user in (self.reception, self.dispatcher):
            with self.refused(AccessError, "Only the"):
                self.stay.with_user(user).action_care_make_contract()
            with self.refused(AccessError, "Only the"):
                self.stay.with_user(user).action_care_open_contract()
            with self.refused(AccessError, "."):
                self.contract.with_user(user).read(["recurring_next_date"])
            with self.refused(AccessError, "."):
                self.contract.contract_line_ids.with_user(user).read(["price_unit"])
            with self.refused(AccessError, "."):
                self.stay.with_user(user).read(["care_contract_id"])
            with self.refused(AccessError, "."):
                self.contract.with_user(user).recurring_create_invoice()
            with self.refused(AccessError, "."):
                self.contract.contract_line_ids[:1].with_user(user).write(
                    {"price_unit": 1}
                )
        self.env.invalidate_all()
        self.assertEqual(self.Contract.search_count([]), contracts)
        self.assertFalse(
            self.env["account.move"].search(
                [("invoice_origin", "=", self.contract.name)]
            )
        )
        self.assertEqual(
            sorted(self.contract.contract_line_ids.mapped("price_unit")),
            [1200, 2000, 2500],
        )

    def test_links_belong_to_the_stay(self):
        other = self.admitted(self.aunt, self.bed_w2, D(2026, 1, 10))
        finance = self.contract.with_user(self.finance)
        with self.refused(AccessError, "set by the stay"):
            finance.write({"care_stay_id": other.id})
        with self.refused(AccessError, "set by the stay"):
            self.Contract.with_user(self.finance).create(
                {"name": "x", "partner_id": self.daughter.id, "care_stay_id": other.id}
            )
        with self.refused(AccessError, "set by the stay"):
            finance.contract_line_ids[:1].write({"care_fee_kind": "meals"})
        with self.refused(AccessError, "set by the system"):
            self.stay.with_user(self.finance).write(
                {"care_contract_id": other.care_contract_id.id}
            )
        self.env.invalidate_all()
        self.assertEqual(self.contract.care_stay_id, self.stay)
        self.assertEqual(self.stay.care_contract_id, self.contract)
        self.assertEqual(
            sorted(self.contract.contract_line_ids.mapped("care_fee_kind")),
            ["bed", "care", "meals"],
        )

    def test_finance_sees_the_contract(self):
        action = self.stay.with_user(self.finance).action_care_open_contract()
        self.assertEqual(action["res_id"], self.contract.id)
        self.assertTrue(self.contract.with_user(self.finance).read(["name"]))
