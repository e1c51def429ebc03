from datetime import datetime

from odoo.addons.care_health.tests.common import HealthCase


class TestHealthEventLead(HealthCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.event = cls.env["event.event"].create(
            {
                "name": "HL 社区义诊",
                "event_type_id": cls.env.ref(
                    "care_health_event.event_type_health_checkup"
                ).id,
                "date_begin": datetime(2026, 6, 1, 1, 0),
                "date_end": datetime(2026, 6, 1, 5, 0),
            }
        )
        cls.plain_event = cls.env["event.event"].create(
            {
                "name": "HL 书法班",
                "date_begin": datetime(2026, 6, 2, 1, 0),
                "date_end": datetime(2026, 6, 2, 5, 0),
            }
        )
        cls.Lead = cls.env["crm.lead"]

    def register(self, event, **vals):
        return (
            self.env["event.registration"]
            .with_user(self.member_a)
            .create({"event_id": event.id, **vals})
        )

    def test_public_registration_becomes_a_tagged_lead(self):
        registration = self.register(
            self.event, name="周建国", phone="13800138000", email="zhou@example.com"
        )
        lead = self.Lead.search([("registration_ids", "in", registration.ids)])
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.event_id, self.event)
        self.assertEqual(lead.care_prospect_name, "周建国")
        self.assertTrue(lead.phone.endswith("13800138000"), lead.phone)
        tags = lead.tag_ids.mapped("name")
        self.assertIn("Health Event", tags)
        self.assertIn("HL 社区义诊", tags)
        # the reception reads it
        self.assertEqual(
            lead.with_user(self.reception).read(["name"])[0]["name"], lead.name
        )
        # the second registrant reuses the event's tag
        other = self.register(self.event, name="吴丽", phone="13800138001")
        other_lead = self.Lead.search([("registration_ids", "in", other.ids)])
        self.assertEqual(
            other_lead.tag_ids.filtered(lambda t: t.name == "HL 社区义诊"),
            lead.tag_ids.filtered(lambda t: t.name == "HL 社区义诊"),
        )

    def test_no_lead_for_elders_or_other_events(self):
        elder_reg = self.register(self.event, care_elder_id=self.elder_a.id)
        plain_reg = self.env["event.registration"].create(
            {"event_id": self.plain_event.id, "name": "陈某", "phone": "13800138002"}
        )
        self.assertFalse(
            self.Lead.search([("registration_ids", "in", (elder_reg | plain_reg).ids)])
        )
