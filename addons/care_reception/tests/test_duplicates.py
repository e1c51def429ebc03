"""Duplicate enquiries: a number already known is flagged at once; reception
merges the leads (history kept) or links the lead to the elder's archive."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from .common import ReceptionCase


class TestDuplicates(ReceptionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.first = cls.make_lead(mobile="13912340001")
        cls.elder = cls.env["care.elder"].create(
            {
                "name": "王秀兰",
                "mobile": "13700005551",
                "contact_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "王强",
                            "mobile": "13600006661",
                            "relationship": "son",
                            "is_emergency": True,
                        },
                    )
                ],
            }
        )

    def test_every_form_of_an_open_lead_s_number_is_flagged(self):
        self.assertFalse(self.first.care_possible_duplicate)
        for typed in (
            "+86 139 1234 0001",
            "0086-139-1234-0001",
            "139 1234 0001",
            "(139) 1234-0001",
        ):
            with self.subTest(typed=typed):
                lead = self.make_lead(mobile=typed, contact_name="另一位")
                self.assertTrue(lead.care_possible_duplicate)
                self.assertIn(self.first, lead.care_duplicate_lead_ids)
        # typed as the landline field of the lead too
        lead = self.make_lead(mobile=False, phone="+8613912340001")
        self.assertTrue(lead.care_possible_duplicate)
        # the first lead was not touched
        self.assertFalse(self.first.care_possible_duplicate)

    def test_new_number_is_not_flagged_and_a_later_edit_is(self):
        lead = self.make_lead(mobile="13912340099")
        self.assertFalse(lead.care_possible_duplicate)
        self.assertFalse(lead.care_duplicate_lead_ids)
        lead.with_user(self.wang).write({"mobile": "139-1234-0001"})
        self.assertTrue(lead.care_possible_duplicate)

    def test_won_leads_and_other_companies_do_not_count(self):
        self.first.stage_id = self.stage_won
        lead = self.make_lead(mobile="13912340001")
        self.assertFalse(lead.care_possible_duplicate)
        other = self.env["res.company"].create({"name": "另一中心"})
        self.make_lead(
            mobile="13912340077", company_id=other.id, user_id=False, team_id=False
        )
        lead = self.make_lead(mobile="13912340077")
        self.assertFalse(lead.care_possible_duplicate)

    def test_elder_s_own_and_family_numbers(self):
        own = self.make_lead(mobile="137 0000 5551")
        self.assertTrue(own.care_possible_duplicate)
        self.assertEqual(own.care_duplicate_elder_ids, self.elder)
        family = self.make_lead(phone="+86 136-0000-6661", mobile=False)
        self.assertTrue(family.care_possible_duplicate)
        self.assertEqual(family.care_duplicate_elder_ids, self.elder)

    def test_link_to_the_existing_elder(self):
        lead = self.make_lead(mobile="13600006661", care_prospect_name=False)
        lead.with_user(self.wang).action_care_link_elder(self.elder.id)
        self.assertEqual(lead.care_elder_id, self.elder)
        self.assertEqual(lead.care_prospect_name, "王秀兰")
        self.assertFalse(lead.care_possible_duplicate)
        self.assertIn("王秀兰", lead.message_ids[:1].body)
        # from the elder row of the lead's list, the same (context names the lead)
        other = self.make_lead(mobile="13700005551")
        action = (
            self.elder.with_user(self.wang)
            .with_context(care_lead_id=other.id)
            .action_care_link_lead()
        )
        self.assertEqual(action["tag"], "soft_reload")
        self.assertEqual(other.care_elder_id, self.elder)

    def test_link_refusals_change_nothing(self):
        lead = self.make_lead(mobile="13600006661")
        stranger = self.env["care.elder"].create({"name": "无关老人"})
        with self.assertRaisesRegex(UserError, "does not share a number"):
            lead.with_user(self.wang).action_care_link_elder(stranger.id)
        dispatcher = new_test_user(
            self.env,
            login="rc_dup_dispatcher",
            groups="base.group_user,elder_crm.group_care_dispatcher",
        )
        with self.assertRaises(AccessError):
            lead.with_user(dispatcher).action_care_link_elder(self.elder.id)
        with self.assertRaisesRegex(UserError, "Open the lead"):
            self.elder.with_user(self.wang).with_context(
                care_lead_id="1"
            ).action_care_link_lead()
        # a lead about another elder already is not silently re-pointed
        lead.care_elder_id = stranger
        with self.assertRaisesRegex(UserError, "already about"):
            lead.with_user(self.wang).action_care_link_elder(self.elder.id)
        self.assertEqual(lead.care_elder_id, stranger)
        self.assertTrue(lead.care_possible_duplicate)

    def test_merge_keeps_history_tags_and_objections(self):
        first = self.first
        tag = self.env["crm.tag"].create({"name": "重复测试"})
        concern = self.env["crm.tag"].create({"name": "费用"})
        first.write({"stage_id": self.stage_questionnaire.id, "tag_ids": [(4, tag.id)]})
        first.care_objection_ids = [
            (
                0,
                0,
                {
                    "objection_id": self.env.ref("care_reception.objection_price").id,
                    "outcome": "resolved",
                },
            )
        ]
        second = self.make_lead(mobile="+86 139 1234 0001")
        second.care_concern_ids = [(4, concern.id)]
        first.message_post(body="第一次来电记录")
        self.assertIn(first, second.care_duplicate_lead_ids)
        history = (first | second).care_history_ids
        self.assertEqual(len(history), 3)
        action = second.with_user(self.wang).action_care_merge_duplicates()
        self.assertEqual(action["res_model"], "crm.merge.opportunity")
        wizard = (
            self.env["crm.merge.opportunity"]
            .with_user(self.wang)
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(set(wizard.opportunity_ids.ids), {first.id, second.id})
        kept = wizard.action_merge()
        kept = self.Lead.browse(kept["res_id"])
        gone = (first | second) - kept
        self.assertFalse(gone.exists())
        # every stage row kept, one open row, one entry into the funnel
        self.assertEqual(kept.care_history_ids, history.exists())
        self.assertEqual(len(kept.care_history_ids), 3)
        self.assertEqual(
            len(kept.care_history_ids.filtered(lambda r: not r.date_out)), 1
        )
        self.assertEqual(len(kept.care_history_ids.filtered("first_stage")), 1)
        self.assertIn(tag, kept.tag_ids)
        self.assertIn(concern, kept.care_concern_ids)
        self.assertEqual(len(kept.care_objection_ids), 1)
        self.assertIn("第一次来电记录", " ".join(kept.message_ids.mapped("body")))
        self.assertFalse(kept.care_possible_duplicate)

    def test_merge_needs_reception_and_a_duplicate(self):
        lone = self.make_lead(mobile="13912349999")
        with self.assertRaisesRegex(UserError, "No other open lead"):
            lone.with_user(self.wang).action_care_merge_duplicates()
        dispatcher = new_test_user(
            self.env,
            login="rc_dup_dispatcher2",
            groups="base.group_user,elder_crm.group_care_dispatcher",
        )
        second = self.make_lead(mobile="13912340001")
        with self.assertRaises(AccessError):
            second.with_user(dispatcher).action_care_merge_duplicates()

    def test_flag_is_not_client_writable(self):
        lead = self.make_lead(mobile="13912348888")
        with self.assertRaises(AccessError):
            lead.with_user(self.wang).write({"care_possible_duplicate": True})
        self.assertFalse(lead.care_possible_duplicate)
