from odoo.exceptions import ValidationError

from .common import DevicesCase


class TestVitals(DevicesCase):
    def reading(self, **vitals):
        status, body = self.ingest(
            "vitals", event_uid=f"v-{len(self.Event.search([]))}", vitals=vitals
        )
        self.assertIn(status, (200, 202))
        return self.env["care.vital.reading"].search(
            [("event_id", "=", body["event_id"])]
        )

    def test_normal_reading_is_filed_without_alert(self):
        reading = self.reading(systolic=128, diastolic=82, heart_rate=72, spo2=97)
        self.assertEqual(reading.elder_id, self.elder)
        self.assertEqual(reading.device_id, self.device)
        self.assertEqual((reading.systolic, reading.diastolic), (128, 82))
        self.assertFalse(reading.severity)
        self.assertFalse(reading.ticket_id)
        self.assertEqual(self.elder.vital_reading_ids, reading)

    def test_default_thresholds(self):
        cases = [
            ({"glucose": 3.4}, "critical", "3"),
            ({"glucose": 3.9}, False, None),  # the bound itself is normal
            ({"glucose": 17.2}, "warning", "2"),
            ({"systolic": 180, "diastolic": 95}, "critical", "3"),
            ({"systolic": 179, "diastolic": 95}, False, None),
            ({"systolic": 85, "diastolic": 55}, "critical", "3"),
            ({"heart_rate": 131}, "critical", "3"),
            ({"heart_rate": 130}, False, None),
            ({"heart_rate": 38}, "critical", "3"),
            ({"spo2": 88}, "critical", "3"),
            ({"temperature": 38.6}, "warning", "2"),
        ]
        for vitals, severity, priority in cases:
            with self.subTest(vitals=vitals):
                self.Ticket.search([("care_elder_id", "=", self.elder.id)]).write(
                    {
                        "stage_id": self.env.ref(
                            "helpdesk_mgmt.helpdesk_ticket_stage_done"
                        ).id
                    }
                )
                reading = self.reading(**vitals)
                self.assertEqual(reading.severity, severity)
                if severity:
                    self.assertEqual(
                        reading.ticket_id.care_alarm_kind, "vital_abnormal"
                    )
                    self.assertEqual(reading.ticket_id.priority, priority)
                    self.assertIn(str(next(iter(vitals.values()))), reading.breach)
                else:
                    self.assertFalse(reading.ticket_id)

    def test_per_elder_override_replaces_the_default_of_that_measure(self):
        # a diabetic elder whose doctor accepts glucose down to 3.0
        self.env["care.vital.threshold"].create(
            {
                "elder_id": self.elder.id,
                "measure": "glucose",
                "low": 3.0,
                "high": 20.0,
                "severity": "critical",
            }
        )
        self.assertFalse(self.reading(glucose=3.4).severity)
        self.assertFalse(self.reading(glucose=18).severity)
        self.assertEqual(self.reading(glucose=2.8).severity, "critical")
        # other measures keep the defaults; other elders keep the default glucose
        self.assertEqual(self.reading(spo2=85).severity, "critical")
        status, _body = self.ingest(
            "vitals", device=self.device2, event_uid="o-2", vitals={"glucose": 3.4}
        )
        self.assertEqual(status, 202)

    def test_alert_notifies_the_family_doctor(self):
        doctor_user = self.users["doctor"]
        self.doctor.user_ids = doctor_user
        reading = self.reading(systolic=190, diastolic=110)
        message = self.elder.message_ids.filtered(
            lambda m: self.doctor in m.partner_ids
        )
        self.assertTrue(message)
        # the elder's chatter (read by every role) says there is an alert,
        # not what it is: the values are on the ticket's medical card
        self.assertIn(reading.ticket_id.number, str(message[0].body))
        self.assertNotIn("190", str(message[0].body))
        self.assertIn("190", str(reading.ticket_id.care_card_medical))
        for text in (
            reading.ticket_id.description,
            reading.ticket_id.name,
            reading.ticket_id.care_card,
            *reading.ticket_id.message_ids.mapped("body"),
            *reading.ticket_id.activity_ids.mapped("note"),
        ):
            self.assertNotIn("190", str(text))
        activity = reading.ticket_id.activity_ids.filtered(
            lambda a: a.user_id == doctor_user
        )
        self.assertTrue(activity, "the doctor has an activity on the alert")
        # and, following it, may open it
        self.assertEqual(
            self.Ticket.with_user(doctor_user).search(
                [("id", "=", reading.ticket_id.id)]
            ),
            reading.ticket_id,
        )

    def test_repeated_abnormal_readings_join_one_alert(self):
        first = self.reading(glucose=3.2)
        second = self.reading(glucose=3.1)
        self.assertEqual(first.ticket_id, second.ticket_id)
        self.assertEqual(first.ticket_id.care_alarm_count, 2)

    def test_impossible_manual_reading_is_refused(self):
        Reading = self.env["care.vital.reading"]
        for vals, text in (
            ({"heart_rate": 400}, "not a possible reading"),
            ({"systolic": 80, "diastolic": 90}, "lower than the systolic"),
            ({}, "at least one measure"),
        ):
            with self.subTest(vals=vals):
                with self.assertRaises(ValidationError) as caught:
                    Reading.create({"elder_id": self.elder.id, **vals})
                self.assertIn(text, str(caught.exception))
        self.assertFalse(Reading.search([("elder_id", "=", self.elder.id)]))

    def test_threshold_bounds_are_checked(self):
        Threshold = self.env["care.vital.threshold"]
        with self.assertRaises(ValidationError) as caught:
            Threshold.create({"measure": "spo2"})
        self.assertIn("lower bound, an upper bound", str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            Threshold.create({"measure": "spo2", "low": 95, "high": 90})
        self.assertIn("below the upper bound", str(caught.exception))
