from datetime import date, datetime

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import mute_logger

from odoo.addons.care_health.tests.common import HealthCase


class TestHealthEvent(HealthCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.checkup_type = cls.env.ref("care_health_event.event_type_health_checkup")
        cls.event = cls.env["event.event"].create(
            {
                "name": "HL 免费体检",
                "event_type_id": cls.checkup_type.id,
                "care_health_team_id": cls.team_a.id,
                "date_begin": datetime(2026, 6, 1, 1, 0),
                "date_end": datetime(2026, 6, 1, 5, 0),
            }
        )
        cls.other_event = cls.env["event.event"].create(
            {
                "name": "HL 书法班",
                "date_begin": datetime(2026, 6, 2, 1, 0),
                "date_end": datetime(2026, 6, 2, 5, 0),
            }
        )
        cls.elder_a.write({"birth_date": date(1950, 3, 1), "gender": "female"})
        cls.Registration = cls.env["event.registration"]
        cls.Wizard = cls.env["care.health.event.screening"]

    def register_elder(self, elder, user=None, event=None):
        Registration = self.Registration.with_user(user) if user else self.Registration
        return Registration.create(
            {"event_id": (event or self.event).id, "care_elder_id": elder.id}
        )

    def record(self, registration, user=None, **vals):
        user = user or self.member_a
        wizard = self.Wizard.with_user(user).create(
            {"registration_id": registration.id, **vals}
        )
        return wizard.action_record()

    def test_health_kind_from_template(self):
        self.assertEqual(self.event.care_health_kind, "checkup")
        self.assertFalse(self.other_event.care_health_kind)
        lecture = self.env["event.event"].create(
            {
                "name": "HL 讲座",
                "event_type_id": self.env.ref(
                    "care_health_event.event_type_health_lecture"
                ).id,
                "date_begin": datetime(2026, 6, 3, 1, 0),
                "date_end": datetime(2026, 6, 3, 2, 0),
            }
        )
        self.assertEqual(lecture.care_health_kind, "lecture")

    def test_elder_registration_takes_the_archive_contact(self):
        registration = self.register_elder(self.elder_a, user=self.member_a)
        self.assertEqual(registration.partner_id, self.elder_a.partner_id)
        self.assertEqual(registration.name, self.elder_a.name)
        self.assertEqual(self.event.care_elder_count, 1)
        # twice for one event: refused
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.cr.savepoint(),
        ):
            self.register_elder(self.elder_a)
        # booked for someone else's contact: refused
        with self.assertRaisesRegex(ValidationError, "elder's own contact"):
            self.Registration.create(
                {
                    "event_id": self.other_event.id,
                    "care_elder_id": self.elder_a.id,
                    "partner_id": self.elder_b.partner_id.id,
                }
            )

    def test_public_registration(self):
        public = self.Registration.with_user(self.member_a).create(
            {"event_id": self.event.id, "name": "周建国", "phone": "13800138000"}
        )
        self.assertFalse(public.care_elder_id)
        self.event.invalidate_recordset()
        self.assertEqual(self.event.care_public_count, 1)
        # not in the archive: no screening until they are an elder
        with self.assertRaisesRegex(UserError, "not an elder of the archive"):
            self.record(public, sbp=150, dbp=95)
        self.assertFalse(self.Screening.search([("event_id", "=", self.event.id)]))

    def test_screening_at_the_event(self):
        registration = self.register_elder(self.elder_a, user=self.member_a)
        registration.with_user(self.member_a).action_confirm()
        action = self.record(
            registration,
            sbp=146,
            dbp=92,
            glucose=6.2,
            height_cm=160,
            weight_kg=66,
            waist_cm=88,
            family_history=True,
        )
        screening = self.Screening.browse(action["res_id"])
        self.assertEqual(screening.elder_id, self.elder_a)
        self.assertEqual(screening.event_id, self.event)
        self.assertEqual(screening.state, "done")
        self.assertTrue(screening.high_risk)
        self.assertTrue(screening.hypertension_suspect)
        self.assertTrue(screening.glucose_test_date)
        tags = self.elder_a.partner_id.category_id
        self.assertIn(self.env.ref("care_health.tag_diabetes_high_risk"), tags)
        self.assertIn(self.env.ref("care_health.tag_hypertension_suspect"), tags)
        reading = self.Reading.search([("elder_id", "=", self.elder_a.id)])
        self.assertEqual(len(reading), 1)
        self.assertEqual((reading.sbp, reading.dbp, reading.glucose), (146, 92, 6.2))
        self.assertEqual(reading.bp_class, "grade_1")
        # attended, linked; a second entry is refused
        self.assertEqual(registration.state, "done")
        self.assertEqual(registration.care_screening_id, screening)
        with self.assertRaisesRegex(UserError, "already recorded"):
            self.record(registration, sbp=120, dbp=80)
        self.assertEqual(
            self.Screening.search_count([("event_id", "=", self.event.id)]), 1
        )

    def test_impossible_values_save_nothing(self):
        registration = self.register_elder(self.elder_a)
        for vals, message in (
            ({"sbp": 80, "dbp": 90}, "higher than the diastolic"),
            ({"height_cm": 0, "weight_kg": 60}, "height"),
            ({"glucose": -1}, "glucose"),
        ):
            with self.subTest(vals=vals):
                with self.assertRaisesRegex(ValidationError, message):
                    with self.cr.savepoint():
                        self.record(registration, **vals)
                self.assertFalse(registration.care_screening_id)
                self.assertFalse(
                    self.Screening.search([("elder_id", "=", self.elder_a.id)])
                )
                self.assertFalse(
                    self.Reading.search([("elder_id", "=", self.elder_a.id)])
                )

    def test_other_team_and_other_roles_refused(self):
        registration = self.register_elder(self.elder_a)
        # a member of team B may not screen team A's elder
        with self.assertRaises(AccessError), self.cr.savepoint():
            self.record(registration, user=self.member_b, sbp=150, dbp=95)
        # the other roles cannot even open the entry
        for user in (self.reception, self.dispatcher, self.finance, self.emergency):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError), self.cr.savepoint():
                    self.record(registration, user=user, sbp=150, dbp=95)
                with self.assertRaises(AccessError):
                    registration.with_user(user).action_care_record_screening()
        self.assertFalse(registration.care_screening_id)
        self.assertFalse(self.Screening.search([("elder_id", "=", self.elder_a.id)]))
        # nobody writes the screening link directly
        screening = self.Screening.create({"elder_id": self.elder_a.id})
        with self.assertRaisesRegex(AccessError, "set by the system"):
            registration.with_user(self.member_a).write(
                {"care_screening_id": screening.id}
            )
        self.assertFalse(registration.care_screening_id)

    def test_access_health_team_manages_reception_reads(self):
        registration = self.register_elder(self.elder_a)
        # the health team marks attendance at the door
        registration.with_user(self.member_a).action_set_done()
        self.assertEqual(registration.state, "done")
        self.event.with_user(self.member_a).write({"seats_max": 80})
        # ... of health events only
        with self.assertRaises(AccessError):
            self.other_event.with_user(self.member_a).write({"seats_max": 5})
        # the reception reads the health events and their registrations
        events = (
            self.env["event.event"]
            .with_user(self.reception)
            .search([("care_health_kind", "!=", False)])
        )
        self.assertIn(self.event, events)
        reg = registration.with_user(self.reception)
        self.assertEqual(
            reg.read(["name", "care_elder_id", "state"])[0]["state"], "done"
        )
        # but changes nothing
        with self.assertRaises(AccessError):
            reg.write({"state": "open"})
        with self.assertRaises(AccessError):
            reg.action_set_draft()
        with self.assertRaises(AccessError):
            self.Registration.with_user(self.reception).create(
                {"event_id": self.event.id, "name": "X"}
            )
        with self.assertRaises(AccessError):
            self.event.with_user(self.reception).write({"name": "改"})
        # and does not see the screening link
        with self.assertRaises(AccessError):
            reg.read(["care_screening_id"])
        # Odoo makes every new internal user an event administrator: even
        # so, the other roles change no health event or registration
        manager = self.env.ref("event.group_event_manager")
        for user in (self.reception, self.dispatcher, self.finance, self.emergency):
            user.groups_id = [(4, manager.id)]
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    registration.with_user(user).write({"state": "open"})
                with self.assertRaises(AccessError):
                    self.event.with_user(user).write({"name": "改"})
                with self.assertRaises(AccessError):
                    self.Registration.with_user(user).create(
                        {"event_id": self.event.id, "name": "X"}
                    )
                with self.assertRaises(AccessError):
                    registration.with_user(user).read(["care_screening_id"])
            # their own events stay theirs
            self.other_event.with_user(user).write({"seats_max": 9})
        self.assertEqual(self.event.name, "HL 免费体检")
        self.assertEqual(registration.state, "done")

    def test_link_only_readable_elders(self):
        # a member links only elders of their own team (record rule on elders)
        with self.assertRaises(AccessError):
            self.register_elder(self.elder_b, user=self.member_a)
        self.assertFalse(
            self.Registration.search([("care_elder_id", "=", self.elder_b.id)])
        )
