"""Fee runs in parallel transactions, on committed data, never redeem beyond
an elder's balance: the same stay's month run twice at once, and the two
stays of one elder in one month (moved out of one room on the 16th, into
another the same day) against one balance of 1500. Each run retries on a
concurrency error, as Odoo's RPC layer and the cron do."""

import threading
from datetime import date

from psycopg2 import IntegrityError

from odoo import SUPERUSER_ID, api
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tests import BaseCase, tagged

from odoo.addons.elder_crm.tests.common import gbt_values

JANUARY = date(2026, 1, 1)


@tagged("post_install", "-at_install")
class TestParallelFeeRuns(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        from odoo.modules.registry import Registry
        from odoo.tests.common import get_db_name
        from odoo.tools import config

        cls.registry = Registry(config["db_name"] or get_db_name())

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            building = env["care.residence.building"].create(
                {"name": "并发床位费颐养院", "meal_price": 1200, "deposit_amount": 0}
            )
            floor = env["care.residence.floor"].create(
                {"name": "1", "building_id": building.id}
            )
            Room, Bed = env["care.residence.room"], env["care.residence.bed"]
            beds = Bed.browse()
            for name in ("F01", "F02"):
                room = Room.create(
                    {
                        "name": name,
                        "floor_id": floor.id,
                        "room_type": "single",
                        "monthly_price": 3000,
                    }
                )
                beds |= Bed.create({"name": "A", "room_id": room.id})
            elder = env["care.elder"].create(
                {"name": "并发住养老人", "gender": "female"}
            )
            env["care.assessment"].create(
                {
                    "elder_id": elder.id,
                    "assessment_type": "gbt42195",
                    "date": date(2025, 12, 1),
                    **gbt_values(50),
                }
            ).action_confirm()
            Stay = env["care.residence.stay"]
            first = Stay.create(
                {"elder_id": elder.id, "bed_id": beds[0].id, "date_start": JANUARY}
            )
            first.action_admit(JANUARY)
            first._discharge(date(2026, 1, 16), "other_home")
            second = Stay.create(
                {
                    "elder_id": elder.id,
                    "bed_id": beds[1].id,
                    "date_start": date(2026, 1, 16),
                }
            )
            second.action_admit(date(2026, 1, 16))
            programme = env["care.voucher.programme"].create(
                {
                    "name": "并发机构养老补贴",
                    "funding_partner_id": env.company.partner_id.id,
                    "channel": "residential",
                    "date_start": date(2025, 1, 1),
                    "min_gbt_level": "2",
                    "level_amount": 1500,
                    "covered_share": 100,
                    "service_category_ids": [
                        (6, 0, env["care.service.category"].search([], limit=1).ids)
                    ],
                }
            )
            entitlement = env["care.voucher.entitlement"].create(
                {
                    "elder_id": elder.id,
                    "programme_id": programme.id,
                    "date_start": date(2025, 1, 1),
                    "approval_ref": "并发",
                }
            )
            entitlement.action_approve()
            programme._issue_month(JANUARY)
            self.ids = {
                "building": building.id,
                "beds": beds.ids,
                "elder": elder.id,
                "stays": (first | second).ids,
                "programme": programme.id,
                "entitlement": entitlement.id,
            }
        self.addCleanup(self.cleanup)

    def cleanup(self):
        ids = self.ids
        stays = tuple(ids["stays"])
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT move_id FROM care_residence_fee WHERE stay_id IN %s"
                " UNION SELECT r.move_id FROM care_residence_fee_share_move_rel r"
                " JOIN care_residence_fee f ON f.id = r.fee_id WHERE f.stay_id IN %s",
                (stays, stays),
            )
            moves = tuple(row[0] for row in cr.fetchall()) or (0,)
            cr.execute(
                "DELETE FROM care_voucher_line WHERE elder_id = %s", (ids["elder"],)
            )
            cr.execute("DELETE FROM care_residence_fee WHERE stay_id IN %s", (stays,))
            cr.execute("DELETE FROM account_move WHERE id IN %s", (moves,))
            cr.execute("DELETE FROM care_residence_stay WHERE id IN %s", (stays,))
            cr.execute(
                "DELETE FROM care_voucher_entitlement WHERE id = %s",
                (ids["entitlement"],),
            )
            cr.execute(
                "DELETE FROM care_voucher_programme WHERE id = %s", (ids["programme"],)
            )
            cr.execute(
                "DELETE FROM care_residence_bed WHERE id IN %s", (tuple(ids["beds"]),)
            )
            cr.execute(
                "DELETE FROM care_assessment WHERE elder_id = %s", (ids["elder"],)
            )
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["care.residence.building"].browse(ids["building"]).unlink()
            env["care.elder"].browse(ids["elder"]).unlink()

    def run_fees(self, stay_id, barrier, results):
        try:
            for attempt in range(20):
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
                    try:
                        # the snapshot is taken here, before either run commits
                        cr.execute("SELECT 1")
                        if attempt == 0:
                            barrier.wait(30)
                        Stay = env["care.residence.stay"]
                        fees = Stay._invoice_month(JANUARY, stays=Stay.browse(stay_id))
                        cr.commit()  # pylint: disable=invalid-commit
                        results.append(("ok" if fees else "none", stay_id))
                        return
                    except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                        cr.rollback()
                        results.append(("retry", stay_id))
                    except IntegrityError as error:
                        cr.rollback()
                        results.append(("refused", str(error)))
                        return
            results.append(("gave up", stay_id))
        except Exception as error:  # reported to the main thread
            results.append(("crash", repr(error)))

    def race(self, stay_ids):
        barrier, results = threading.Barrier(2), []
        threads = [
            threading.Thread(target=self.run_fees, args=(stay_id, barrier, results))
            for stay_id in stay_ids
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        return sorted(kind for kind, _detail in results if kind != "retry"), results

    def ledger(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT kind, amount, residence_stay_id FROM care_voucher_line"
                " WHERE entitlement_id = %s ORDER BY id",
                (self.ids["entitlement"],),
            )
            return cr.fetchall()

    def fees(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT f.stay_id, m.amount_total FROM care_residence_fee f"
                " JOIN account_move m ON m.id = f.move_id"
                " WHERE f.stay_id IN %s AND f.month = %s ORDER BY f.stay_id",
                (tuple(self.ids["stays"]), JANUARY),
            )
            return cr.fetchall()

    def test_one_month_run_twice_at_once(self):
        first = self.ids["stays"][0]
        outcomes, results = self.race([first, first])
        self.assertIn(outcomes, (["none", "ok"], ["ok", "refused"]), results)
        self.assertEqual(len(self.fees()), 1)
        # one redemption: the balance, once
        self.assertEqual(
            [(kind, amount) for kind, amount, _stay in self.ledger()],
            [("issue", 1500), ("redeem", -1500)],
        )

    def test_two_stays_of_one_elder_one_balance(self):
        """1-15 January in one room (6700 × 15/31 = 3241.94), 16-31 in the
        other (6700 × 16/31 = 3458.06): 1500 to share, once."""
        outcomes, results = self.race(self.ids["stays"])
        self.assertEqual(outcomes, ["ok", "ok"], results)
        ledger = self.ledger()
        self.assertEqual(sum(amount for _kind, amount, _stay in ledger), 0)
        self.assertEqual(
            sorted((kind, amount) for kind, amount, _stay in ledger),
            [("issue", 1500), ("redeem", -1500)],
        )
        # the payers: both months' fees less 1500 in all
        self.assertAlmostEqual(
            sum(amount for _stay, amount in self.fees()), 3241.94 + 3458.06 - 1500
        )
