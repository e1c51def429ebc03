from datetime import date, timedelta

from odoo import fields
from odoo.tests import new_test_user

from odoo.addons.care_dispatch.tests.common import DispatchCase


class VoucherCase(DispatchCase):
    """DispatchCase's elder, 80+, in a programme paying half of housekeeping
    up to 40 a month from 100 a month."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.age_80 = ref("elder_crm.subsidy_category_age_80")
        cls.age_90 = ref("elder_crm.subsidy_category_age_90")
        cls.elder.subsidy_category_ids = cls.age_80
        cls.finance = new_test_user(
            cls.env,
            login="cc_finance",
            groups="base.group_user,elder_crm.group_care_finance",
        )
        cls.bureau = cls.env["res.partner"].create(
            {"name": "测试区民政局", "is_company": True}
        )
        cls.env["care.provider.price"].create(
            {
                "provider_id": cls.good.id,
                "category_id": cls.housekeeping.id,
                "price": 70,
            }
        )
        cls.programme = cls.make_programme()
        cls.this_month = fields.Date.today().replace(day=1)

    @classmethod
    def make_programme(cls, **vals):
        return cls.env["care.voucher.programme"].create(
            {
                "name": "高龄服务券",
                "funding_partner_id": cls.bureau.id,
                "date_start": date(2020, 1, 1),
                "amount_ids": [
                    (0, 0, {"subsidy_category_id": cls.age_80.id, "amount": 100}),
                    (0, 0, {"subsidy_category_id": cls.age_90.id, "amount": 150}),
                ],
                "covered_share": 50,
                "monthly_cap": 40,
                "service_category_ids": [(6, 0, cls.housekeeping.ids)],
                **vals,
            }
        )

    def entitle(self, programme=None, elder=None):
        entitlement = self.env["care.voucher.entitlement"].create(
            {
                "elder_id": (elder or self.elder).id,
                "programme_id": (programme or self.programme).id,
                "date_start": date(2020, 1, 1),
                "approval_ref": "朝民养批〔2026〕1号",
            }
        )
        entitlement.action_approve()
        return entitlement

    def done_order(self, provider=None, photo=True):
        """A housekeeping visit carried out now, completed."""
        t0 = fields.Datetime.now().replace(microsecond=0)
        order = self.make_order(
            request_early=t0 + timedelta(minutes=5),
            request_late=t0 + timedelta(hours=3),
        )
        order.action_care_dispatch((provider or self.good).id)
        return self.complete(order, photo=photo)

    def complete(self, order, photo=True):
        """Check in and out, a photo (unless not), completion."""
        from odoo.addons.care_dispatch.tests.test_visit import PNG

        order.action_care_checkin()
        order.action_care_checkout()
        if photo:
            self.env["ir.attachment"].create(
                {
                    "name": "p.png",
                    "datas": PNG,
                    "res_model": "fsm.order",
                    "res_id": order.id,
                }
            )
        order.action_complete()
        return order

    def balance(self, entitlement):
        return entitlement._balances()[entitlement.id]
