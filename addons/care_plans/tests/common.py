from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user

from odoo.addons.care_dispatch.tests.common import DispatchCase


class PlanCase(DispatchCase):
    """DispatchCase's elder and providers, a 200-a-month plan including two
    housekeeping visits (60 each beyond), finance, a care manager."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.finance = new_test_user(
            cls.env,
            login="pl_finance",
            groups="base.group_user,elder_crm.group_care_finance",
        )
        cls.manager = new_test_user(
            cls.env,
            login="pl_manager",
            groups="base.group_user,elder_crm.group_care_manager",
        )
        cls.plan = cls.env["care.plan"].create(
            {
                "name": "基础套餐",
                "tier": "basic",
                "monthly_fee": 200,
                "line_ids": [
                    (
                        0,
                        0,
                        {
                            "category_id": cls.housekeeping.id,
                            "quota": 2,
                            "price_beyond": 60,
                        },
                    )
                ],
            }
        )
        cls.daughter = cls.elder.contact_ids.partner_id
        cls.Subscription = cls.env["care.plan.subscription"]
        cls.Contract = cls.env["contract.contract"]

    def sign(self, plan=None, user=None, **kw):
        """Sign as reception (the receptionist by default); the subscription."""
        elder = self.elder.with_user(user or self.receptionist)
        sid = elder.action_care_sign_plan((plan or self.plan).id, **kw)
        return self.Subscription.browse(sid)

    def invoice(self, day):
        """OCA's cron on ``day``: the invoices it made."""
        before = self.env["account.move"].search([])
        self.Contract.cron_recurring_create_invoice(day)
        return self.env["account.move"].search([]) - before

    def done_order(self, category=None):
        """A visit carried out now (the frozen now in a test), completed."""
        from odoo.addons.care_dispatch.tests.test_visit import PNG

        t0 = fields.Datetime.now().replace(microsecond=0)
        order = self.make_order(
            category=category,
            request_early=t0 + timedelta(minutes=5),
            request_late=t0 + timedelta(hours=3),
        )
        order.action_care_dispatch(self.good.id)
        order.action_care_checkin()
        order.action_care_checkout()
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
