"""The link in the alarm texts: the alarm's status page, over real HTTP."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.care_devices.tests.common import DevicesCase


@tagged("post_install", "-at_install")
class TestAlarmStatusPage(DevicesCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Param = cls.env["ir.config_parameter"].sudo()
        Param.set_param("care_sms.provider", "test")
        Param.set_param("care_sms.test_fail", "")
        cls.daughter = cls.elder.contact_ids.filtered(lambda c: c.name == "张丽")
        cls.daughter.care_sms_alarm = True
        cls.Message = cls.env["care.sms.message"]

    def sos(self, uid):
        self.ingest("sos", event_uid=uid)
        return self.alarm_tickets(kind="sos")

    def link(self, kind="alarm_open"):
        text = self.Message.search([("kind", "=", kind)], order="id desc", limit=1)
        self.assertTrue(text, f"no {kind} text")
        link = text.body.split("：")[-1].split("，")[0].rstrip("。")
        self.assertIn("/care/alarm/", link)
        return text, link

    def page(self, link):
        return self.url_open("/care/alarm/" + link.rsplit("/care/alarm/", 1)[1])

    def test_text_links_to_status_page(self):
        ticket = self.sos("st-1")
        _text, link = self.link()
        self.assertIn(ticket.get_base_url(), link)
        answer = self.page(link)
        self.assertEqual(answer.status_code, 200)
        html = answer.text
        # masked name, the alarm, no number, no address, no desk note
        self.assertIn("张**", html)
        self.assertNotIn("张秀英", html)
        self.assertNotIn("13700003333", html)
        self.assertNotIn(self.elder.street or "no street", html)
        self.assertEqual(answer.headers["Cache-Control"], "no-store")
        self.assertIn("noindex", answer.headers["X-Robots-Tag"])
        # the desk takes it, then closes it: the page follows, the outcome
        # text carries the same link
        desk = ticket.with_user(self.users["emergency"])
        desk.action_care_acknowledge()
        desk._care_close("family_handled", note="私密备注：钥匙在门垫下")
        _closed, closed_link = self.link("alarm_closed")
        self.assertEqual(closed_link, link)
        html = self.page(link).text
        self.assertNotIn("钥匙在门垫下", html)
        outcome = dict(ticket._fields["care_outcome"]._description_selection(self.env))[
            "family_handled"
        ]
        self.assertIn(outcome, html)

    def test_unknown_short_and_expired_keys_answer_404(self):
        ticket = self.sos("st-2")
        _text, link = self.link()
        key = link.rsplit("/", 1)[1]
        self.assertGreaterEqual(len(key), 20)
        for bad in (key[:-1] + ("A" if key[-1] != "A" else "B"), key[:10], "x" * 70):
            with self.subTest(key=bad):
                self.assertEqual(self.url_open("/care/alarm/" + bad).status_code, 404)
        # closed long ago: the page is gone
        ticket.sudo().write(
            {
                "stage_id": self.env["helpdesk.ticket.stage"]
                .search([("closed", "=", True)], limit=1)
                .id
            }
        )
        ticket.sudo().closed_date = fields.Datetime.now() - timedelta(days=8)
        self.assertEqual(self.page(link).status_code, 404)

    def test_only_get(self):
        self.sos("st-3")
        _text, link = self.link()
        answer = self.url_open("/care/alarm/" + link.rsplit("/", 1)[1], data={"x": "1"})
        self.assertEqual(answer.status_code, 405)

    def test_key_neither_readable_nor_writable_by_staff_outside_the_desk(self):
        ticket = self.sos("st-4")
        self.assertTrue(ticket.sudo().care_sms_token)
        with self.assertRaises(AccessError):
            ticket.with_user(self.users["emergency"]).write(
                {"care_sms_token": "a" * 22}
            )
        # a Helpdesk manager outside the desk (e.g. the IT helpdesk) reads
        # the ticket but not its key
        agent = new_test_user(
            self.env,
            login="sms_it_helpdesk",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_manager",
        )
        self.assertTrue(ticket.with_user(agent).read(["name"]))
        with self.assertRaises(AccessError):
            ticket.with_user(agent).read(["care_sms_token"])

    def test_no_contact_no_key(self):
        self.daughter.care_sms_alarm = False
        with freeze_time(fields.Datetime.now()):
            ticket = self.sos("st-5")
        self.assertFalse(ticket.sudo().care_sms_token)
