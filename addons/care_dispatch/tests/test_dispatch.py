from datetime import timedelta

from psycopg2.errors import CheckViolation

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import DispatchCase


@tagged("post_install", "-at_install")
class TestDispatch(DispatchCase):
    def test_call_to_dispatched_order(self):
        # the daughter calls: her number pops her mother's card
        pop = self.env["care.call"].with_user(self.agent).cti_incoming("139-0000-2222")
        self.assertEqual([card["id"] for card in pop["elders"]], [self.elder.id])
        call = self.env["care.call"].browse(pop["call_id"])
        self.assertEqual(call.elder_id, self.elder)
        action = call.with_user(self.agent).action_new_request()
        order = (
            self.env["fsm.order"]
            .with_user(self.agent)
            .with_context(**action["context"])
            .create({"care_category_id": self.housekeeping.id})
        )
        self.assertEqual(call.order_id, order)
        self.assertEqual(call.category, "service_request")
        # the order is at the elder's home, in the community's territory
        location = order.location_id
        self.assertEqual(location, self.elder.fsm_location_id)
        self.assertEqual(location.partner_id, self.elder.partner_id)
        self.assertEqual(location.territory_id, self.territory)
        self.assertEqual(order.scheduled_duration, self.housekeeping.duration)
        # the worker's notes: mobility, and that there are health notes (the
        # allergy itself only for the roles that read it, see test_guard)
        self.assertNotIn("青霉素", order.care_worker_notes)
        self.assertIn("walker", order.care_worker_notes.lower())
        self.assertIn("ask the care coordinator", order.care_worker_notes)
        self.assertIn("青霉素", order.with_user(self.agent).care_health_notes)
        # ranked: same rating, the cheaper contract price first; poor rating last
        ranking = order.with_user(self.agent).care_propose_providers()
        self.assertEqual(
            [r["provider_id"] for r in ranking],
            (self.cheap | self.good | self.poor).ids,
        )
        order.with_user(self.agent).action_care_dispatch()
        self.assertEqual(order.care_provider_id, self.cheap)
        self.assertEqual(
            order.stage_id, self.env.ref("care_dispatch.fsm_stage_dispatched")
        )
        self.assertTrue(order.care_dispatched_at)
        self.assertEqual(self.cheap.open_order_count, 1)

    def test_address_change_follows_the_location(self):
        order = self.make_order()
        self.elder.street = "十里堡东里5号"
        self.assertEqual(order.location_id.street, "十里堡东里5号")

    def test_ranking_rules(self):
        lapsed = self.make_provider("执照过期公司", rating=5, licence_days=30)
        lapsed.qualification_ids.date_expiry = self.today - timedelta(days=1)
        far = self.make_provider("别处公司", rating=5, territory=self.elsewhere)
        suspended = self.make_provider("暂停公司", rating=5)
        suspended.state_reason = "投诉多"
        suspended.action_suspend()
        applying = self.make_provider("申请中公司", rating=5, approve=False)
        full = self.make_provider("满负荷公司", rating=5, capacity=1)
        order = self.make_order()
        self.make_order().care_provider_id = full
        ranked = [r["provider_id"] for r in order.care_propose_providers(limit=10)]
        for excluded in lapsed | far | suspended | applying:
            self.assertNotIn(excluded.id, ranked)
        self.assertEqual(ranked[-1], full.id, "a full provider comes last")
        self.assertEqual(ranked[0], self.cheap.id)

    def test_proposal_dialog_dispatches_the_chosen_provider(self):
        order = self.make_order()
        action = order.with_user(self.agent).action_care_propose()
        proposal = self.env["care.dispatch.proposal"].browse(action["res_id"])
        self.assertEqual(
            proposal.line_ids.mapped("provider_id"), self.cheap | self.good | self.poor
        )
        self.assertEqual(proposal.line_ids.mapped("rank"), [1, 2, 3])
        chosen = proposal.line_ids.filtered(lambda line: line.provider_id == self.good)
        chosen.with_user(self.agent).action_dispatch()
        self.assertEqual(order.care_provider_id, self.good)
        self.assertEqual(
            order.stage_id, self.env.ref("care_dispatch.fsm_stage_dispatched")
        )
        # a second click from a stale dialog does not move it elsewhere
        other = proposal.line_ids.filtered(lambda line: line.provider_id == self.cheap)
        with self.assertRaisesRegex(UserError, "already gone to 好服务公司"):
            other.with_user(self.agent).action_dispatch()
        self.assertEqual(order.care_provider_id, self.good)
        # reception does not dispatch
        with self.assertRaises(AccessError):
            self.make_order().with_user(self.receptionist).action_care_propose()
        # no service, no ranking
        with self.assertRaisesRegex(UserError, "Choose the service first"):
            self.env["fsm.order"].create(
                {"location_id": order.location_id.id}
            ).action_care_propose()

    def test_lapsed_qualification_blocks_dispatch(self):
        nurse = self.make_provider("康复公司", rating=4, categories=self.rehab)
        order = self.make_order(category=self.rehab)
        # the rehabilitation service needs a medical licence covering it
        self.assertEqual(order.care_propose_providers(), [])
        with self.assertRaisesRegex(UserError, "No approved, qualified provider"):
            order.action_care_dispatch()
        with self.assertRaisesRegex(
            UserError, "licence for .* has lapsed or is missing"
        ):
            order.action_care_dispatch(nurse.id)
        self.assertFalse(order.care_provider_id)
        self.assertEqual(order.stage_id, self.env.ref("fieldservice.fsm_stage_new"))
        licence = self.env["care.provider.qualification"].create(
            {
                "provider_id": nurse.id,
                "kind": "medical_licence",
                "category_ids": [(6, 0, self.rehab.ids)],
                "date_expiry": self.today + timedelta(days=10),
            }
        )
        order.action_care_dispatch()
        self.assertEqual(order.care_provider_id, nurse)
        # once it lapses, the provider gets no new rehabilitation order
        licence.date_expiry = self.today - timedelta(days=1)
        with self.assertRaisesRegex(UserError, "has lapsed or is missing"):
            self.make_order(category=self.rehab, care_provider_id=nurse.id)

    def test_bad_input_is_refused(self):
        homeless = self.env["care.elder"].create({"name": "无地址老人"})
        with self.assertRaisesRegex(UserError, "has no address"):
            self.env["fsm.order"].create(
                {"care_elder_id": homeless.id, "care_category_id": self.housekeeping.id}
            )
        self.assertFalse(
            self.env["fsm.order"].search([("care_elder_id", "=", homeless.id)])
        )
        self.assertFalse(homeless.fsm_location_id)
        past = fields.Datetime.now() - timedelta(hours=2)
        with self.assertRaisesRegex(ValidationError, "requested window .* ended"):
            self.make_order(request_early=past - timedelta(hours=1), request_late=past)
        with self.assertRaisesRegex(UserError, "without a valid business licence"):
            self.make_provider("无执照公司", licence_days=-1)
        with self.assertRaisesRegex(UserError, "reason for suspending"):
            self.good.action_suspend()
        self.assertEqual(self.good.state, "approved")
        with self.assertRaisesRegex(ValidationError, "expire before it starts"):
            self.good.qualification_ids[0].date_start = self.today + timedelta(days=999)
        with mute_logger("odoo.sql_db"), self.assertRaises(CheckViolation):
            with self.env.cr.savepoint():
                self.good.rating = 7
                self.good.flush_recordset()

    def test_cti_same_call_twice(self):
        Call = self.env["care.call"].with_user(self.agent)
        first = Call.cti_incoming("13800001111", external_id="PBX-1")
        again = Call.cti_incoming("13800001111", external_id="PBX-1")
        self.assertEqual(first["call_id"], again["call_id"])
        unknown = Call.cti_incoming("021-5555 6666")
        self.assertEqual(unknown["elders"], [])
        call = Call.browse(unknown["call_id"])
        action = call.action_register_elder()
        elder = (
            self.env["care.elder"]
            .with_user(self.agent)
            .with_context(**action["context"])
            .create({"name": "新来电老人"})
        )
        self.assertEqual(call.elder_id, elder)
        with self.assertRaisesRegex(UserError, "say what the call was about"):
            call.action_done()
        call.category = "consultation"
        call.action_done()
        self.assertEqual(call.state, "done")
        with self.assertRaisesRegex(UserError, "number is missing"):
            Call.cti_incoming("  ")

    def test_emergency_call_is_not_lost(self):
        """An emergency from an unknown caller reaches the lead and the agent
        (with care_dispatch_devices, a known elder's goes to the desk)."""
        lead = self.env.ref("base.user_admin")
        self.env["ir.config_parameter"].set_param(
            "care_dispatch.lead_user_id", str(lead.id)
        )
        call = (
            self.env["care.call"]
            .with_user(self.agent)
            .create({"number": "021-5555 6666", "summary": "邻居说老人倒在楼道里"})
        )
        call.action_emergency()
        self.assertEqual(call.category, "emergency")
        # one urgent activity each (in each one's language)
        self.assertEqual(call.sudo().activity_ids.user_id, lead | self.agent)
        self.assertEqual(call.state, "open")
        open_emergencies = self.env["care.call"].search(
            [("state", "=", "open"), ("category", "=", "emergency")]
        )
        self.assertIn(call, open_emergencies)

    def test_knowledge_base(self):
        Knowledge = self.env["care.knowledge"]
        allowance = Knowledge.create(
            {
                "name": "高龄津贴怎么申请？",
                "topic": "policy",
                "keywords": "高龄 津贴 补贴 80岁",
                "answer": "<p>持身份证到街道社保所申请，次月发放。</p>",
            }
        )
        pressure = Knowledge.create(
            {
                "name": "血压多少算高？",
                "topic": "health",
                "answer": "<p>140/90 以上。</p>",
            }
        )
        agent_kb = Knowledge.with_user(self.agent)
        found = agent_kb._search_answers("补贴 80岁")
        self.assertIn(allowance, found)
        self.assertNotIn(pressure, found)
        self.assertIn(allowance.id, [i for i, _name in agent_kb.name_search("津贴")])
        call = self.env["care.call"].with_user(self.agent).create({"number": "1"})
        call.knowledge_ids = allowance
        call.category = "consultation"
        call.action_done()
        self.assertEqual(allowance.use_count, 1)
        with self.assertRaises(AccessError):
            allowance.with_user(self.agent).write({"answer": "<p>x</p>"})
