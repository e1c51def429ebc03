import datetime

from freezegun import freeze_time
from psycopg2.errors import UniqueViolation

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import ID_1949_F, ElderCareCase


@tagged("post_install", "-at_install")
class TestElder(ElderCareCase):
    def test_elder_is_a_contact_with_archive_number(self):
        elder = self.make_elder(name="陈秀兰", mobile="13800138000")
        self.assertTrue(elder.partner_id)
        self.assertEqual(elder.partner_id.name, "陈秀兰")
        self.assertTrue(elder.code.startswith("EL"))
        self.assertEqual(elder.partner_id.elder_ids, elder)
        self.assertEqual(elder.state, "enquiry")
        self.assertEqual(elder.company_id, self.env.company)
        self.assertEqual(elder.partner_id.company_id, self.env.company)

    def test_phones_formatted_and_sanitized(self):
        elder = self.make_elder(mobile="138-0013-8000", phone="(010) 6512 3456")
        self.assertEqual(elder.mobile, "+86 138 0013 8000")
        self.assertEqual(elder.phone, "+86 10 6512 3456")
        self.assertEqual(elder.mobile_sanitized, "+8613800138000")
        self.assertEqual(elder.landline_sanitized, "+861065123456")
        self.assertEqual(elder.phone_sanitized, "+8613800138000")  # mail.thread.phone

    def test_unparseable_phone_refused_nothing_saved(self):
        with self.assertRaisesRegex(ValidationError, "cannot be read"):
            self.make_elder(name="赵无号", mobile="12345")
        self.assertFalse(self.env["res.partner"].search([("name", "=", "赵无号")]))
        elder = self.make_elder(mobile="13800138000")
        with self.assertRaisesRegex(ValidationError, "cannot be read"):
            elder.write({"phone": "call me"})
        self.assertFalse(elder.phone)

    def test_family_contact_is_a_partner_of_its_own(self):
        elder = self.make_elder(
            contact_ids=[
                (
                    0,
                    0,
                    {
                        "name": "李娜",
                        "relationship": "daughter",
                        "mobile": "139 1000 2000",
                        "is_decision_maker": True,
                    },
                )
            ]
        )
        contact = elder.contact_ids
        self.assertEqual(contact.partner_id.name, "李娜")
        self.assertEqual(contact.partner_id.mobile, "+86 139 1000 2000")
        self.assertEqual(contact.mobile_sanitized, "+8613910002000")
        self.assertNotEqual(contact.partner_id, elder.partner_id)
        # editing the contact's own partner keeps the lookup column in sync
        contact.partner_id.write({"mobile": "139 1000 3000"})
        self.assertEqual(contact.mobile_sanitized, "+8613910003000")
        with self.assertRaisesRegex(ValidationError, "cannot be read"):
            contact.partner_id.write({"mobile": "0"})

    def test_bad_contact_phone_refused(self):
        with self.assertRaisesRegex(ValidationError, "cannot be read"):
            self.make_elder(
                name="孙大妈", contact_ids=[(0, 0, {"name": "孙子", "mobile": "999"})]
            )
        self.assertFalse(self.Elder.search([("name", "=", "孙大妈")]))

    def test_same_person_twice_refused(self):
        elder = self.make_elder(
            contact_ids=[(0, 0, {"name": "李娜", "mobile": "139 1000 2000"})]
        )
        with mute_logger("odoo.sql_db"), self.assertRaises(UniqueViolation):
            self.env["care.elder.contact"].create(
                {"elder_id": elder.id, "partner_id": elder.contact_ids.partner_id.id}
            )

    def test_status_dates(self):
        elder = self.make_elder()
        with freeze_time("2026-03-01"):
            elder.action_activate()
        self.assertEqual(elder.date_active, datetime.date(2026, 3, 1))
        with freeze_time("2026-04-02"):
            elder.action_mark_deceased()
        self.assertEqual(elder.state, "deceased")
        self.assertEqual(elder.date_deceased, datetime.date(2026, 4, 2))
        self.assertEqual(elder.date_active, datetime.date(2026, 3, 1))

    def test_community_from_grid(self):
        Community = self.env["care.community"]
        street = Community.create({"name": "八里庄街道", "kind": "street"})
        community = Community.create(
            {"name": "红庙社区", "kind": "community", "parent_id": street.id}
        )
        grid = Community.create(
            {"name": "第一网格", "kind": "grid", "parent_id": community.id}
        )
        elder = self.make_elder(grid_id=grid.id)
        self.assertEqual(elder.community_id, community)
        self.assertEqual(elder.street_office_id, street)
        self.assertEqual(grid.complete_name, "八里庄街道 / 红庙社区 / 第一网格")
        with self.assertRaisesRegex(UserError, "Recursion"):
            street.parent_id = grid

    def test_future_birth_date_refused(self):
        with self.assertRaisesRegex(ValidationError, "future"):
            self.make_elder(
                birth_date=datetime.date.today() + datetime.timedelta(days=3)
            )

    def test_age_band_and_birthday_cron(self):
        with freeze_time("2026-06-01"):
            elder = self.make_elder(birth_date=datetime.date(1946, 6, 2))
            self.assertEqual((elder.age, elder.age_band), (79, "70_79"))
            other = self.make_elder(birth_date=datetime.date(1936, 1, 1))
            self.assertEqual(other.age_band, "90_plus")
        with freeze_time("2026-06-02"):
            refreshed = self.Elder._cron_refresh_ages()
        self.assertGreaterEqual(refreshed, 1)
        self.assertEqual((elder.age, elder.age_band), (80, "80_89"))
        self.assertEqual(other.age, 90)  # not its birthday: untouched

    def test_missed_runs_are_caught_up(self):
        """Select by what is stale, not by today's date: the age is right
        after the cron skipped the birthday (or was down for days)."""
        with freeze_time("2026-06-01"):
            elder = self.make_elder(birth_date=datetime.date(1946, 6, 2))
            self.assertEqual(elder.age, 79)
            self.assertEqual(elder.age_changes_on, datetime.date(2026, 6, 2))
            self.Elder._cron_refresh_ages()
            self.assertEqual(elder.age, 79, "not stale yet")
        # no run on 2 June (nor on the 3rd and 4th)
        with freeze_time("2026-06-05"):
            refreshed = self.Elder._cron_refresh_ages()
        self.assertGreaterEqual(refreshed, 1)
        self.assertEqual((elder.age, elder.age_band), (80, "80_89"))
        self.assertEqual(elder.age_changes_on, datetime.date(2027, 6, 2))
        with freeze_time("2026-06-06"):
            self.Elder._cron_refresh_ages()
        self.assertEqual(elder.age, 80)
        # even a whole year missed
        with freeze_time("2028-01-10"):
            self.Elder._cron_refresh_ages()
        self.assertEqual(elder.age, 81)

    def test_refresh_in_batches(self):
        with freeze_time("2026-06-01"):
            elders = self.Elder.create(
                [
                    {"name": f"批量{i}", "birth_date": datetime.date(1940, 6, 1 + i)}
                    for i in range(1, 4)
                ]
            )
            self.assertEqual(elders.mapped("age"), [85, 85, 85])
        with freeze_time("2026-06-10"):
            self.Elder._cron_refresh_ages(batch_size=1)
            self.assertFalse(
                self.Elder.search_count([("age_changes_on", "<=", "2026-06-10")])
            )
        self.assertEqual(elders.mapped("age"), [86, 86, 86])

    def test_leap_day_birthday_refreshed_on_1_march(self):
        with freeze_time("2026-02-28"):
            elder = self.make_elder(birth_date=datetime.date(1936, 2, 29))
            self.assertEqual(elder.age, 89)
        with freeze_time("2026-03-01"):
            self.Elder._cron_refresh_ages()
        self.assertEqual(elder.age, 90)

    def test_cannot_delete_assessed_elder(self):
        elder = self.make_elder()
        self.make_gbt(elder, 90)
        with self.assertRaises(UserError):
            elder.unlink()
        self.assertTrue(elder.exists())

    def test_form_creates_elder_with_family(self):
        form = Form(self.Elder.with_user(self.users["reception"]))
        form.name = "周建国"
        form.mobile = "186 0000 1111"
        form.id_number_display = ID_1949_F
        self.assertEqual(
            form.birth_date, datetime.date(1949, 12, 31), "filled while typing"
        )
        self.assertEqual(form.gender, "female")
        with form.contact_ids.new() as line:
            line.name = "周小军"
            line.relationship = "son"
            line.mobile = "186 0000 2222"
        elder = form.save()
        self.assertEqual(elder.contact_ids.name, "周小军")
        self.assertEqual(elder.birth_date, datetime.date(1949, 12, 31))
        self.assertEqual(elder.emergency_contact_ids, elder.contact_ids)
