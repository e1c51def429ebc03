"""Results no client may write, locked confirmed assessments, and the
archive's actions for users without an e-mail address (issue 14, items 17
and 23)."""

import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import GROUPS, ElderCareCase, gbt_values


@tagged("post_install", "-at_install")
class TestGuardedResults(ElderCareCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.elder = cls.make_elder(name="吴老伯", birth_date=datetime.date(1945, 5, 5))
        cls.assessment = cls.make_gbt(cls.elder, 70)
        cls.reception = cls.users["reception"]

    def test_elder_results_refused_to_clients(self):
        before = self.elder.read(
            ["age", "age_band", "gbt_level", "gbt_assessment_id", "community_id"]
        )
        community = self.env["care.community"].create({"name": "假社区"})
        for role in ("reception", "dispatcher", "emergency", "manager"):
            elder = self.elder.with_user(self.users[role])
            for vals in (
                {"age": 80},
                {"age_band": "80_89"},
                {"age_changes_on": "2099-01-01"},
                {"gbt_level": "4"},
                {"gbt_valid_until": "2099-01-01"},
                {"gbt_assessment_id": False},
                {"barthel_score": 0},
                {"community_id": community.id},
                {"mobile_sanitized": "+8613800000000"},
            ):
                with (
                    self.subTest(role=role, vals=vals),
                    self.assertRaisesRegex(AccessError, "set by the system"),
                ):
                    elder.write(vals)
        with self.assertRaisesRegex(AccessError, "set by the system"):
            self.Elder.with_user(self.reception).create(
                {"name": "伪造等级", "gbt_level": "4"}
            )
        self.assertFalse(self.Elder.search([("name", "=", "伪造等级")]))
        self.assertEqual(
            self.elder.read(
                ["age", "age_band", "gbt_level", "gbt_assessment_id", "community_id"]
            ),
            before,
        )

    def test_medical_results_refused_to_clients(self):
        elder = self.elder.with_user(self.users["manager"])
        for vals in ({"has_dementia": True}, {"ad8_positive": True}):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                elder.write(vals)
        self.assertFalse(self.elder.has_dementia)

    def test_archive_number_is_the_sequence_s(self):
        Elder = self.Elder.with_user(self.reception)
        with self.assertRaisesRegex(AccessError, "archive number"):
            Elder.create({"name": "自编号", "code": "EL999999"})
        self.assertFalse(self.Elder.search([("name", "=", "自编号")]))
        code = self.elder.code
        with self.assertRaisesRegex(AccessError, "archive number"):
            self.elder.with_user(self.reception).write({"code": "EL000001"})
        self.assertEqual(self.elder.code, code)
        # saving the same value back is harmless
        self.elder.with_user(self.reception).write({"code": code, "hobbies": "下棋"})

    def test_contact_record_not_swapped(self):
        other = self.make_elder(name="另一位")
        partner = self.elder.partner_id
        with self.assertRaisesRegex(AccessError, "cannot be replaced"):
            self.elder.with_user(self.reception).write(
                {"partner_id": other.partner_id.id}
            )
        self.assertEqual(self.elder.partner_id, partner)
        self.elder.with_user(self.reception).write({"partner_id": partner.id})

    def test_contact_and_community_results_refused(self):
        contact = self.env["care.elder.contact"].create(
            {"elder_id": self.elder.id, "name": "吴小妹", "mobile": "139 1111 2222"}
        )
        with self.assertRaisesRegex(AccessError, "set by the system"):
            contact.with_user(self.reception).write(
                {"mobile_sanitized": "+8613900000000"}
            )
        self.assertEqual(contact.mobile_sanitized, "+8613911112222")
        street = self.env["care.community"].create({"name": "街道", "kind": "street"})
        with self.assertRaisesRegex(AccessError, "set by the system"):
            street.with_user(self.users["manager"]).write({"complete_name": "假名"})
        self.assertEqual(street.complete_name, "街道")

    def test_assessment_results_refused_even_on_drafts(self):
        draft = self.make_gbt(self.elder, 50, confirm=False)
        Assessment = self.Assessment.with_user(self.reception)
        for vals in (
            {"total_score": 90},
            {"final_level": "0"},
            {"preliminary_level": "0"},
            {"self_care_score": 32},
            {"risk_events": 0},
            {"ad8_score": 0},
            {"barthel_score": 100},
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(AccessError, "set by the system"),
            ):
                draft.with_user(self.reception).write(vals)
        self.assertEqual((draft.total_score, draft.final_level), (50, "2"))
        for vals in (
            {"total_score": 90},
            {"state": "done"},
            {"date_confirmed": "2026-01-01 00:00:00"},
            {"reminder_done": True},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                Assessment.create({"elder_id": self.elder.id, **gbt_values(10), **vals})
        self.assertEqual(self.Assessment.search_count([("total_score", "=", 10)]), 0)

    def test_status_only_through_the_actions(self):
        draft = self.make_gbt(self.elder, 50, confirm=False)
        with self.assertRaises(AccessError):
            draft.with_user(self.reception).write({"state": "done"})
        self.assertEqual(draft.state, "draft")
        self.assertEqual(self.elder.gbt_level, "1")


@tagged("post_install", "-at_install")
class TestConfirmedAssessmentLocked(ElderCareCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.elder = cls.make_elder(name="郑奶奶")
        with freeze_time("2026-03-10"):
            cls.assessment = cls.make_gbt(
                cls.elder, 70, date=datetime.date(2026, 3, 10)
            )
        cls.reception = cls.users["reception"]
        cls.manager = cls.users["manager"]

    def snapshot(self):
        return (
            self.assessment.read(
                [
                    "date",
                    "valid_until",
                    "total_score",
                    "final_level",
                    "gbt_b1_1",
                    "assessor_ids",
                    "state",
                ]
            ),
            self.elder.gbt_level,
            self.elder.gbt_valid_until,
        )

    def test_confirmed_assessment_refuses_every_field_to_everyone(self):
        before = self.snapshot()
        self.assertEqual(before[1], "1")
        other = self.make_elder(name="别人")
        for user in (self.reception, self.manager):
            assessment = self.assessment.with_user(user)
            for vals in (
                {"date": "2026-03-01"},
                {"valid_until": "2026-04-01"},
                {"gbt_b1_1": "0"},
                {"coma": True},
                {"risk_falls": 3},
                {"assessment_type": "barthel"},
                {"elder_id": other.id},
                {"assessor_ids": [(6, 0, [user.id])]},
                {"organisation": "别的机构"},
                {"note": "<p>改了</p>"},
                {"reason": "other"},
            ):
                with (
                    self.subTest(user=user.login, vals=vals),
                    self.assertRaisesRegex(UserError, "cannot be changed"),
                ):
                    assessment.write(vals)
        # not even the superuser: a confirmed result is evidence
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            self.assessment.sudo().write({"date": "2026-03-01"})
        self.assertEqual(self.snapshot(), before)

    def test_reception_cannot_reopen_cancel_or_delete(self):
        before = self.snapshot()
        assessment = self.assessment.with_user(self.reception)
        for action in ("action_reset_draft", "action_cancel"):
            with (
                self.subTest(action=action),
                self.assertRaisesRegex(AccessError, "care manager"),
            ):
                getattr(assessment, action)()
        with self.assertRaises(UserError):
            assessment.unlink()
        self.assertEqual(self.snapshot(), before)

    def test_only_drafts_are_confirmed(self):
        with self.assertRaisesRegex(UserError, "not a draft"):
            self.assessment.with_user(self.reception).action_confirm()

    def test_manager_reopens_with_a_trace(self):
        self.assessment.with_user(self.manager).action_reset_draft()
        self.assertEqual(self.assessment.state, "draft")
        self.assertEqual(self.elder.gbt_level, False)
        trace = self.assessment.message_ids.filtered(
            lambda m: "Reopened" in (m.body or "")
        )
        self.assertEqual(len(trace), 1)
        self.assertIn("total 70", trace.body)
        self.assertEqual(trace.author_id, self.manager.partner_id)
        # reopened, it is a draft again for reception; once confirmed, still
        # a manager's to reopen
        assessment = self.assessment.with_user(self.reception)
        assessment.write(gbt_values(40))
        assessment.action_confirm()
        self.assertEqual(self.elder.gbt_level, "3")
        with self.assertRaises(AccessError):
            assessment.action_reset_draft()
        with self.assertRaises(UserError):
            self.assessment.unlink()

    def test_draft_is_cancelled_by_reception_and_deleted(self):
        draft = self.make_gbt(self.elder, 20, confirm=False)
        draft.with_user(self.reception).action_cancel()
        self.assertEqual(draft.state, "cancel")
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            draft.with_user(self.reception).write({"gbt_b1_1": "0"})
        draft.with_user(self.reception).action_reset_draft()
        draft.with_user(self.reception).unlink()
        self.assertFalse(draft.exists())

    def test_emergency_reads_but_does_not_move_assessments(self):
        draft = self.make_gbt(self.elder, 20, confirm=False)
        with self.assertRaises(AccessError):
            draft.with_user(self.users["emergency"]).action_confirm()
        self.assertEqual(draft.state, "draft")

    def test_validity_at_most_the_reassessment_period(self):
        with self.assertRaisesRegex(ValidationError, "at most 6 months"):
            self.make_gbt(
                self.elder,
                60,
                confirm=False,
                date=datetime.date(2026, 1, 1),
                valid_until=datetime.date(2030, 1, 1),
            )
        shorter = self.make_gbt(
            self.elder,
            60,
            confirm=False,
            date=datetime.date(2026, 1, 1),
            valid_until=datetime.date(2026, 3, 1),
        )
        self.assertEqual(shorter.valid_until, datetime.date(2026, 3, 1))


@tagged("post_install", "-at_install")
class TestUsersWithoutEmail(ElderCareCase):
    """The archive's own actions work for users without an e-mail address."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.no_mail = {
            role: new_test_user(
                cls.env,
                login=f"nomail_{role}",
                groups=f"base.group_user,{GROUPS[role]}",
                email=False,
            )
            for role in ("reception", "manager")
        }
        # the mail features the actions use (tracking, chatter logs) on
        cls.env = cls.env(context={})

    def test_no_email(self):
        self.assertFalse(self.no_mail["reception"].email)
        self.assertFalse(self.no_mail["manager"].email)

    def test_register_activate_suspend(self):
        Elder = self.env["care.elder"].with_user(self.no_mail["reception"])
        elder = Elder.create({"name": "无邮箱登记", "mobile": "138 0000 4444"})
        # as if saved: changes made with the creation are not tracked
        self.env.cr.precommit.run()
        elder.action_activate()
        self.assertEqual(elder.state, "active")
        elder.action_suspend()
        self.assertEqual(elder.state, "suspended")
        # the tracking messages are written when the transaction commits
        self.env.cr.precommit.run()
        tracked = elder.message_ids.filtered("tracking_value_ids")
        self.assertTrue(tracked, "the status changes are tracked")
        self.assertEqual(tracked.author_id, self.no_mail["reception"].partner_id)

    def test_assess_confirm_reopen(self):
        elder = self.env["care.elder"].create({"name": "无邮箱评估"})
        assessment = (
            self.env["care.assessment"]
            .with_user(self.no_mail["reception"])
            .create({"elder_id": elder.id, **gbt_values(60)})
        )
        assessment.action_confirm()
        self.assertEqual(elder.gbt_level, "2")
        assessment.with_user(self.no_mail["manager"]).action_reset_draft()
        self.assertEqual(assessment.state, "draft")
        assessment.with_user(self.no_mail["manager"]).action_cancel()
        self.assertEqual(assessment.state, "cancel")

    def test_reminder_cron_for_a_coordinator_without_email(self):
        elder = self.env["care.elder"].create(
            {"name": "无邮箱提醒", "responsible_id": self.no_mail["reception"].id}
        )
        with freeze_time("2026-01-10"):
            self.make_gbt(elder, 60, date=datetime.date(2026, 1, 10))
        with freeze_time("2026-07-01"):
            self.env["care.assessment"]._cron_reassessment_reminders()
        self.assertEqual(elder.activity_ids.user_id, self.no_mail["reception"])
