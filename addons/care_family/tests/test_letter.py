from datetime import date, datetime

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import FamilyCase

FEBRUARY = date(2026, 2, 1)


@tagged("post_install", "-at_install")
class TestFamilyLetter(FamilyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the visits took place in February
        for visit in (cls.visit_a, cls.visit_b):
            visit.date_end = datetime(2026, 2, 10, 2, 0)
        Letter = cls.env["care.family.letter"]
        # only our two families: the demo's opt out for these tests
        cls.env["care.family.access"].search(
            [("id", "not in", (cls.line_a | cls.line_b).ids)]
        ).write({"letter_opt_in": False})
        Letter.search([]).unlink()

    def letters(self):
        return self.env["care.family.letter"].search([("month", "=", FEBRUARY)])

    def html(self, letter):
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "care_family.report_family_letter", letter.ids
        )
        return html.decode()

    @freeze_time("2026-03-01 01:00:00")
    def test_prepared_once_per_member_and_month(self):
        Letter = self.env["care.family.letter"]
        created = Letter._cron_prepare_letters()
        self.assertEqual(
            created.partner_id, self.member_a.partner_id | self.member_b.partner_id
        )
        self.assertEqual(set(created.mapped("month")), {FEBRUARY})
        self.assertEqual(set(created.mapped("state")), {"draft"})
        # the cron again: nothing new
        self.assertFalse(Letter._cron_prepare_letters())
        self.assertEqual(len(self.letters()), 2)
        # the database refuses a second letter of the month
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                Letter.create(
                    {"partner_id": self.member_a.partner_id.id, "month": FEBRUARY}
                )
        # a member who opted out gets none
        self.letters().unlink()
        self.line_b.letter_opt_in = False
        self.assertEqual(
            Letter._cron_prepare_letters().partner_id, self.member_a.partner_id
        )

    @freeze_time("2026-03-01 01:00:00")
    def test_content_follows_the_permissions(self):
        self.env["care.family.letter"]._cron_prepare_letters()
        letter = self.letters().filtered(
            lambda letter: letter.partner_id == self.member_a.partner_id
        )
        letter.note = "三月起周三上午加一次助浴"
        html = self.html(letter)
        self.assertIn("甲老人", html)
        self.assertIn("护理员赵敏", html, "the services received")
        self.assertIn("三月起周三上午加一次助浴", html)
        self.assertNotIn("o_care_letter_health", html)
        self.assertNotIn("乙老人", html)
        self.line_a.perm_health = True
        self.assertIn("o_care_letter_health", self.html(letter))
        self.line_a.perm_schedule = False
        self.assertNotIn("护理员赵敏", self.html(letter))
        # a revoked line: the elder is left out
        self.line_a.active = False
        self.assertNotIn("甲老人", self.html(letter))

    @freeze_time("2026-03-01 01:00:00")
    def test_review_and_send_once(self):
        self.env["care.family.letter"]._cron_prepare_letters()
        letter = self.letters().filtered(
            lambda letter: letter.partner_id == self.member_a.partner_id
        )
        # not sent before the care manager approves it
        with self.assertRaises(UserError):
            letter.with_user(self.manager).action_send()
        # a receptionist neither approves nor sends
        reception = self.env["res.users"].create(
            {
                "name": "接待",
                "login": "fam_letter_reception",
                "groups_id": [
                    (6, 0, self.env.ref("elder_crm.group_care_reception").ids)
                ],
            }
        )
        with self.assertRaises(AccessError):
            letter.with_user(reception).action_approve()
        self.assertEqual(letter.state, "draft")
        # nor can the manager set the state directly
        with self.assertRaises(AccessError):
            letter.with_user(self.manager).write({"state": "sent"})
        letter.with_user(self.manager).write({"note": "一切安好"})
        letter.with_user(self.manager).action_approve()
        letter.with_user(self.manager).action_send()
        self.assertEqual(letter.state, "sent")
        self.assertTrue(letter.sent_date)
        sent = letter.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(len(sent), 1)
        self.assertIn(self.member_a.partner_id, sent.partner_ids)
        # a link to the letter on the portal, no health data in an attachment
        self.assertIn(f"/my/letter/{letter.id}", sent.body)
        self.assertFalse(sent.attachment_ids)

        def archived():
            return self.env["ir.attachment"].search(
                [("res_model", "=", letter._name), ("res_id", "=", letter.id)]
            )

        self.assertFalse(archived())
        self.assertFalse(letter.pdf_archived)
        # the PDF copy, in the background, once
        Letter = self.env["care.family.letter"]
        self.assertIn(letter, Letter._cron_archive_letter_pdfs())
        self.assertEqual(len(archived()), 1)
        self.assertTrue(letter.pdf_archived)
        self.assertNotIn(letter, Letter._cron_archive_letter_pdfs())
        self.assertEqual(len(archived()), 1)
        with self.assertRaises(AccessError):
            letter.with_user(self.manager).write({"pdf_archived": False})
        # once
        with self.assertRaises(UserError):
            letter.with_user(self.manager).action_send()
        self.assertEqual(
            len(letter.message_ids.filtered(lambda m: m.message_type == "comment")), 1
        )
        # the member reads it on the portal, the other family does not
        self.login(self.member_a)
        self.assertIn(f"/my/letter/{letter.id}", self.get("/my/elders").text)
        answer = self.get(f"/my/letter/{letter.id}")
        self.assertEqual(answer.status_code, 200)
        self.login(self.member_b)
        self.assertEqual(self.get(f"/my/letter/{letter.id}").status_code, 404)
        self.assertNotIn(f"/my/letter/{letter.id}", self.get("/my/elders").text)
