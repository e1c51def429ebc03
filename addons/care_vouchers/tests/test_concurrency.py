import threading
from datetime import date, timedelta

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, api, fields
from odoo.tests import BaseCase, tagged


@tagged("post_install", "-at_install")
class TestParallelRedemptions(BaseCase):
    """Redeemers in parallel transactions, on committed data, can never
    overdraw a balance (each retries on a serialization failure, as Odoo's
    RPC layer does)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        from odoo.modules.registry import Registry
        from odoo.tools import config

        cls.registry = Registry(config["db_name"] or cls._db_name())

    @classmethod
    def _db_name(cls):
        from odoo.tests.common import get_db_name

        return get_db_name()

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            ref = env.ref
            housekeeping = ref("care_dispatch.cat_housekeeping")
            territory = env["res.territory"].create({"name": "并发片区"})
            street = env["care.community"].create(
                {"name": "并发街道", "kind": "street", "territory_id": territory.id}
            )
            age_80 = ref("elder_crm.subsidy_category_age_80")
            elder = env["care.elder"].create(
                {
                    "name": "并发老人",
                    "street": "红庙北里99号",
                    "community_id": street.id,
                    "subsidy_category_ids": [(6, 0, age_80.ids)],
                }
            )
            provider = env["care.provider"].create(
                {
                    "name": "并发服务公司",
                    "category_ids": [(6, 0, housekeeping.ids)],
                    "territory_ids": [(6, 0, territory.ids)],
                    "qualification_ids": [
                        (
                            0,
                            0,
                            {"kind": "business_licence", "date_expiry": "2099-01-01"},
                        )
                    ],
                    "price_ids": [
                        (0, 0, {"category_id": housekeeping.id, "price": 30})
                    ],
                }
            )
            provider.action_approve()
            programme = env["care.voucher.programme"].create(
                {
                    "name": "并发服务券",
                    "funding_partner_id": env.company.partner_id.id,
                    "date_start": date(2020, 1, 1),
                    "amount_ids": [
                        (0, 0, {"subsidy_category_id": age_80.id, "amount": 100})
                    ],
                    "covered_share": 100,
                    "service_category_ids": [(6, 0, housekeeping.ids)],
                }
            )
            entitlement = env["care.voucher.entitlement"].create(
                {
                    "elder_id": elder.id,
                    "programme_id": programme.id,
                    "date_start": date(2020, 1, 1),
                    "approval_ref": "并发",
                }
            )
            entitlement.action_approve()
            programme._issue_month(fields.Date.today())
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
                        "raw": b"\x89PNG\r\n\x1a\n",
                        "mimetype": "image/png",
                        "res_model": "fsm.order",
                        "res_id": order.id,
                    }
                )
                orders |= order
            self.ids = {
                "orders": orders.ids,
                "entitlement": entitlement.id,
                "programme": programme.id,
                "provider": provider.id,
                "elder": elder.id,
                "territory": territory.id,
                "street": street.id,
            }
        self.addCleanup(self.cleanup)

    def cleanup(self):
        ids = self.ids
        with self.registry.cursor() as cr:
            cr.execute(
                "DELETE FROM care_voucher_line WHERE entitlement_id = %s",
                (ids["entitlement"],),
            )
            cr.execute(
                "DELETE FROM care_voucher_entitlement WHERE id = %s",
                (ids["entitlement"],),
            )
            cr.execute(
                "DELETE FROM care_voucher_programme WHERE id = %s", (ids["programme"],)
            )
            cr.execute("DELETE FROM fsm_order WHERE id IN %s", (tuple(ids["orders"]),))
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["care.provider"].browse(ids["provider"]).unlink()
            env["care.elder"].browse(ids["elder"]).unlink()

    def complete(self, order_id, errors):
        try:
            for _attempt in range(20):
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
                    try:
                        env["fsm.order"].browse(order_id).action_complete()
                        # each redeemer has its own cursor in its own thread:
                        # the race is between committed transactions, and a
                        # serialization failure shows only at commit time
                        cr.commit()  # pylint: disable=invalid-commit
                        return
                    except SerializationFailure:
                        cr.rollback()
                        self.retries.append(order_id)
            errors.append(f"order {order_id}: still failing after 20 attempts")
        except Exception as error:
            errors.append(repr(error))

    def test_parallel_redeemers_never_overdraw(self):
        errors, self.retries = [], []
        barrier_threads = [
            threading.Thread(target=self.complete, args=(order_id, errors))
            for order_id in self.ids["orders"]
        ]
        for thread in barrier_threads:
            thread.start()
        for thread in barrier_threads:
            thread.join(120)
        self.assertEqual(errors, [])
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT kind, SUM(amount), COUNT(*) FROM care_voucher_line"
                " WHERE entitlement_id = %s GROUP BY kind",
                (self.ids["entitlement"],),
            )
            ledger = {kind: (total, count) for kind, total, count in cr.fetchall()}
            cr.execute(
                "SELECT SUM(care_voucher_amount), SUM(care_copay_amount), COUNT(*)"
                " FROM fsm_order WHERE id IN %s AND care_voucher_state = 'redeemed'",
                (tuple(self.ids["orders"]),),
            )
            paid, copaid, redeemed = cr.fetchone()
        # 100 issued, 8 services of 30: 3 paid in full, one 10, the rest co-paid
        self.assertEqual(ledger["issue"], (100.0, 1))
        self.assertEqual(ledger["redeem"][0], -100.0)
        self.assertEqual(redeemed, 8)
        self.assertEqual(paid, 100.0)
        self.assertEqual(copaid, 8 * 30 - 100.0)

    def close_month(self, errors, snapshot_taken, redeemed):
        """Close this month in a transaction that began before the
        redemptions committed (its snapshot predates them), retrying on a
        serialization failure as the cron's next run would."""
        try:
            for attempt in range(20):
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
                    try:
                        # the transaction's snapshot is taken by its first query
                        cr.execute("SELECT COUNT(*) FROM care_voucher_line")
                        if attempt == 0:
                            snapshot_taken.set()
                            redeemed.wait(120)
                        env["care.voucher.programme"].browse(
                            self.ids["programme"]
                        )._close_month(fields.Date.today())
                        # a separate cursor racing the redeemers: its result
                        # must be committed for them (and the test) to see it,
                        # and a serialization failure shows only at commit
                        cr.commit()  # pylint: disable=invalid-commit
                        return
                    except SerializationFailure:
                        cr.rollback()
                        self.close_retries.append(attempt)
            errors.append("the close still fails after 20 attempts")
        except Exception as error:
            errors.append(repr(error))

    def test_month_close_racing_redeemers_never_overdraws(self):
        errors, self.retries, self.close_retries = [], [], []
        snapshot_taken, redeemed = threading.Event(), threading.Event()
        closer = threading.Thread(
            target=self.close_month, args=(errors, snapshot_taken, redeemed)
        )
        closer.start()
        self.assertTrue(snapshot_taken.wait(60))
        redeemers = [
            threading.Thread(target=self.complete, args=(order_id, errors))
            for order_id in self.ids["orders"]
        ]
        for thread in redeemers:
            thread.start()
        for thread in redeemers:
            thread.join(120)
        redeemed.set()
        closer.join(120)
        self.assertEqual(errors, [])
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT kind, SUM(amount) FROM care_voucher_line"
                " WHERE entitlement_id = %s GROUP BY kind",
                (self.ids["entitlement"],),
            )
            ledger = dict(cr.fetchall())
            cr.execute(
                "SELECT SUM(amount) FROM care_voucher_line WHERE entitlement_id = %s",
                (self.ids["entitlement"],),
            )
            [balance] = cr.fetchone()
        self.assertGreaterEqual(balance, 0.0, "never a negative balance")
        # the redeemers spent the 100 before the close locked the balance:
        # the close saw that (after a retry) and expired nothing
        self.assertEqual(ledger["redeem"], -100.0)
        self.assertNotIn("expire", ledger)
        self.assertEqual(balance, 0.0)
        self.assertTrue(self.close_retries, "the stale close was retried")
