from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import VoucherCase


@tagged("post_install", "-at_install")
class TestCards(VoucherCase):
    def setUp(self):
        super().setUp()
        self.entitle()
        self.programme._issue_month(self.this_month)
        self.retirement_office = self.env["res.partner"].create(
            {"name": "某厂退休办", "is_company": True}
        )

    def card(self, **vals):
        return (
            self.env["care.voucher.card"]
            .with_user(self.finance)
            .create(
                {
                    "issuer_id": self.retirement_office.id,
                    "value": 20,
                    "discount_percent": 10,
                    "date_expiry": fields.Date.today() + timedelta(days=365),
                    **vals,
                }
            )
        )

    def test_card_pays_the_elders_share(self):
        card = self.card()
        self.assertTrue(card.name.startswith("FWK"))
        self.assertTrue(card.qr_code)
        with self.assertRaisesRegex(UserError, "Choose the elder"):
            card.action_activate()
        card.elder_id = self.elder
        card.action_activate()
        self.assertEqual((card.state, card.balance), ("active", 20.0))

        order = self.make_order(care_card_id=card.id)
        order.action_care_dispatch(self.good.id)
        self.complete(order)
        # 70: the voucher pays 35; the elder's 35 less 10 % is 31.50, the card
        # pays the 20 it holds, the elder 11.50
        self.assertEqual(order.care_voucher_amount, 35.0)
        self.assertEqual(order.care_card_amount, 20.0)
        self.assertEqual(order.care_card_discount, 3.5)
        self.assertEqual(order.care_copay_amount, 11.5)
        card.invalidate_recordset(["balance"])
        self.assertEqual(card.balance, 0.0)
        # never past its value: empty now (and only 5 of the voucher's cap is
        # left: the elder's 65 less 10 % is 58.50)
        second = self.make_order(care_card_id=card.id)
        second.action_care_dispatch(self.good.id)
        self.complete(second)
        self.assertEqual(second.care_voucher_amount, 5.0)
        self.assertEqual(second.care_card_amount, 0.0)
        self.assertEqual(second.care_copay_amount, 58.5)
        # a cancelled service gives the card its money back
        order.action_cancel()
        card.invalidate_recordset(["balance"])
        self.assertEqual(card.balance, 20.0)
        self.assertEqual(order.care_card_amount, 0.0)

    def test_expired_card_is_refused(self):
        with self.assertRaisesRegex(UserError, "expired"):
            self.card(
                elder_id=self.elder.id,
                date_expiry=fields.Date.today() - timedelta(days=1),
            ).action_activate()
        card = self.card(elder_id=self.elder.id)
        card.action_activate()
        order = self.make_order(care_card_id=card.id)
        order.action_care_dispatch(self.good.id)
        # activated a month ago, it lapses before the service is done
        card.sudo().write(
            {
                "date_activation": fields.Date.today() - timedelta(days=30),
                "date_expiry": fields.Date.today() - timedelta(days=1),
            }
        )
        self.complete(order)
        self.assertEqual(order.care_card_amount, 0.0)
        self.assertIn("was not used", "".join(order.message_ids.mapped("body")))
        with self.assertRaisesRegex(ValidationError, "cannot pay"):
            self.make_order(care_card_id=card.id)
        # another elder's card is refused too
        other = self.env["care.elder"].create({"name": "别人", "street": "红庙北里3号"})
        theirs = self.card(elder_id=other.id)
        theirs.action_activate()
        with self.assertRaisesRegex(ValidationError, "belongs to"):
            self.make_order(care_card_id=theirs.id)

    def test_cancel_expires_the_rest_and_bad_input(self):
        card = self.card(elder_id=self.elder.id)
        card.action_activate()
        with self.assertRaisesRegex(UserError, "keeps its value"):
            card.value = 500
        card.action_cancel()
        card.invalidate_recordset(["balance"])
        self.assertEqual((card.state, card.balance), ("cancelled", 0.0))
        for bad in ({"value": -5}, {"discount_percent": 100}):
            with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
                with self.env.cr.savepoint():
                    self.card(**bad)

    def test_access(self):
        card = self.card(elder_id=self.elder.id)
        # only finance activates or cancels; nobody sets the state directly
        with self.assertRaisesRegex(AccessError, "Only finance"):
            card.with_user(self.agent).action_activate()
        with self.assertRaisesRegex(AccessError, "set by the system"):
            card.write({"state": "active"})
        with self.assertRaisesRegex(UserError, "created not activated"):
            self.card(elder_id=self.elder.id, state="active")
        self.assertEqual(card.state, "draft")
        self.assertFalse(card.line_ids)
        card.action_activate()
        with self.assertRaisesRegex(AccessError, "Only finance"):
            card.with_user(self.agent).action_cancel()
        self.assertEqual(card.state, "active")
        self.assertEqual(card.with_user(self.agent).balance_at()[0]["balance"], 20.0)
        with self.assertRaises(AccessError):
            self.env["care.voucher.card"].with_user(self.agent).create(
                {
                    "issuer_id": self.retirement_office.id,
                    "value": 10,
                    "date_expiry": fields.Date.today(),
                }
            )
