from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError

from odoo.addons.care_devices.tests.common import DevicesCase

T0 = datetime(2026, 12, 1, 2, 0)


class TestAlarmTexts(DevicesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Param = cls.env["ir.config_parameter"].sudo()
        Param.set_param("care_sms.provider", "test")
        Param.set_param("care_sms.test_fail", "")
        contacts = cls.elder.contact_ids
        cls.son = contacts.filtered(lambda c: c.name == "张建国")
        cls.daughter = contacts.filtered(lambda c: c.name == "张丽")
        # the daughter agreed to alarm texts, the son did not
        cls.daughter.care_sms_alarm = True
        cls.Message = cls.env["care.sms.message"]

    def sos(self, uid):
        self.ingest("sos", event_uid=uid)
        return self.alarm_tickets(kind="sos")

    def texts(self, kind=None):
        domain = [("origin", "like", "helpdesk.ticket,%")]
        if kind:
            domain.append(("kind", "=", kind))
        return self.Message.search(domain)

    def test_opted_in_contact_texted_once_per_alarm(self):
        with freeze_time(T0):
            self.ingest("sos", event_uid="s-1")
        ticket = self.alarm_tickets(kind="sos")
        texts = self.texts("alarm_open")
        self.assertEqual(len(texts), 1)
        self.assertEqual(texts.number, "+8613700003333")
        self.assertEqual(texts.partner_id, self.daughter.partner_id)
        self.assertEqual(texts.origin, f"helpdesk.ticket,{ticket.id}")
        self.assertIn("张秀英", texts.body)
        self.assertTrue(ticket.care_sms_alarm_sent)
        # a second SOS joins the ticket: nobody is texted twice
        with freeze_time(T0 + timedelta(minutes=3)):
            self.ingest("sos", event_uid="s-2")
        self.assertEqual(self.alarm_tickets(kind="sos"), ticket)
        self.assertEqual(ticket.care_alarm_count, 2)
        self.assertEqual(self.texts("alarm_open"), texts)
        # a new alarm (a fall) is a new text
        self.ingest("fall", event_uid="s-3")
        self.assertEqual(len(self.texts("alarm_open")), 2)

    def test_outcome_on_close(self):
        ticket = self.sos("c-1")
        desk = ticket.with_user(self.users["emergency"])
        desk.action_care_acknowledge()
        desk._care_close("family_handled")
        closed = self.texts("alarm_closed")
        self.assertEqual(len(closed), 1)
        self.assertEqual(closed.number, "+8613700003333")
        self.assertTrue(ticket.care_sms_outcome_sent)
        # closing again texts nobody
        ticket.sudo()._care_sms_alarm("alarm_closed")
        self.assertEqual(self.texts("alarm_closed"), closed)

    def test_wearer_cancel_tells_the_family(self):
        """A false alarm the wearer cancels in the window: the family who got
        the alarm text gets the outcome, once; a late cancel texts nobody."""
        with freeze_time(T0):
            self.ingest("sos", event_uid="w-1")
        ticket = self.alarm_tickets(kind="sos")
        with freeze_time(T0 + timedelta(seconds=10)):
            self.ingest("cancel", event_uid="w-2")
        self.assertEqual(ticket.care_outcome, "wearer_cancelled")
        closed = self.texts("alarm_closed")
        self.assertEqual(len(closed), 1)
        self.assertEqual(closed.number, "+8613700003333")
        outcome = dict(ticket._fields["care_outcome"]._description_selection(self.env))[
            "wearer_cancelled"
        ]
        self.assertIn(outcome, closed.body)
        # a second alarm cancelled too late: still open, no outcome text
        with freeze_time(T0 + timedelta(minutes=5)):
            self.ingest("fall", event_uid="w-3")
        with freeze_time(T0 + timedelta(minutes=6)):
            self.ingest("cancel", event_uid="w-4")
        self.assertEqual(len(self.texts("alarm_closed")), 1)

    def test_not_opted_in_nobody(self):
        self.daughter.care_sms_alarm = False
        self.ingest("sos", event_uid="n-1")
        self.assertFalse(self.texts())

    def test_non_emergency_contact_not_texted(self):
        self.daughter.is_emergency = False
        self.ingest("fall", event_uid="e-1")
        self.assertFalse(self.texts())

    def test_opted_out_still_gets_alarms(self):
        self.env["phone.blacklist"].sudo()._add(["+8613700003333"])
        self.ingest("sos", event_uid="o-1")
        self.assertEqual(len(self.texts("alarm_open")), 1)

    def test_other_alarms_not_texted(self):
        self.ingest("low_battery", event_uid="b-1")
        self.assertFalse(self.texts())

    def test_landline_contact_noted_on_ticket(self):
        # a landline typed as the son's mobile: no text, a note for the desk
        self.son.write({"mobile": "010-6512 3457", "care_sms_alarm": True})
        ticket = self.sos("l-1")
        self.assertEqual(len(self.texts("alarm_open")), 1)
        notes = " ".join(ticket.message_ids.mapped("body"))
        # in the desk's language: the contact and the number it could not text
        self.assertIn("张建国", notes)
        self.assertIn("6512 3457", notes)

    def test_flags_not_writable(self):
        ticket = self.sos("f-1")
        with self.assertRaises(AccessError):
            ticket.with_user(self.users["emergency"]).write(
                {"care_sms_outcome_sent": True}
            )
        self.assertFalse(ticket.care_sms_outcome_sent)

    def test_texts_sent_through_queue(self):
        self.ingest("sos", event_uid="q-1")
        self.env["sms.sms"].sudo().search([("state", "=", "outgoing")]).send()
        self.assertEqual(self.texts("alarm_open").state, "sent")

    def test_gateway_and_device_roles_cannot_send(self):
        for role in ("gateway", "device_admin", "doctor"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                self.Message.with_user(self.users[role]).send_suite_message(
                    "alarm_open",
                    "13700003333",
                    {"elder": "张秀英", "alarm": "SOS", "time": "08:00"},
                )
        self.assertFalse(self.Message.search([]))
