import threading
from datetime import timedelta

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, api, fields
from odoo.tests import BaseCase, tagged


@tagged("post_install", "-at_install")
class TestParallelCompletions(BaseCase):
    """Eight completions in parallel transactions, on committed data, on a
    quota of three: three included, five beyond, the quota never overdrawn
    (each retries on a serialization failure, as Odoo's RPC layer does)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        from odoo.modules.registry import Registry
        from odoo.tests.common import get_db_name

        cls.registry = Registry(get_db_name())

    def setUp(self):
        super().setUp()
        from odoo.addons.care_dispatch.tests.test_visit import PNG

        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            housekeeping = env.ref("care_dispatch.cat_housekeeping")
            territory = env["res.territory"].create({"name": "套餐并发片区"})
            street = env["care.community"].create(
                {"name": "套餐并发街道", "kind": "street", "territory_id": territory.id}
            )
            elder = env["care.elder"].create(
                {
                    "name": "套餐并发老人",
                    "street": "红庙北里98号",
                    "community_id": street.id,
                }
            )
            provider = env["care.provider"].create(
                {
                    "name": "套餐并发服务公司",
                    "category_ids": [(6, 0, housekeeping.ids)],
                    "territory_ids": [(6, 0, territory.ids)],
                    "qualification_ids": [
                        (
                            0,
                            0,
                            {"kind": "business_licence", "date_expiry": "2099-01-01"},
                        )
                    ],
                }
            )
            provider.action_approve()
            plan = env["care.plan"].create(
                {
                    "name": "并发套餐",
                    "monthly_fee": 100,
                    "line_ids": [(0, 0, {"category_id": housekeeping.id, "quota": 3})],
                }
            )
            subscription = env["care.plan.subscription"]._care_sign(elder, plan)
            t0 = fields.Datetime.now()
            orders = env["fsm.order"]
            for _i in range(8):
                order = env["fsm.order"].create(
                    {
                        "care_elder_id": elder.id,
                        "care_category_id": housekeeping.id,
                        "request_early": t0 + timedelta(minutes=5),
                        "request_late": t0 + timedelta(hours=3),
                    }
                )
                order.action_care_dispatch(provider.id)
                order.action_care_checkin()
                order.action_care_checkout()
                env["ir.attachment"].create(
                    {
                        "name": "p.png",
                        "datas": PNG,
                        "res_model": "fsm.order",
                        "res_id": order.id,
                    }
                )
                orders |= order
            self.ids = {
                "orders": orders.ids,
                "subscription": subscription.id,
                "contract": subscription.contract_id.id,
                "plan": plan.id,
                "provider": provider.id,
                "elder": elder.id,
            }
        self.addCleanup(self.cleanup)

    def cleanup(self):
        ids = self.ids
        with self.registry.cursor() as cr:
            cr.execute(
                "DELETE FROM care_plan_usage WHERE subscription_id = %s",
                (ids["subscription"],),
            )
            cr.execute(
                "DELETE FROM care_plan_subscription WHERE id = %s",
                (ids["subscription"],),
            )
            cr.execute("DELETE FROM fsm_order WHERE id IN %s", (tuple(ids["orders"]),))
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["contract.contract"].browse(ids["contract"]).unlink()
            env["care.plan"].browse(ids["plan"]).unlink()
            env["care.provider"].browse(ids["provider"]).unlink()
            env["care.elder"].browse(ids["elder"]).unlink()

    def complete(self, order_id, errors):
        try:
            for _attempt in range(20):
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
                    try:
                        env["fsm.order"].browse(order_id).action_complete()
                        # each completion has its own cursor in its own thread:
                        # the race is between committed transactions
                        cr.commit()  # pylint: disable=invalid-commit
                        return
                    except SerializationFailure:
                        cr.rollback()
                        self.retries.append(order_id)
            errors.append(f"order {order_id}: still failing after 20 attempts")
        except Exception as error:
            errors.append(repr(error))

    def test_parallel_completions_never_overdraw(self):
        errors, self.retries = [], []
        threads = [
            threading.Thread(target=self.complete, args=(order_id, errors))
            for order_id in self.ids["orders"]
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        self.assertEqual(errors, [])
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT allowance, used FROM care_plan_quota WHERE subscription_id = %s",
                (self.ids["subscription"],),
            )
            quotas = cr.fetchall()
            cr.execute(
                "SELECT kind, COUNT(*) FROM care_plan_usage"
                " WHERE subscription_id = %s GROUP BY kind",
                (self.ids["subscription"],),
            )
            usages = dict(cr.fetchall())
        self.assertEqual(quotas, [(3, 3)])
        self.assertEqual(usages, {"included": 3, "beyond": 5})
