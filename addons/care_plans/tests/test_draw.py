import hashlib
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import PlanCase


@tagged("post_install", "-at_install")
class TestDraw(PlanCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Subscription = cls.env["care.plan.subscription"]
        cls.signed = Subscription.browse()
        for n in range(6):
            elder = cls.env["care.elder"].create(
                {"name": f"抽奖老人{n}", "grid_id": cls.grid.id}
            )
            cls.signed |= Subscription._care_sign(elder, cls.plan, day=date(2026, 3, 1))
        with freeze_time("2026-03-01"):
            moves = cls.env["account.move"].search([])
            cls.env["contract.contract"].cron_recurring_create_invoice(date(2026, 3, 1))
            cls.moves = cls.env["account.move"].search([]) - moves
            cls.moves.action_post()

    def draw(self, seed="2026-03-31 福彩3D 527", **vals):
        return (
            self.env["care.plan.draw"]
            .with_user(self.finance)
            .create(
                {
                    "name": "三月抽奖",
                    "date_from": "2026-03-01",
                    "date_to": "2026-03-31",
                    "seed": seed,
                    "winner_count": 2,
                    **vals,
                }
            )
        )

    def test_seeded_draw_is_reproducible_and_logged(self):
        first = self.draw()
        candidates, winners = first._care_pick()
        self.assertEqual(candidates, self.moves.sorted("name"))
        self.assertEqual(len(winners), 2)
        # the same seed over the same invoices: the same winners, every time
        self.assertEqual(self.draw()._care_pick()[1], winners)
        self.assertEqual(first._care_pick()[1], winners)
        first.with_user(self.finance).action_care_draw()
        self.assertEqual(first.state, "drawn")
        self.assertEqual(first.winner_ids.move_id, winners[0] | winners[1])
        self.assertEqual(first.winner_ids.mapped("rank"), [1, 2])
        self.assertEqual(first.candidate_count, 6)
        digest = hashlib.sha256(
            "\n".join(self.moves.sorted("name").mapped("name")).encode()
        ).hexdigest()
        self.assertEqual(first.candidates_digest, digest)
        self.assertIn(first.seed, first.message_ids[0].body)
        # the prize: a month's fee off each winner's next invoice
        self.assertEqual(first.winner_ids.mapped("amount"), [200.0, 200.0])
        self.assertEqual(
            first.winner_ids.sudo().contract_line_id.mapped("price_unit"),
            [-200.0, -200.0],
        )
        with self.assertRaisesRegex(UserError, "already drawn"):
            first.with_user(self.finance).action_care_draw()
        with self.assertRaisesRegex(UserError, "cannot change"):
            first.with_user(self.finance).seed = "another"
        self.assertEqual(first.seed, "2026-03-31 福彩3D 527")

    def test_only_finance_draws(self):
        draw = self.draw()
        for user in (self.receptionist, self.agent):
            with self.assertRaises(AccessError):
                draw.with_user(user).action_care_draw()
        self.assertEqual(draw.state, "draft")
        self.assertFalse(draw.winner_ids)

    def test_no_candidates_refused(self):
        draw = self.draw(date_from="2025-01-01", date_to="2025-01-31")
        with self.assertRaisesRegex(UserError, "no posted plan invoice"):
            draw.with_user(self.finance).action_care_draw()
        self.assertEqual(draw.state, "draft")
