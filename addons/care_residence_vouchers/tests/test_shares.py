"""A stay's monthly fee shared with residential programmes, on known data.

The elder (level 2) lives in the single room (3000 a month) with care level
2 (2500) and meals (1200): 6700 a month. Two residential programmes:
the district's residential subsidy (first: 50 % of the fee, 1500 a month)
and long-term-care insurance (second: 70 % of what is left, at most 2000 a
month, 3000 a month)."""

from datetime import date

from odoo.addons.care_residence.tests.common import ResidenceCase

D = date


class SharesCase(ResidenceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.bureau = Partner.create({"name": "测试区民政局", "is_company": True})
        cls.insurer = Partner.create({"name": "测试市医保局", "is_company": True})
        cls.category = cls.env["care.service.category"].search([], limit=1)
        cls.subsidy = cls.programme("测试机构养老补贴", cls.bureau, 1, 1500, 50)
        cls.ltc = cls.programme("测试长护险", cls.insurer, 2, 3000, 70, cap=2000)

    @classmethod
    def programme(cls, name, funder, sequence, amount, share, cap=0):
        return cls.env["care.voucher.programme"].create(
            {
                "name": name,
                "funding_partner_id": funder.id,
                "sequence": sequence,
                "channel": "residential",
                "date_start": D(2025, 1, 1),
                "min_gbt_level": "2",
                "level_amount": amount,
                "covered_share": share,
                "monthly_cap": cap,
                "service_category_ids": [(6, 0, cls.category.ids)],
            }
        )

    def entitle(self, programme, elder):
        entitlement = self.env["care.voucher.entitlement"].create(
            {
                "elder_id": elder.id,
                "programme_id": programme.id,
                "date_start": D(2025, 1, 1),
                "approval_ref": "测试民养批〔2026〕1号",
            }
        )
        entitlement.action_approve()
        return entitlement

    def balance(self, entitlement):
        return entitlement._balances(D(2026, 2, 1))[entitlement.id]

    def setUp(self):
        super().setUp()
        self.stay = self.admitted(self.mother, self.bed_single, D(2026, 1, 1))
        self.stay.payer_id = self.daughter
        self.e_subsidy = self.entitle(self.subsidy, self.mother)
        self.e_ltc = self.entitle(self.ltc, self.mother)
        (self.subsidy | self.ltc)._issue_month(D(2026, 1, 1))

    def invoice(self, month):
        return self.stay.with_user(self.finance)._care_invoice_month(month)


class TestVoucherShares(SharesCase):
    def test_shares_billed_to_the_programmes_rest_to_the_payer(self):
        self.assertEqual(self.balance(self.e_subsidy), 1500)
        self.assertEqual(self.balance(self.e_ltc), 3000)
        fee = self.invoice(D(2026, 1, 1))
        payer = fee.move_id
        self.assertEqual(payer.partner_id, self.daughter)
        self.assertEqual(payer.state, "posted")
        # 6700 less 1500 (50 % of 6700, the balance) less 2000 (70 % of 5200
        # is 3640, capped at 2000)
        self.assertEqual(payer.amount_total, 3200)
        deducted = payer.invoice_line_ids.filtered(lambda ln: ln.price_unit < 0)
        self.assertEqual(sorted(deducted.mapped("price_subtotal")), [-2000, -1500])
        shares = fee.share_move_ids
        self.assertEqual(
            sorted((m.partner_id.name, m.amount_total, m.state) for m in shares),
            [("测试区民政局", 1500, "posted"), ("测试市医保局", 2000, "posted")],
        )
        self.assertEqual(set(shares.mapped("move_type")), {"out_invoice"})
        # the ledger: one redemption per programme, naming the stay
        lines = self.env["care.voucher.line"].search(
            [("residence_stay_id", "=", self.stay.id)]
        )
        self.assertEqual(
            {(ln.programme_id.id, ln.kind, ln.amount) for ln in lines},
            {(self.subsidy.id, "redeem", -1500), (self.ltc.id, "redeem", -2000)},
        )
        self.assertEqual(self.balance(self.e_subsidy), 0)
        self.assertEqual(self.balance(self.e_ltc), 1000)
        # invoicing the month again: nothing new, nothing redeemed twice
        self.assertFalse(self.invoice(D(2026, 1, 1)))
        self.assertEqual(
            self.env["care.voucher.line"].search_count(
                [("residence_stay_id", "=", self.stay.id)]
            ),
            2,
        )

    def test_never_below_zero(self):
        self.invoice(D(2026, 1, 1))
        # February (nothing issued): the subsidy's balance is 0, the
        # insurance's 1000 left pays 1000 and stops at zero
        fee = self.invoice(D(2026, 2, 1))
        self.assertEqual(fee.move_id.amount_total, 6700 - 1000)
        self.assertEqual(
            [(m.partner_id, m.amount_total) for m in fee.share_move_ids],
            [(self.insurer, 1000)],
        )
        self.assertEqual(self.balance(self.e_subsidy), 0)
        self.assertEqual(self.e_ltc._balances(D(2026, 3, 1))[self.e_ltc.id], 0)
        # March: no balance anywhere, the payer pays it all
        fee = self.invoice(D(2026, 3, 1))
        self.assertEqual(fee.move_id.amount_total, 6700)
        self.assertFalse(fee.share_move_ids)
        amounts = (
            self.env["care.voucher.line"]
            .search([("elder_id", "=", self.mother.id)])
            .mapped("amount")
        )
        self.assertEqual(sum(amounts), 0)

    def test_full_cover_leaves_the_payer_nothing(self):
        generous = self.programme("测试全额补贴", self.bureau, 0, 10000, 100)
        self.entitle(generous, self.mother)
        generous._issue_month(D(2026, 1, 1))
        fee = self.invoice(D(2026, 1, 1))
        self.assertEqual(fee.move_id.amount_total, 0)
        self.assertEqual(fee.move_id.state, "posted")
        self.assertEqual(
            [(m.partner_id, m.amount_total) for m in fee.share_move_ids],
            [(self.bureau, 6700)],
        )
        # the programmes after it redeem nothing
        self.assertEqual(self.balance(self.e_subsidy), 1500)
        self.assertEqual(self.balance(self.e_ltc), 3000)

    def test_closed_month_or_other_channel_pays_nothing(self):
        self.subsidy.closed_until = D(2026, 1, 1)
        self.ltc.channel = "home"
        fee = self.invoice(D(2026, 1, 1))
        self.assertEqual(fee.move_id.amount_total, 6700)
        self.assertFalse(fee.share_move_ids)
        self.assertFalse(
            self.env["care.voucher.line"].search(
                [("residence_stay_id", "=", self.stay.id)]
            )
        )
