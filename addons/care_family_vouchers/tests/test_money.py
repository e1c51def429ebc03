from urllib.parse import parse_qs, urlsplit

from odoo.tests import tagged
from odoo.tools import formatLang

from .common import MoneyCase


@tagged("post_install", "-at_install")
class TestFamilyMoney(MoneyCase):
    def copay_url(self, elder, invoice, pay=True):
        return f"/my/elder/{elder.id}/copay/{invoice.id}" + ("?pay=1" if pay else "")

    def test_money_section_with_the_permission(self):
        self.login(self.member_a)
        page = self.get(f"/my/elder/{self.elder_a.id}").text
        self.assertIn("o_care_money", page)
        self.assertIn("家属测试服务券", page)
        currency = self.entitlement_a.currency_id
        self.assertEqual(self.entitlement_a.balance, 70.0)
        self.assertIn(formatLang(self.env, 70.0, currency_obj=currency), page)
        self.assertIn(formatLang(self.env, 30.0, currency_obj=currency), page, "used")
        self.assertIn("<polyline", page, "the burn-down")
        # the elder's own co-payment invoice, to pay; never the other elder's
        self.assertTrue(self.invoice_a and self.invoice_b)
        self.assertEqual(self.invoice_a.state, "posted")
        self.assertIn(self.invoice_a.name, page)
        self.assertIn(self.copay_url(self.elder_a, self.invoice_a), page)
        self.assertNotIn(self.invoice_b.name, page)
        self.assertNotIn(f"/copay/{self.invoice_b.id}", page)

    def test_no_money_without_the_permission(self):
        self.line_a.perm_money = False
        self.login(self.member_a)
        page = self.get(f"/my/elder/{self.elder_a.id}")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("o_care_money", page.text)
        self.assertNotIn(self.invoice_a.name, page.text)
        self.assertNotIn("家属测试服务券", page.text)
        self.assertEqual(
            self.get(self.copay_url(self.elder_a, self.invoice_a)).status_code, 404
        )

    def test_pay_opens_odoos_invoice_page(self):
        self.login(self.member_a)
        answer = self.get(self.copay_url(self.elder_a, self.invoice_a))
        self.assertEqual(answer.status_code, 303)
        target = urlsplit(answer.headers["Location"])
        self.assertEqual(target.path, f"/my/invoices/{self.invoice_a.id}")
        query = parse_qs(target.query)
        self.assertEqual(query["access_token"], [self.invoice_a.access_token])
        self.assertEqual(query["payment"], ["True"])
        invoice_page = self.get(f"{target.path}?{target.query}")
        self.assertEqual(invoice_page.status_code, 200)
        self.assertIn('id="pay_with"', invoice_page.text)
        self.assertIn(self.invoice_a.name, invoice_page.text)

    def test_another_elders_invoice_is_never_reachable(self):
        self.login(self.member_b)
        for url in (
            # B's own elder with A's invoice, A's elder, any id
            self.copay_url(self.elder_b, self.invoice_a),
            self.copay_url(self.elder_b, self.invoice_a, pay=False),
            self.copay_url(self.elder_a, self.invoice_a),
            self.copay_url(self.elder_a, self.invoice_b),
            f"/my/elder/{self.elder_b.id}/copay/999999999",
        ):
            self.assertEqual(self.get(url).status_code, 404, url)
        # Odoo's own invoice page: without the token, or with a guessed one,
        # it sends B away
        for url in (
            f"/my/invoices/{self.invoice_a.id}",
            f"/my/invoices/{self.invoice_a.id}?access_token=0000-guess",
            f"/my/invoices/{self.invoice_a.id}?report_type=pdf&download=true",
        ):
            answer = self.get(url)
            self.assertNotEqual(answer.status_code, 200, url)
            self.assertNotIn(self.invoice_a.name or "?", answer.text)
        # B's own invoice is fine
        self.assertEqual(
            self.get(self.copay_url(self.elder_b, self.invoice_b)).status_code, 303
        )

    def test_revoking_money_closes_the_invoice_link_at_once(self):
        self.login(self.member_a)
        answer = self.get(self.copay_url(self.elder_a, self.invoice_a))
        link = answer.headers["Location"]
        self.assertEqual(self.get(link).status_code, 200)
        self.line_a.perm_money = False
        self.assertEqual(
            self.get(self.copay_url(self.elder_a, self.invoice_a)).status_code, 404
        )
        stale = self.get(link)
        self.assertNotEqual(stale.status_code, 200, "the old link is dead")
        # granted again: a new link
        self.line_a.perm_money = True
        fresh = self.get(self.copay_url(self.elder_a, self.invoice_a))
        self.assertEqual(fresh.status_code, 303)
        self.assertNotEqual(fresh.headers["Location"], link)
        # archiving the line also kills the link
        link = fresh.headers["Location"]
        self.line_a.active = False
        self.assertNotEqual(self.get(link).status_code, 200)

    def test_deleting_the_family_contact_closes_the_invoice_link(self):
        self.login(self.member_a)
        link = self.get(self.copay_url(self.elder_a, self.invoice_a)).headers[
            "Location"
        ]
        self.assertEqual(self.get(link).status_code, 200)
        self.line_a.contact_id.unlink()
        self.assertFalse(self.line_a.exists(), "the access line went with it")
        self.assertNotEqual(self.get(link).status_code, 200, "the old link is dead")

    def test_unposted_or_other_invoices_are_not_listed(self):
        draft = self.invoice_a.copy()
        self.visit_a.sudo().care_copay_move_id = draft
        self.login(self.member_a)
        page = self.get(f"/my/elder/{self.elder_a.id}").text
        self.assertNotIn(f"/copay/{draft.id}", page)
        self.assertEqual(self.get(self.copay_url(self.elder_a, draft)).status_code, 404)

    def test_letter_tells_the_months_money_with_the_permission(self):
        letter = self.env["care.family.letter"].create(
            {
                "partner_id": self.member_a.partner_id.id,
                "month": self.this_month,
                "access_ids": [(6, 0, self.line_a.ids)],
                "company_id": self.line_a.company_id.id,
            }
        )
        money = letter._care_letter_values()["elders"][0]["money"]
        currency = self.entitlement_a.currency_id
        self.assertEqual(
            money["vouchers"],
            [
                {
                    "programme": "家属测试服务券",
                    "issued": formatLang(self.env, 100.0, currency_obj=currency),
                    "used": formatLang(self.env, 30.0, currency_obj=currency),
                }
            ],
        )
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("care_family.report_family_letter", letter.ids)[0]
            .decode()
        )
        self.assertIn("o_care_letter_vouchers", html)
        self.assertNotIn(self.invoice_b.name, html)
        self.line_a.perm_money = False
        self.assertNotIn("money", letter._care_letter_values()["elders"][0])
