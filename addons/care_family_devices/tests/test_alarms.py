from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.care_family.tests.common import FamilyCase


@tagged("post_install", "-at_install")
class TestFamilyAlarms(FamilyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alarm_a = cls.make_alarm(cls.elder_a, "fall", "家属甲的跌倒报警")
        cls.alarm_b = cls.make_alarm(cls.elder_b, "sos", "家属乙的紧急呼叫")

    @classmethod
    def make_alarm(cls, elder, kind, name):
        now = fields.Datetime.now()
        ticket = cls.env["helpdesk.ticket"].create(
            {
                "name": name,
                "description": name,
                "care_elder_id": elder.id,
                "care_alarm_kind": kind,
                "care_alarm_time": now,
                "care_alarm_count": 1,
                "care_ack_date": now,
                "care_outcome": "family_handled",
            }
        )
        cls.env["care.alarm.action"].create(
            {
                "ticket_id": ticket.id,
                "action": "contacts_called",
                "date": now,
                "note": f"员工私密备注{kind}",
            }
        )
        return ticket

    def test_alarms_only_with_the_permission(self):
        self.login(self.member_a)
        page = self.get(f"/my/elder/{self.elder_a.id}")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("o_care_alarms", page.text)
        self.line_a.perm_alarms = True
        page = self.get(f"/my/elder/{self.elder_a.id}").text
        self.assertIn("o_care_alarms", page)
        self.assertIn("Fall", page)
        self.assertIn("Family took care of it", page)
        self.assertIn("Emergency contacts called", page, "the handling trail")
        # never the staff's notes, the ticket's text, nor another elder's alarm
        for secret in ("员工私密备注", "家属甲的跌倒报警", "家属乙的紧急呼叫", "SOS"):
            self.assertNotIn(secret, page)
        # revoked at once
        self.line_a.perm_alarms = False
        self.assertNotIn("o_care_alarms", self.get(f"/my/elder/{self.elder_a.id}").text)

    def test_other_family_sees_no_alarm_of_the_first(self):
        self.line_b.perm_alarms = True
        self.login(self.member_b)
        page = self.get(f"/my/elder/{self.elder_b.id}").text
        self.assertIn("o_care_alarms", page)
        self.assertNotIn("Fall", page)
        self.assertEqual(self.get(f"/my/elder/{self.elder_a.id}").status_code, 404)

    def test_monthly_letter_tells_the_alarms_if_allowed(self):
        Letter = self.env["care.family.letter"]
        letter = Letter.create(
            {
                "partner_id": self.member_a.partner_id.id,
                "month": fields.Date.today().replace(day=1),
                "access_ids": [(6, 0, self.line_a.ids)],
            }
        )

        def html():
            return (
                self.env["ir.actions.report"]
                ._render_qweb_html("care_family.report_family_letter", letter.ids)[0]
                .decode()
            )

        self.assertNotIn("o_care_letter_alarms", html())
        self.line_a.perm_alarms = True
        page = html()
        self.assertIn("o_care_letter_alarms", page)
        self.assertIn("Family took care of it", page)
        self.assertNotIn("员工私密备注", page)
        self.assertNotIn("SOS", page)

    def test_vitals_only_with_the_health_permission(self):
        Reading = self.env["care.vital.reading"]
        now = fields.Datetime.now()
        for hours, rate in ((30, 71), (20, 78), (10, 74)):
            Reading.create(
                {
                    "elder_id": self.elder_a.id,
                    "measured_at": now - timedelta(hours=hours),
                    "heart_rate": rate,
                }
            )
        Reading.create(
            {"elder_id": self.elder_b.id, "measured_at": now, "heart_rate": 123}
        )
        self.login(self.member_a)
        page = self.get(f"/my/elder/{self.elder_a.id}").text
        self.assertNotIn("o_care_vitals", page)
        self.line_a.perm_health = True
        page = self.get(f"/my/elder/{self.elder_a.id}").text
        self.assertIn("o_care_vitals", page)
        self.assertIn('data-measure="heart_rate"', page)
        self.assertIn("<polyline", page)
        self.assertIn("74", page)
        self.assertNotIn("123", page, "another elder's reading")
        # the monthly letter: averages only with the permission
        letter = self.env["care.family.letter"].create(
            {
                "partner_id": self.member_a.partner_id.id,
                "month": fields.Date.today().replace(day=1),
                "access_ids": [(6, 0, self.line_a.ids)],
            }
        )
        values = letter._care_letter_values()["elders"][0]
        self.assertTrue(values.get("vitals"))
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("care_family.report_family_letter", letter.ids)[0]
            .decode()
        )
        self.assertIn("o_care_letter_vitals", html)
        self.line_a.perm_health = False
        values = letter._care_letter_values()["elders"][0]
        self.assertNotIn("vitals", values)
