import base64
import io
from datetime import timedelta

import openpyxl
from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import DispatchCase
from .test_visit import PNG


@tagged("post_install", "-at_install")
class TestReports(DispatchCase):
    """Scorecards and the service report on known orders."""

    # the elder's home; the workers check in and out there (proof of visit)
    HOME = (39.9219, 116.4655)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.elder.partner_id.write(
            {"partner_latitude": cls.HOME[0], "partner_longitude": cls.HOME[1]}
        )

    def visit(
        self,
        provider,
        late=False,
        photo=True,
        complaint=None,
        rating=None,
        cancel=False,
    ):
        t0 = fields.Datetime.now().replace(microsecond=0)
        order = self.make_order(
            request_early=t0 + timedelta(hours=1), request_late=t0 + timedelta(hours=3)
        )
        order.action_care_dispatch(provider.id)
        if cancel:
            order.action_cancel()
            return order
        with freeze_time(t0 + timedelta(hours=5 if late else 2)):
            order.action_care_checkin(*self.HOME)
        with freeze_time(t0 + timedelta(hours=6 if late else 4)):
            order.action_care_checkout(*self.HOME)
            if photo:
                self.env["ir.attachment"].create(
                    {
                        "name": "p.png",
                        "datas": PNG,
                        "res_model": "fsm.order",
                        "res_id": order.id,
                    }
                )
            order.action_complete()
        if rating:
            self.env["care.callback"].create(
                {
                    "order_id": order.id,
                    "rating": rating,
                    "is_complaint": bool(complaint),
                }
            )
        return order

    def test_scorecard_and_review_flag(self):
        for rating in (5, 4, 4, 5):
            self.visit(self.good, rating=rating)
        self.visit(self.good, late=True, rating=4)
        self.visit(self.good, cancel=True)
        self.visit(self.poor, late=True, rating=2, complaint=True)
        self.visit(self.poor, rating=3)
        flagged = self.env["care.provider"]._cron_update_scorecards()
        self.assertEqual(flagged, self.poor)
        # 4 of 5 visits on time is the threshold (80 %): not below it
        self.assertEqual(self.good.score_orders, 6)
        self.assertAlmostEqual(self.good.score_on_time, 80.0)
        self.assertAlmostEqual(self.good.score_completion, 500 / 6)
        self.assertAlmostEqual(self.good.score_complaints, 0.0)
        self.assertAlmostEqual(self.good.score_evidence, 100.0)
        self.assertAlmostEqual(self.good.score_evv, 100.0)
        self.assertAlmostEqual(self.good.rating, 4.4)
        self.assertFalse(self.good.needs_review)
        self.assertTrue(self.poor.needs_review)
        self.assertAlmostEqual(self.poor.score_complaints, 50.0)
        self.assertTrue(
            self.poor.activity_ids.filtered(lambda a: "Review" in (a.summary or ""))
        )
        self.assertFalse(
            self.env["care.provider"]._cron_update_scorecards(), "flagged once"
        )
        # good providers rank first: rating 4.4 before the equal-price 3.0 newcomer
        ranked = [r["provider_id"] for r in self.make_order().care_propose_providers()]
        self.assertLess(ranked.index(self.good.id), ranked.index(self.poor.id))

    def test_scorecard_evidence_follows_the_service(self):
        self.visit(self.good)
        lost = self.visit(self.good)
        photo = self.env["ir.attachment"].search(
            [("res_model", "=", "fsm.order"), ("res_id", "=", lost.id)]
        )
        self.assertEqual(len(photo), 1)
        photo.unlink()  # the photo went missing after completion
        # a signature is not the photo housekeeping asks for
        lost.signature = PNG
        Provider = self.env["care.provider"]
        Provider._cron_update_scorecards()
        self.assertAlmostEqual(self.good.score_evidence, 50.0)
        # a service that asks for no photo is complete without one
        self.housekeeping.needs_photo = False
        Provider._cron_update_scorecards()
        self.assertAlmostEqual(self.good.score_evidence, 100.0)
        # ... and one that asks for a signature is not complete without it
        self.housekeeping.needs_signature = True
        Provider._cron_update_scorecards()
        self.assertAlmostEqual(self.good.score_evidence, 50.0)

    def test_service_report_and_response_times(self):
        orders = self.visit(self.good) | self.visit(self.good, late=True)
        Report = self.env["care.service.report"].with_user(self.coordinator)
        domain = [("order_id", "in", orders.ids)]
        [total] = Report.read_group(domain, ["count:sum", "done:sum"], [])
        self.assertEqual((total["count"], total["done"]), (2, 2))
        by_community = Report.read_group(domain, ["count:sum"], ["community_id"])
        self.assertEqual(by_community[0]["community_id"][0], self.community.id)
        times = Report.response_times(domain)
        self.assertEqual(times["start"]["orders"], 2)
        # checked in 2 h and 5 h after the request
        self.assertAlmostEqual(times["start"]["median"], 3.5, places=2)
        self.assertAlmostEqual(times["start"]["p90"], 4.7, places=2)
        self.assertEqual(times["dispatch"]["orders"], 2)

    def test_export_for_the_bureau(self):
        order = self.visit(self.good, rating=4)
        manager = new_test_user(
            self.env,
            login="cc_manager",
            groups="base.group_user,elder_crm.group_care_manager",
        )
        Export = self.env["care.service.export"]
        # the visit ends 4 hours from now (tomorrow when run late in the day)
        export = Export.with_user(manager).create(
            {
                "date_from": (order.date_end - timedelta(days=1)).date(),
                "date_to": (order.date_end + timedelta(days=1)).date(),
            }
        )
        action = export.action_export()
        self.assertIn("/web/content/care.service.export/", action["url"])
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(export.file)))
        rows = list(book.active.values)
        header, line = rows[0], next(r for r in rows[1:] if r[0] == order.name)
        self.assertEqual(header[1], "Elder")
        values = dict(zip(header, line, strict=True))
        self.assertEqual(values["Elder"], self.elder.name)
        self.assertEqual(values["Service"], self.housekeeping.name)
        self.assertEqual(values["Provider"], self.good.name)
        self.assertEqual(values["Hours"], 2.0)
        self.assertEqual(values["Photos"], 1)
        self.assertEqual(values["Satisfaction"], 4)
        with self.assertRaises(AccessError):
            Export.with_user(self.agent).create({})
        empty = Export.with_user(manager).create(
            {"date_from": "2001-01-01", "date_to": "2001-01-31"}
        )
        with self.assertRaisesRegex(UserError, "No completed service"):
            empty.action_export()
