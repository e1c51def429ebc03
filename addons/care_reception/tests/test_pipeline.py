from datetime import datetime, timedelta

from freezegun import freeze_time
from psycopg2.errors import CheckViolation

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ReceptionCase

T0 = datetime(2026, 11, 2, 2, 0, 0)  # a Monday, 10:00 in Shanghai


@tagged("post_install", "-at_install")
class TestPipeline(ReceptionCase):
    def followups(self, lead):
        kind = self.env.ref("care_reception.mail_activity_type_followup")
        return lead.activity_ids.filtered(lambda a: a.activity_type_id == kind)

    def test_whole_path_from_enquiry_to_signed_elder(self):
        lead = self.make_lead(
            tag_ids=[(6, 0, self.env.ref("care_reception.tag_disability_care").ids)]
        )
        self.assertEqual(lead.care_history_ids.stage_id, self.stage_new)
        lead.stage_id = self.stage_questionnaire

        # assessed needs an assessment: refused, nothing saved
        with self.assertRaisesRegex(ValidationError, "needs assessment"):
            lead.stage_id = self.stage_assessed
        self.assertEqual(lead.stage_id, self.stage_questionnaire)
        assessment = self.assess(lead, total=60)
        self.assertEqual(lead.care_elder_id.state, "enquiry")
        self.assertEqual(lead.care_assessment_id, assessment)
        self.assertEqual(lead.care_level, assessment.final_level)
        lead.stage_id = self.stage_assessed
        self.assertEqual(
            lead.care_package_suggested_id,
            self.env["care.package"]._match(lead.care_level, "home"),
        )
        self.assertTrue(lead.care_package_suggested_id)

        # the tour: not in the past; the route follows the tags
        with self.assertRaisesRegex(ValidationError, "tour"):
            lead.stage_id = self.stage_toured
        action = lead.action_care_schedule_tour()
        self.assertEqual(
            lead.care_tour_route_id, self.env.ref("care_reception.route_disability")
        )
        Event = self.env["calendar.event"].with_context(**action["context"])
        now = fields.Datetime.now()
        with self.assertRaisesRegex(ValidationError, "in the past"):
            Event.create({"start": now - timedelta(days=1), "stop": now})
        self.assertFalse(lead.care_tour_event_id)
        tour = Event.create(
            {"start": now + timedelta(days=1), "stop": now + timedelta(days=1, hours=1)}
        )
        self.assertEqual(lead.care_tour_event_id, tour)
        self.assertIn("Nursing area", tour.description)
        lead.stage_id = self.stage_toured

        # a proposal needs a package
        with self.assertRaisesRegex(ValidationError, "matched package"):
            lead.stage_id = self.stage_proposal
        lead.care_package_id = lead.care_package_suggested_id
        lead.stage_id = self.stage_proposal

        # an objection raised and answered
        objection = self.env.ref("care_reception.objection_price")
        lead.care_objection_ids = [
            (0, 0, {"objection_id": objection.id, "outcome": "resolved"})
        ]
        self.assertEqual(lead.care_objection_ids.category, "price")

        # signing: the archive is activated with the family, no retyping
        lead.action_set_won()
        elder = lead.care_elder_id
        self.assertEqual(lead.stage_id, self.stage_won)
        self.assertEqual(elder.state, "active")
        self.assertEqual(elder.name, "张桂兰")
        self.assertEqual(elder.birth_date.year, 1941)
        self.assertEqual(elder.contact_ids.name, "李娜")
        self.assertEqual(elder.contact_ids.relationship, "daughter")
        self.assertTrue(elder.contact_ids.is_emergency)
        checklist = self.env.ref("care_reception.mail_activity_type_move_in")
        self.assertIn(checklist, elder.activity_ids.activity_type_id)

        # the history: every stage once, in order, only the last open
        history = lead.care_history_ids.sorted("id")
        self.assertEqual(
            history.stage_id.ids,
            (
                self.stage_new
                | self.stage_questionnaire
                | self.stage_assessed
                | self.stage_toured
                | self.stage_proposal
                | self.stage_won
            ).ids,
        )
        self.assertEqual(history.filtered(lambda h: not h.date_out), history[-1])

    def test_tour_route_shares_the_most_tags(self):
        Route = self.env["care.tour.route"]
        Tag = self.env["crm.tag"]
        tag_a, tag_b, unused = (
            Tag.create({"name": "路线测试甲"}),
            Tag.create({"name": "路线测试乙"}),
            Tag.create({"name": "路线测试丙"}),
        )
        first = Route.create({"name": "A", "sequence": -1, "tag_ids": tag_a.ids})
        both = Route.create(
            {"name": "A+B", "sequence": 50, "tag_ids": (tag_a | tag_b).ids}
        )
        self.assertEqual(Route._for_tags(tag_a | tag_b), both)
        # a tie on shared tags: the first route in order
        self.assertEqual(Route._for_tags(tag_a), first)
        self.assertEqual(Route._for_tags(tag_b | unused), both)
        # no route for the tags, or no tags: the first route
        self.assertEqual(Route._for_tags(unused), first)
        self.assertEqual(Route._for_tags(Tag), first)
        Route.search([("id", "!=", first.id)]).action_archive()
        self.assertEqual(Route._for_tags(unused), first)
        first.action_archive()
        self.assertFalse(Route._for_tags(tag_a))

    def test_won_creates_the_archive_when_there_is_none(self):
        lead = self.make_lead(care_prospect_name="赵德海", contact_name="赵强")
        lead.care_relationship = "son"
        lead.action_set_won()
        self.assertEqual(lead.care_elder_id.name, "赵德海")
        self.assertEqual(lead.care_elder_id.state, "active")
        self.assertEqual(lead.care_elder_id.contact_ids.relationship, "son")

    def test_won_without_an_elder_name_is_refused(self):
        lead = self.make_lead(care_prospect_name=False)
        with self.assertRaisesRegex(ValidationError, "name the prospective elder"):
            lead.action_set_won()
        self.assertEqual(lead.stage_id, self.stage_new)
        with self.assertRaises(UserError):
            lead.action_care_create_elder()

    def test_lost_closes_the_stage_as_a_drop_off(self):
        lead = self.make_lead()
        reason = self.env.ref("care_reception.lost_reason_competitor")
        lead.action_set_lost(lost_reason_id=reason.id)
        self.assertFalse(lead.active)
        row = lead.care_history_ids
        self.assertTrue(row.date_out)
        self.assertTrue(row.dropped)
        lead.toggle_active()
        self.assertEqual(len(lead.care_history_ids), 2)
        self.assertFalse(lead.care_history_ids.sorted("id")[-1].date_out)

    def test_lost_reasons_for_a_care_centre(self):
        reasons = self.env["crm.lost.reason"].search([])
        names = set(reasons.mapped("name"))
        self.assertIn("Price too high", names)
        self.assertIn("Chose another provider", names)
        self.assertNotIn("Not enough stock", names)

    def test_intent_needs_an_owner(self):
        lead = self.make_lead(user_id=False)
        with self.assertRaisesRegex(ValidationError, "assign the lead"):
            lead.care_intent = "high"
        self.assertFalse(lead.care_intent)

    def test_cadence_by_tier_and_first_follow_up_on_time(self):
        with freeze_time(T0):
            lead = self.make_lead()
            lead.care_intent = "high"
            self.assertEqual(lead.care_next_followup, T0 + timedelta(hours=24))
            activity = self.followups(lead)
            self.assertEqual(len(activity), 1)
            self.assertEqual(activity.user_id, self.wang)
        with freeze_time(T0 + timedelta(hours=10)):
            activity.action_feedback(feedback="邀请试住")
            self.assertEqual(lead.care_first_followup_on_time, "yes")
            self.assertEqual(
                lead.care_next_followup, T0 + timedelta(hours=34), "next one planned"
            )
            self.assertEqual(len(self.followups(lead)), 1)
            lead.care_intent = "hesitant"
            self.assertEqual(lead.care_next_followup, T0 + timedelta(hours=10, days=7))
            self.assertEqual(len(self.followups(lead)), 1, "the old one replaced")
            self.env["ir.config_parameter"].set_param(
                "care_reception.cadence_not_now_days", "30"
            )
            lead.care_intent = "not_now"
            self.assertEqual(lead.care_next_followup, T0 + timedelta(hours=10, days=30))

    def test_first_follow_up_late(self):
        with freeze_time(T0):
            lead = self.make_lead()
            lead.care_intent = "high"
        with freeze_time(T0 + timedelta(days=2)):
            self.followups(lead).action_feedback()
        self.assertEqual(lead.care_first_followup_on_time, "no")

    def test_overdue_cron_flags_once_to_the_manager(self):
        with freeze_time(T0):
            late = self.make_lead()
            late.care_intent = "high"
            fine = self.make_lead(name="王德海 咨询", care_prospect_name="王德海")
            fine.care_intent = "hesitant"
        overdue = self.env.ref("care_reception.mail_activity_type_overdue")
        with freeze_time(T0 + timedelta(days=3)):
            flagged = self.Lead._cron_flag_overdue_followups()
            self.assertEqual(flagged, late)
            self.assertTrue(late.care_followup_overdue)
            self.assertFalse(fine.care_followup_overdue)
            alert = late.activity_ids.filtered(lambda a: a.activity_type_id == overdue)
            self.assertEqual(alert.user_id, self.manager)
            self.assertIn(late.name, str(alert.note))
            self.assertFalse(self.Lead._cron_flag_overdue_followups(), "once")
            # doing the follow-up ends the episode
            self.followups(late).action_feedback()
            self.assertFalse(late.care_followup_overdue)

    def test_tour_summary_sent_once_after_the_tour(self):
        with freeze_time(T0):
            lead = self.make_lead(
                email_from="lina@example.com", care_package_id=self.package.id
            )
            no_mail = self.make_lead(name="无邮箱", email_from=False)
            for record in lead | no_mail:
                record.care_tour_event_id = self.env["calendar.event"].create(
                    {
                        "name": "参观",
                        "start": T0 + timedelta(hours=1),
                        "stop": T0 + timedelta(hours=2),
                    }
                )
            self.assertFalse(self.Lead._cron_send_tour_summaries(), "not yet")
        with freeze_time(T0 + timedelta(hours=2, minutes=10)):
            sent = self.Lead._cron_send_tour_summaries()
            self.assertEqual(sent, lead | no_mail)
        message = lead.message_ids.filtered(
            lambda m: m.subject and "summary" in m.subject
        )
        self.assertEqual(len(message), 1)
        self.assertIn(self.package.name, message.body)
        self.assertEqual(lead.care_summary_sent, T0 + timedelta(hours=2, minutes=10))
        self.assertIn("no e-mail", no_mail.message_ids[0].body)
        with freeze_time(T0 + timedelta(hours=2, minutes=20)):
            self.assertFalse(self.Lead._cron_send_tour_summaries(), "only once")

    def test_package_constraints(self):
        Package = self.env["care.package"]
        with (
            self.assertRaises(CheckViolation),
            mute_logger("odoo.sql_db"),
            self.cr.savepoint(),
        ):
            Package.create({"name": "负价", "monthly_price": -1})
        with (
            self.assertRaises(CheckViolation),
            mute_logger("odoo.sql_db"),
            self.cr.savepoint(),
        ):
            Package.create(
                {
                    "name": "倒置",
                    "monthly_price": 100,
                    "level_min": "3",
                    "level_max": "1",
                }
            )
        self.assertFalse(Package.search([("name", "in", ["负价", "倒置"])]))
        standard = self.package
        neighbours = standard._neighbours()
        self.assertIn(standard, neighbours)
        self.assertEqual(len(neighbours), 3)
