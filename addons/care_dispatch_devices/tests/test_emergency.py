from odoo.tests import tagged

from odoo.addons.care_dispatch.tests.common import DispatchCase


@tagged("post_install", "-at_install")
class TestEmergency(DispatchCase):
    def test_emergency_call_reaches_the_desk(self):
        pop = self.env["care.call"].with_user(self.agent).cti_incoming("13800001111")
        call = self.env["care.call"].browse(pop["call_id"])
        call.summary = "老人在卫生间摔倒，起不来"
        call.with_user(self.agent).action_emergency()
        ticket = call.ticket_id
        self.assertTrue(ticket, "a ticket on the emergency desk")
        self.assertEqual(ticket.care_elder_id, self.elder)
        self.assertEqual(call.category, "emergency")
        # the same elder calling again joins the open ticket
        again = self.env["care.call"].create(
            {"number": "13800001111", "elder_id": self.elder.id}
        )
        again.action_emergency()
        self.assertEqual(again.ticket_id, ticket)

    def test_unknown_caller_is_not_lost(self):
        call = self.env["care.call"].with_user(self.agent).create({"number": "110"})
        call.action_emergency()
        self.assertFalse(call.ticket_id)
        self.assertIn(self.agent, call.sudo().activity_ids.user_id)

    def test_responder_order_from_an_alarm(self):
        visit = self.env.ref("care_dispatch.cat_emergency_visit")
        self.good.category_ids |= visit
        ticket = self.env["helpdesk.ticket"]._care_open_emergency_ticket(
            self.elder, description="SOS"
        )
        order = ticket._care_send_responder()
        self.assertEqual(ticket.care_order_id, order)
        self.assertEqual(order.care_elder_id, self.elder)
        self.assertEqual(order.care_urgency, "emergency")
        self.assertEqual(order.care_provider_id, self.good)
        self.assertEqual(ticket._care_send_responder(), order, "once")

    def test_responder_without_address_does_not_block_the_desk(self):
        homeless = self.env["care.elder"].create({"name": "无地址老人"})
        ticket = self.env["helpdesk.ticket"]._care_open_emergency_ticket(homeless)
        self.assertFalse(ticket._care_send_responder())
        self.assertFalse(ticket.care_order_id)
        self.assertIn("no address", ticket.message_ids[0].body)
