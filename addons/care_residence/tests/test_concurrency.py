import threading

from psycopg2 import IntegrityError
from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import ValidationError
from odoo.tests import BaseCase, tagged


@tagged("post_install", "-at_install")
class TestParallelReservations(BaseCase):
    """Two receptionists reserve the same bed at the same moment, each in
    its own transaction on committed data: exactly one succeeds; the other
    is refused (after a retry on a serialization failure, as Odoo's RPC
    layer retries) and the bed has one occupant."""

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
            building = env["care.residence.building"].create({"name": "并发颐养院"})
            floor = env["care.residence.floor"].create(
                {"name": "1", "building_id": building.id}
            )
            room = env["care.residence.room"].create(
                {"name": "C01", "floor_id": floor.id, "room_type": "single"}
            )
            bed = env["care.residence.bed"].create({"name": "A", "room_id": room.id})
            elders = env["care.elder"].create(
                [
                    {"name": "并发老人甲", "gender": "female"},
                    {"name": "并发老人乙", "gender": "female"},
                ]
            )
            entries = env["care.residence.waiting"].create(
                [{"elder_id": elder.id} for elder in elders]
            )
            self.ids = {
                "entries": dict(zip(elders.ids, entries.ids, strict=True)),
                "building": building.id,
                "bed": bed.id,
                "elders": elders.ids,
                "admin": env.ref("base.user_admin").id,
            }
        self.addCleanup(self.cleanup)

    def cleanup(self):
        ids = self.ids
        with self.registry.cursor() as cr:
            cr.execute(
                "DELETE FROM care_residence_stay WHERE elder_id IN %s",
                (tuple(ids["elders"]),),
            )
            cr.execute(
                "DELETE FROM care_residence_waiting WHERE elder_id IN %s",
                (tuple(ids["elders"]),),
            )
            cr.execute("DELETE FROM care_residence_bed WHERE id = %s", (ids["bed"],))
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["care.residence.building"].browse(ids["building"]).unlink()
            env["care.elder"].browse(ids["elders"]).unlink()

    def reserve(self, elder_id, barrier, results, board=False):
        try:
            for attempt in range(10):
                with self.registry.cursor() as cr:
                    # a receptionist (admin is care manager, so reception)
                    env = api.Environment(cr, self.ids["admin"], {})
                    try:
                        # the transaction's snapshot is taken here, before
                        # either reservation is committed
                        cr.execute("SELECT 1")
                        if attempt == 0:
                            barrier.wait(30)
                        if board:
                            # the bed board's drop
                            entry = self.ids["entries"][elder_id]
                            env["care.residence.waiting"].browse(
                                entry
                            ).action_board_reserve(self.ids["bed"])
                        else:
                            env["care.residence.stay"].create(
                                {
                                    "elder_id": elder_id,
                                    "bed_id": self.ids["bed"],
                                    "date_start": fields.Date.today(),
                                }
                            )
                        cr.commit()  # pylint: disable=invalid-commit
                        results.append(("ok", elder_id))
                        return
                    except SerializationFailure:
                        cr.rollback()
                        results.append(("retry", elder_id))
                    except (ValidationError, IntegrityError) as error:
                        cr.rollback()
                        results.append(("refused", str(error)))
                        return
            results.append(("gave up", elder_id))
        except Exception as error:
            results.append(("crash", repr(error)))

    def test_one_bed_two_receptionists(self):
        self.race(board=False)

    def test_one_bed_two_drops_on_the_board(self):
        """The same race through the bed board's drop method."""
        self.race(board=True)
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT state FROM care_residence_waiting WHERE elder_id IN %s"
                " ORDER BY state",
                (tuple(self.ids["elders"]),),
            )
            self.assertEqual([r[0] for r in cr.fetchall()], ["reserved", "waiting"])

    def race(self, board):
        barrier, results = threading.Barrier(2), []
        threads = [
            threading.Thread(
                target=self.reserve, args=(elder_id, barrier, results, board)
            )
            for elder_id in self.ids["elders"]
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        outcomes = sorted(kind for kind, _detail in results if kind != "retry")
        self.assertEqual(outcomes, ["ok", "refused"], results)
        refusal = next(detail for kind, detail in results if kind == "refused")
        self.assertIn("one bed, one occupant", refusal)
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT COUNT(*) FROM care_residence_stay_line WHERE bed_id = %s",
                (self.ids["bed"],),
            )
            self.assertEqual(cr.fetchone()[0], 1)
            cr.execute(
                "SELECT COUNT(*) FROM care_residence_stay WHERE elder_id IN %s",
                (tuple(self.ids["elders"]),),
            )
            self.assertEqual(cr.fetchone()[0], 1)
            cr.execute(
                "SELECT state FROM care_residence_bed WHERE id = %s",
                (self.ids["bed"],),
            )
            self.assertEqual(cr.fetchone()[0], "reserved")
