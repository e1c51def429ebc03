from datetime import date

from odoo import fields

from odoo.addons.care_family.tests.common import FamilyCase


class MoneyCase(FamilyCase):
    """FamilyCase's two families; each elder has a voucher entitlement and a
    co-payment invoice of their visit (as the month's settlement makes it)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        age_80 = cls.env.ref("elder_crm.subsidy_category_age_80")
        (cls.elder_a | cls.elder_b).subsidy_category_ids = age_80
        bureau = cls.env["res.partner"].create(
            {"name": "家属测试民政局", "is_company": True}
        )
        cls.programme = cls.env["care.voucher.programme"].create(
            {
                "name": "家属测试服务券",
                "funding_partner_id": bureau.id,
                "date_start": date(2020, 1, 1),
                "amount_ids": [
                    (0, 0, {"subsidy_category_id": age_80.id, "amount": 100})
                ],
                "covered_share": 50,
                "service_category_ids": [(6, 0, cls.housekeeping.ids)],
            }
        )
        cls.this_month = fields.Date.today().replace(day=1)
        cls.entitlement_a = cls.entitle(cls.elder_a)
        cls.entitlement_b = cls.entitle(cls.elder_b)
        Line = cls.env["care.voucher.line"]
        Line._post(cls.entitlement_a, "redeem", -30.0, cls.this_month, name="测试")
        cls.visit_a.sudo().care_copay_amount = 35.0
        cls.visit_b.sudo().care_copay_amount = 42.0
        Access = cls.env["care.family.access"]
        Access._care_demo_copay_invoice(cls.elder_a.id)
        Access._care_demo_copay_invoice(cls.elder_b.id)
        cls.invoice_a = cls.visit_a.care_copay_move_id
        cls.invoice_b = cls.visit_b.care_copay_move_id
        (cls.line_a | cls.line_b).perm_money = True
        # the demo provider, in test mode, for the payment
        cls.provider = cls.env.ref("payment.payment_provider_demo")
        cls.provider.write({"state": "test", "is_published": True})

    @classmethod
    def entitle(cls, elder):
        entitlement = cls.env["care.voucher.entitlement"].create(
            {
                "elder_id": elder.id,
                "programme_id": cls.programme.id,
                "date_start": date(2020, 1, 1),
                "approval_ref": "家属测试〔2026〕1号",
            }
        )
        entitlement.action_approve()
        if not entitlement.line_ids.filtered(lambda line: line.kind == "issue"):
            cls.env["care.voucher.line"]._post(
                entitlement, "issue", 100.0, cls.this_month
            )
        return entitlement
