import json
from datetime import timedelta
from urllib.parse import urlsplit

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.care_family.tests.common import FamilyCase

MOBILE = "139 1000 4477"
MOBILE_E164 = "+8613910004477"


@tagged("post_install", "-at_install")
class TestInviteBySms(FamilyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("care_sms.provider", "test")
        cls.elder = cls.env["care.elder"].create(
            {
                "name": "丙老人",
                "street": "红庙北里6号楼",
                "city": "朝阳区",
                "grid_id": cls.grid.id,
                "contact_ids": [
                    (
                        0,
                        0,
                        {"name": "丙家属", "relationship": "son", "mobile": MOBILE},
                    )
                ],
            }
        )
        cls.contact = cls.elder.contact_ids
        cls.line = cls.env["care.family.access"].create(
            {
                "contact_id": cls.contact.id,
                "consent": "elder",
                "consent_date": fields.Date.today(),
            }
        )
        cls.clerk = new_test_user(
            cls.env,
            login="fam_sms_clerk",
            groups="base.group_user,elder_crm.group_care_reception",
        )

    def texts(self):
        return self.env["care.sms.message"].search(
            [("kind", "=", "portal_invitation"), ("number", "=", MOBILE_E164)]
        )

    def invite(self):
        self.line.with_user(self.manager).action_invite_sms()
        message = self.texts()
        self.assertEqual(len(message), 1)
        return json.loads(message.params)["link"]

    def test_invitation_is_texted_with_a_signup_link(self):
        link = self.invite()
        message = self.texts()
        self.assertEqual(message.partner_id, self.contact.partner_id)
        self.assertEqual(message.provider, "test")
        self.assertIn("丙老人", message.body)
        self.assertIn(link, message.body)
        self.assertIn("/my/invite/", link)
        user = self.contact.partner_id.user_ids
        self.assertEqual(len(user), 1)
        self.assertTrue(user.share and user._is_portal())
        self.assertEqual(user.login, self.contact.mobile_sanitized)
        # anyone holding the text opens the sign-up page of that member
        answer = self.url_open(urlsplit(link).path, allow_redirects=False)
        self.assertEqual(answer.status_code, 303)
        target = urlsplit(answer.headers["Location"])
        self.assertIn(target.path, ("/web/signup", "/web/reset_password"))
        self.assertIn("token=", target.query)

    def test_link_dies_at_first_login_and_expiry(self):
        path = urlsplit(self.invite()).path
        self.assertEqual(self.url_open(path, allow_redirects=False).status_code, 303)
        user = self.contact.partner_id.user_ids
        user.with_user(user)._update_last_login()
        user.invalidate_recordset(["login_date"])
        self.assertTrue(user.login_date)
        self.assertEqual(self.url_open(path, allow_redirects=False).status_code, 404)
        # and a second invitation is refused: they use the portal already
        with self.assertRaises(UserError):
            self.line.with_user(self.manager).action_invite_sms()

    def test_expired_link(self):
        path = urlsplit(self.invite()).path
        self.line.sudo().care_invite_expires = fields.Datetime.now() - timedelta(
            minutes=1
        )
        self.assertEqual(self.url_open(path, allow_redirects=False).status_code, 404)

    def test_revoked_line_link_dead(self):
        path = urlsplit(self.invite()).path
        self.line.active = False
        self.assertEqual(self.url_open(path, allow_redirects=False).status_code, 404)

    def test_guessed_links_refused(self):
        self.invite()
        for token in ("x", "A" * 22, self.line.sudo().care_invite_token[:-1] + "?"):
            answer = self.url_open(f"/my/invite/{token}", allow_redirects=False)
            self.assertEqual(answer.status_code, 404, token)

    def test_only_care_managers_invite(self):
        for user in (self.clerk, self.member_a):
            with self.assertRaises(AccessError):
                self.line.with_user(user).action_invite_sms()
        self.assertFalse(self.texts())
        self.assertFalse(self.contact.partner_id.user_ids)
        self.assertFalse(self.line.sudo().care_invite_token)

    def test_no_consent_no_invitation(self):
        self.line.consent = False
        with self.assertRaises(UserError) as caught:
            self.line.with_user(self.manager).action_invite_sms()
        self.assertIn("accepted the access", str(caught.exception))
        self.assertFalse(self.texts())
        self.assertFalse(self.contact.partner_id.user_ids)

    def test_opted_out_number_refused_and_nothing_saved(self):
        self.env["phone.blacklist"].sudo().create({"number": MOBILE_E164})
        with self.assertRaises(UserError) as caught:
            self.line.with_user(self.manager).action_invite_sms()
        self.assertIn("asked not to receive texts", str(caught.exception))
        self.assertFalse(self.texts())
        self.assertFalse(self.line.sudo().care_invite_token)
        self.assertFalse(self.contact.partner_id.user_ids)

    def test_no_mobile_refused(self):
        self.contact.mobile = False
        self.contact.partner_id.mobile = False
        self.contact.partner_id.email = "bing@example.com"
        with self.assertRaises(UserError) as caught:
            self.line.with_user(self.manager).action_invite_sms()
        self.assertIn("no mobile number", str(caught.exception))
        self.assertFalse(self.texts())

    def test_token_not_readable_by_the_member(self):
        self.invite()
        user = self.contact.partner_id.user_ids
        line = self.line.with_user(user)
        self.assertNotIn("care_invite_token", line.fields_get())
        with self.assertRaises(AccessError):
            line.read(["care_invite_token"])
