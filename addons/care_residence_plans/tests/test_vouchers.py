"""With care_residence_vouchers installed too: the programme's share of a
month invoiced by the stay's contract is redeemed once, billed to the
funding body, deducted on the contract's invoice, and given back once when
that invoice is cancelled. (Skipped where care_residence_vouchers is not
installed: the full suite's database has it.)"""

from datetime import date
from unittest import SkipTest

from .test_contract_fees import ContractCase

D = date


class TestContractShares(ContractCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        module = cls.env["ir.module.module"]._get("care_residence_vouchers")
        if module.state != "installed":
            raise SkipTest("care_residence_vouchers is not installed")
        cls.bureau = cls.env["res.partner"].create(
            {"name": "测试区民政局", "is_company": True}
        )
        cls.subsidy = cls.env["care.voucher.programme"].create(
            {
                "name": "测试机构养老补贴",
                "funding_partner_id": cls.bureau.id,
                "channel": "residential",
                "date_start": D(2025, 1, 1),
                "min_gbt_level": "2",
                "level_amount": 1500,
                "covered_share": 50,
                "service_category_ids": [
                    (6, 0, cls.env["care.service.category"].search([], limit=1).ids)
                ],
            }
        )

    def test_share_applied_once_on_the_contract_invoice(self):
        stay = self.admitted(self.mother, self.bed_single, D(2026, 1, 1))
        entitlement = self.env["care.voucher.entitlement"].create(
            {
                "elder_id": self.mother.id,
                "programme_id": self.subsidy.id,
                "date_start": D(2025, 1, 1),
                "approval_ref": "测试民养批〔2026〕2号",
            }
        )
        entitlement.action_approve()
        self.subsidy._issue_month(D(2026, 1, 1))
        self.both_runs(D(2026, 1, 1), D(2026, 1, 31), residence_first=False)
        self.both_runs(D(2026, 1, 1), D(2026, 1, 31))
        fee = stay.fee_ids
        self.assertEqual(len(fee), 1)
        move = fee.move_id
        self.assertEqual(
            move.invoice_line_ids.contract_line_id.contract_id, stay.care_contract_id
        )
        # 6700 less the programme's 1500 (50 % of 6700, capped by the balance)
        self.assertEqual(move.amount_total, 5200)
        self.assertEqual(move.state, "posted")
        self.assertEqual(
            [(m.partner_id, m.amount_total, m.state) for m in fee.share_move_ids],
            [(self.bureau, 1500, "posted")],
        )
        Line = self.env["care.voucher.line"]
        self.assertEqual(
            Line.search([("residence_stay_id", "=", stay.id)]).mapped("amount"),
            [-1500],
        )
        # cancelled: the share goes back, once
        move.with_user(self.finance).button_cancel()
        move._care_residence_give_back()
        self.assertEqual(entitlement._balances(self.today)[entitlement.id], 1500)
        self.assertEqual(fee.share_move_ids.state, "cancel")
