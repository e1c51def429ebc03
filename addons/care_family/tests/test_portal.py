from datetime import date, timedelta

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.care_family.controllers.portal import OPEN_REQUESTS

from .common import ID_NUMBER, FamilyCase


@tagged("post_install", "-at_install")
class TestFamilyPortal(FamilyCase):
    # ------------------------------------------------------------------
    # Who sees what
    # ------------------------------------------------------------------
    def test_family_sees_own_elder_and_visit(self):
        self.login(self.member_a)
        elders = self.get("/my/elders")
        self.assertEqual(elders.status_code, 200)
        self.assertIn("甲老人", elders.text)
        self.assertNotIn("乙老人", elders.text)
        page = self.get(f"/my/elder/{self.elder_a.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("甲老人", page.text)
        self.assertIn("护理员赵敏", page.text, "who came")
        photo_url = (
            f"/my/elder/{self.elder_a.id}/visit/{self.visit_a.id}"
            f"/photo/{self.photo_a.id}"
        )
        self.assertIn(photo_url, page.text)
        photo = self.get(photo_url)
        self.assertEqual(photo.status_code, 200)
        self.assertTrue(photo.headers["Content-Type"].startswith("image/"))
        signature = self.get(
            f"/my/elder/{self.elder_a.id}/visit/{self.visit_a.id}/signature"
        )
        self.assertEqual(signature.status_code, 200)
        self.assertEqual(
            self.get(f"/my/elder/{self.elder_a.id}/photo").status_code, 200
        )
        # never the ID number, nor staff-only notes, nor medical data
        for secret in (ID_NUMBER, ID_NUMBER[6:14], "钥匙在门垫下", "青霉素"):
            self.assertNotIn(secret, page.text)
        # no health section without the permission
        self.assertNotIn("o_care_health", page.text)
        self.assertNotIn("o_care_book", page.text)

    def test_no_svg_or_document_of_the_visit_is_served(self):
        svg = self.env["ir.attachment"].create(
            {
                "name": "evil.svg",
                "raw": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)'
                b"</script></svg>",
                "mimetype": "image/svg+xml",
                "res_model": "fsm.order",
                "res_id": self.visit_a.id,
            }
        )
        note = self.env["ir.attachment"].create(
            {
                "name": "staff.txt",
                "raw": b"internal",
                "res_model": "fsm.order",
                "res_id": self.visit_a.id,
            }
        )
        self.login(self.member_a)
        page = self.get(f"/my/elder/{self.elder_a.id}").text
        base = f"/my/elder/{self.elder_a.id}/visit/{self.visit_a.id}/photo/"
        for attachment in (svg, note):
            self.assertNotIn(f"{base}{attachment.id}", page)
            self.assertEqual(self.get(f"{base}{attachment.id}").status_code, 404)

    def test_second_family_gets_404_on_first_family_pages(self):
        self.login(self.member_b)
        a, order, photo = self.elder_a.id, self.visit_a.id, self.photo_a.id
        b = self.elder_b.id
        for path in (
            f"/my/elder/{a}",
            f"/my/elder/{a}/photo",
            f"/my/elder/{a}/visit/{order}/photo/{photo}",
            f"/my/elder/{a}/visit/{order}/signature",
            # A's visit under B's own elder: still not B's
            f"/my/elder/{b}/visit/{order}/photo/{photo}",
            f"/my/elder/{b}/visit/{order}/signature",
        ):
            answer = self.get(path)
            self.assertEqual(answer.status_code, 404, path)
            self.assertNotIn("甲老人", answer.text, path)
        self.assertNotIn("甲老人", self.get("/my/elders").text)
        # an internal user without an access line sees nothing either
        self.authenticate("fam_manager", "fam_manager")
        self.assertEqual(self.get(f"/my/elder/{a}").status_code, 404)

    def test_anonymous_is_sent_to_login(self):
        answer = self.get(f"/my/elder/{self.elder_a.id}")
        self.assertIn(answer.status_code, (302, 303))
        self.assertIn("/web/login", answer.headers["Location"])

    def test_health_section_only_with_permission(self):
        self.login(self.member_a)
        self.assertNotIn("o_care_health", self.get(f"/my/elder/{self.elder_a.id}").text)
        self.line_a.perm_health = True
        page = self.get(f"/my/elder/{self.elder_a.id}")
        self.assertIn("o_care_health", page.text)
        self.assertNotIn(ID_NUMBER, page.text)

    def test_revoking_takes_effect_at_once(self):
        self.login(self.member_a)
        photo_url = (
            f"/my/elder/{self.elder_a.id}/visit/{self.visit_a.id}"
            f"/photo/{self.photo_a.id}"
        )
        self.assertEqual(self.get(photo_url).status_code, 200)
        # unticking the visits: no visit section, no photo
        self.line_a.with_user(self.manager).perm_schedule = False
        page = self.get(f"/my/elder/{self.elder_a.id}")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("护理员赵敏", page.text)
        self.assertNotIn(photo_url, page.text)
        self.assertEqual(self.get(photo_url).status_code, 404)
        # archiving the line: the elder is gone
        self.line_a.with_user(self.manager).active = False
        self.assertEqual(self.get(f"/my/elder/{self.elder_a.id}").status_code, 404)
        self.assertEqual(
            self.get(f"/my/elder/{self.elder_a.id}/photo").status_code, 404
        )
        self.assertNotIn("甲老人", self.get("/my/elders").text)
        # without the recorded consent: the same
        self.line_a.with_user(self.manager).active = True
        self.line_a.with_user(self.manager).consent = False
        self.assertEqual(self.get(f"/my/elder/{self.elder_a.id}").status_code, 404)
        self.line_a.with_user(self.manager).consent = "elder"
        # deleting it: the same
        self.line_a.with_user(self.manager).active = True
        self.assertEqual(self.get(f"/my/elder/{self.elder_a.id}").status_code, 200)
        self.line_a.with_user(self.manager).unlink()
        self.assertEqual(self.get(f"/my/elder/{self.elder_a.id}").status_code, 404)

    # ------------------------------------------------------------------
    # Requests
    # ------------------------------------------------------------------
    def booking(self, day=None):
        return {
            "service_id": self.housekeeping.id,
            "day": (day or fields.Date.today() + timedelta(days=3)).isoformat(),
            "slot": "morning",
            "note": "请带上拖把",
        }

    def family_orders(self, elder):
        return self.env["fsm.order"].search(
            [("care_elder_id", "=", elder.id), ("care_from_family", "=", True)]
        )

    def test_booking_needs_the_permission(self):
        self.login(self.member_a)
        token = self.csrf(self.elder_a)
        answer = self.post(f"/my/elder/{self.elder_a.id}/book", self.booking(), token)
        self.assertEqual(answer.status_code, 404)
        self.assertFalse(self.family_orders(self.elder_a))
        # nor for another family's elder, even with the permission on one's own
        self.line_a.perm_book = True
        answer = self.post(f"/my/elder/{self.elder_b.id}/book", self.booking(), token)
        self.assertEqual(answer.status_code, 404)
        self.assertFalse(self.family_orders(self.elder_b))

    def test_booking_needs_csrf(self):
        self.line_a.perm_book = True
        self.login(self.member_a)
        with mute_logger("odoo.http"):
            answer = self.post(f"/my/elder/{self.elder_a.id}/book", self.booking())
        self.assertEqual(answer.status_code, 400)
        self.assertFalse(self.family_orders(self.elder_a))

    def test_book_and_cancel(self):
        self.line_a.perm_book = True
        self.login(self.member_a)
        token = self.csrf(self.elder_a)
        answer = self.post(f"/my/elder/{self.elder_a.id}/book", self.booking(), token)
        self.assertEqual(answer.status_code, 303)
        self.assertIn("msg=booked", answer.headers["Location"])
        order = self.family_orders(self.elder_a)
        self.assertEqual(len(order), 1)
        self.assertEqual(order.stage_id, self.env.ref("fieldservice.fsm_stage_new"))
        self.assertEqual(order.care_family_partner_id, self.member_a.partner_id)
        self.assertEqual(order.care_category_id, self.housekeeping)
        self.assertIn("请带上拖把", order.description)
        self.assertFalse(order.care_provider_id)
        # on the dispatcher's board, marked as from the family
        self.assertIn(
            order,
            self.env["fsm.order"].search([("care_from_family", "=", True)]),
        )
        page = self.get(f"/my/elder/{self.elder_a.id}")
        self.assertIn(f"/request/{order.id}/cancel", page.text)
        # a date in the past, an unknown service: refused, nothing created
        for bad in (
            dict(self.booking(), day=date(2000, 1, 1).isoformat()),
            dict(self.booking(), day="not a date"),
            dict(self.booking(), service_id="999999"),
            dict(self.booking(), slot="night"),
        ):
            answer = self.post(f"/my/elder/{self.elder_a.id}/book", bad, token)
            self.assertNotIn("msg=booked", answer.headers["Location"])
        self.assertEqual(len(self.family_orders(self.elder_a)), 1)
        # another family cannot cancel it
        self.line_b.perm_book = True
        self.login(self.member_b)
        token_b = self.csrf(self.elder_b)
        for elder in (self.elder_a, self.elder_b):
            answer = self.post(
                f"/my/elder/{elder.id}/request/{order.id}/cancel", {}, token_b
            )
            self.assertEqual(answer.status_code, 404)
        self.assertEqual(order.stage_id, self.env.ref("fieldservice.fsm_stage_new"))
        # the requester cancels it before it is dispatched
        self.login(self.member_a)
        token = self.csrf(self.elder_a)
        answer = self.post(
            f"/my/elder/{self.elder_a.id}/request/{order.id}/cancel", {}, token
        )
        self.assertIn("msg=cancelled", answer.headers["Location"])
        self.assertEqual(
            order.stage_id, self.env.ref("fieldservice.fsm_stage_cancelled")
        )

    def test_open_requests_are_limited(self):
        self.line_a.perm_book = True
        self.login(self.member_a)
        token = self.csrf(self.elder_a)
        for _i in range(OPEN_REQUESTS):
            answer = self.post(
                f"/my/elder/{self.elder_a.id}/book", self.booking(), token
            )
            self.assertIn("msg=booked", answer.headers["Location"])
        answer = self.post(f"/my/elder/{self.elder_a.id}/book", self.booking(), token)
        self.assertIn("msg=too_many", answer.headers["Location"])
        self.assertEqual(len(self.family_orders(self.elder_a)), OPEN_REQUESTS)

    def test_dispatched_request_cannot_be_cancelled(self):
        self.line_a.perm_book = True
        self.login(self.member_a)
        token = self.csrf(self.elder_a)
        self.post(f"/my/elder/{self.elder_a.id}/book", self.booking(), token)
        order = self.family_orders(self.elder_a)
        order.action_care_dispatch(self.provider.id)
        answer = self.post(
            f"/my/elder/{self.elder_a.id}/request/{order.id}/cancel", {}, token
        )
        self.assertIn("msg=not_cancellable", answer.headers["Location"])
        self.assertEqual(
            order.stage_id, self.env.ref("care_dispatch.fsm_stage_dispatched")
        )

    # ------------------------------------------------------------------
    # Ratings
    # ------------------------------------------------------------------
    def test_rating_feeds_the_callback_once(self):
        self.login(self.member_a)
        token = self.csrf(self.elder_a)
        path = f"/my/elder/{self.elder_a.id}/visit/{self.visit_a.id}/rate"
        answer = self.post(path, {"rating": "9", "comment": "?"}, token)
        self.assertIn("msg=bad_rating", answer.headers["Location"])
        self.assertFalse(self.visit_a.care_family_rating_ids)
        answer = self.post(path, {"rating": "2", "comment": "迟到了"}, token)
        self.assertIn("msg=rated", answer.headers["Location"])
        rating = self.visit_a.care_family_rating_ids
        self.assertEqual(rating.rating, 2)
        self.assertEqual(rating.partner_id, self.member_a.partner_id)
        callback = self.visit_a.care_callback_ids
        self.assertEqual(len(callback), 1)
        self.assertTrue(callback.care_from_family)
        self.assertEqual(callback.rating, 2)
        self.assertTrue(callback.is_complaint)
        self.assertEqual(rating.callback_id, callback)
        self.assertEqual(self.provider.rating, 2.0, "the provider's rating")
        # the family's complaint counts in the provider's scorecard
        self.env["care.provider"]._cron_update_scorecards()
        self.assertEqual(self.provider.score_complaints, 100.0)
        # once per visit
        answer = self.post(path, {"rating": "5", "comment": "改评"}, token)
        self.assertIn("msg=already_rated", answer.headers["Location"])
        self.assertEqual(len(self.visit_a.care_family_rating_ids), 1)
        self.assertEqual(self.visit_a.care_family_rating_ids.rating, 2)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                self.env["care.family.rating"].create(
                    {
                        "order_id": self.visit_a.id,
                        "partner_id": self.member_a.partner_id.id,
                        "rating": 5,
                    }
                )
        # another family cannot rate A's visit
        self.login(self.member_b)
        token_b = self.csrf(self.elder_b)
        answer = self.post(
            f"/my/elder/{self.elder_b.id}/visit/{self.visit_a.id}/rate",
            {"rating": "1"},
            token_b,
        )
        self.assertEqual(answer.status_code, 404)
        self.assertEqual(len(self.visit_a.care_family_rating_ids), 1)

    def test_rating_an_open_order_is_refused(self):
        self.line_a.perm_book = True
        self.login(self.member_a)
        token = self.csrf(self.elder_a)
        self.post(f"/my/elder/{self.elder_a.id}/book", self.booking(), token)
        order = self.family_orders(self.elder_a)
        answer = self.post(
            f"/my/elder/{self.elder_a.id}/visit/{order.id}/rate", {"rating": "5"}, token
        )
        self.assertIn("msg=not_ratable", answer.headers["Location"])
        self.assertFalse(order.care_family_rating_ids)

    # ------------------------------------------------------------------
    # Messages with the centre
    # ------------------------------------------------------------------
    def comments(self, line):
        return line.message_ids.filtered(
            lambda m: (
                m.message_type == "comment"
                and m.subtype_id == self.env.ref("mail.mt_comment")
            )
        )

    def test_conversation_with_the_centre(self):
        self.login(self.member_a)
        token = self.csrf(self.elder_a)
        answer = self.post(
            f"/my/elder/{self.elder_a.id}/message",
            {"body": "<b>妈妈</b>最近睡得好吗？"},
            token,
        )
        self.assertIn("msg=sent", answer.headers["Location"])
        message = self.comments(self.line_a)
        self.assertEqual(len(message), 1)
        self.assertEqual(message.author_id, self.member_a.partner_id)
        self.assertNotIn("<b>", message.body, "the text is escaped")
        self.assertIn(self.member_a.partner_id, self.line_a.message_partner_ids)
        # the care manager answers in the line's chatter; an internal note
        # is not for the family
        self.line_a.with_user(self.manager).message_post(
            body="睡得很好，昨天还去了公园。",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.line_a.with_user(self.manager).message_post(
            body="内部备注：家属情绪焦虑",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        page = self.get(f"/my/elder/{self.elder_a.id}").text
        self.assertIn("最近睡得好吗", page)
        self.assertIn("睡得很好，昨天还去了公园。", page)
        self.assertNotIn("内部备注", page)
        # the other family neither reads nor writes it
        self.login(self.member_b)
        token_b = self.csrf(self.elder_b)
        self.assertNotIn("最近睡得好吗", self.get(f"/my/elder/{self.elder_b.id}").text)
        answer = self.post(
            f"/my/elder/{self.elder_a.id}/message", {"body": "我是乙"}, token_b
        )
        self.assertEqual(answer.status_code, 404)
        self.assertEqual(len(self.comments(self.line_a)), 2)
        self.assertFalse(self.comments(self.line_b))
        # empty messages are refused
        answer = self.post(
            f"/my/elder/{self.elder_b.id}/message", {"body": "   "}, token_b
        )
        self.assertIn("msg=bad_message", answer.headers["Location"])
        self.assertFalse(self.comments(self.line_b))

    # ------------------------------------------------------------------
    # The access lines themselves
    # ------------------------------------------------------------------
    def test_access_lines_are_the_managers(self):
        Access = self.env["care.family.access"]
        # a portal user reads their own line only
        mine = Access.with_user(self.member_a).search([])
        self.assertEqual(mine, self.line_a)
        with self.assertRaises(AccessError):
            self.line_a.with_user(self.member_a).perm_book = True
        with self.assertRaises(AccessError):
            self.line_b.with_user(self.member_a).read(["perm_book"])
        self.assertFalse(self.line_a.perm_book)
        # a receptionist cannot give access either
        reception = self.env["res.users"].create(
            {
                "name": "接待",
                "login": "fam_reception",
                "groups_id": [
                    (6, 0, self.env.ref("elder_crm.group_care_reception").ids)
                ],
            }
        )
        with self.assertRaises(AccessError):
            self.line_a.with_user(reception).perm_book = True
        with self.assertRaises(AccessError):
            self.line_a.with_user(reception).action_invite()
        self.assertFalse(self.line_a.perm_book)

    def test_invite_creates_a_portal_login(self):
        elder = self.env["care.elder"].create(
            {
                "name": "丙老人",
                "street": "红庙北里",
                "contact_ids": [
                    (0, 0, {"name": "丙家属", "mobile": "+86 139 0000 7777"})
                ],
            }
        )
        line = self.env["care.family.access"].create(
            {"contact_id": elder.contact_ids.id}
        )
        self.assertFalse(line.user_id)
        # not without the elder's or the decision maker's consent
        with self.assertRaisesRegex(UserError, "accepted"):
            line.with_user(self.manager).action_invite()
        self.assertFalse(line.user_id)
        line.consent = "decision_maker"
        line.with_user(self.manager).action_invite()
        line.invalidate_recordset(["user_id"])
        self.assertTrue(line.user_id)
        self.assertTrue(line.user_id.share)
        self.assertTrue(line.user_id.has_group("base.group_portal"))
        self.assertEqual(line.user_id.login, elder.contact_ids.mobile_sanitized)
