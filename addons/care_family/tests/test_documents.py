import base64

from odoo.tests import tagged

from .common import ID_NUMBER, PNG, FamilyCase

PDF = base64.b64encode(b"%PDF-1.4\n% signed agreement\n%%EOF\n")


@tagged("post_install", "-at_install")
class TestFamilyDocuments(FamilyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Attachment = cls.env["ir.attachment"]
        cls.agreement = Attachment.create(
            {
                "name": "服务协议.pdf",
                "datas": PDF,
                "mimetype": "application/pdf",
                "res_model": "care.elder",
                "res_id": cls.elder_a.id,
            }
        )
        # an attachment of the elder that is not a shared agreement
        cls.private = Attachment.create(
            {
                "name": "体检报告.pdf",
                "datas": PDF,
                "mimetype": "application/pdf",
                "res_model": "care.elder",
                "res_id": cls.elder_a.id,
            }
        )
        # flagged, but a document that can carry script: never served
        cls.svg = Attachment.create(
            {
                "name": "协议.svg",
                "raw": b'<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>',
                "mimetype": "image/svg+xml",
                "res_model": "care.elder",
                "res_id": cls.elder_a.id,
            }
        )
        cls.elder_a.care_agreement_ids = cls.agreement | cls.svg
        cls.scan = Attachment.create(
            {"name": "乙协议.png", "datas": PNG, "res_model": "care.elder"}
        )
        cls.elder_b.care_agreement_ids = cls.scan

    def agreement_url(self, elder, attachment):
        return f"/my/elder/{elder.id}/agreement/{attachment.id}"

    # ------------------------------------------------------------------
    # The elder card
    # ------------------------------------------------------------------
    def test_card_needs_the_health_permission(self):
        self.login(self.member_a)
        page = self.get(f"/my/elder/{self.elder_a.id}").text
        self.assertNotIn("o_care_card", page)
        self.assertEqual(self.get(f"/my/elder/{self.elder_a.id}/card").status_code, 404)

    def test_card_with_the_masked_id_number(self):
        self.line_a.perm_health = True
        self.login(self.member_a)
        page = self.get(f"/my/elder/{self.elder_a.id}").text
        self.assertIn(f"/my/elder/{self.elder_a.id}/card", page)
        card = self.get(f"/my/elder/{self.elder_a.id}/card")
        self.assertEqual(card.status_code, 200)
        self.assertEqual(card.headers["Content-Type"], "application/pdf")
        # in tests the report comes as its HTML
        self.assertIn("甲老人", card.text)
        self.assertIn(ID_NUMBER[:6] + "*" * 12, card.text)
        self.assertNotIn(ID_NUMBER, card.text)
        self.assertNotIn(ID_NUMBER[6:14], card.text)

    def test_card_of_another_family_refused(self):
        self.line_b.perm_health = True
        self.login(self.member_b)
        self.assertEqual(self.get(f"/my/elder/{self.elder_a.id}/card").status_code, 404)
        self.assertEqual(self.get(f"/my/elder/{self.elder_b.id}/card").status_code, 200)

    def test_masking_key_only_hides(self):
        """The key the portal renders with can only hide the number: a care
        manager sending it sees the mask too, never more."""
        elder = self.elder_a.with_user(self.manager)
        self.assertEqual(elder.id_number_display, ID_NUMBER)
        masked = elder.with_context(care_mask_id_numbers=True)
        masked.invalidate_recordset(["id_number_display"])
        self.assertNotIn(ID_NUMBER[6:], masked.id_number_display)

    # ------------------------------------------------------------------
    # Signed agreements
    # ------------------------------------------------------------------
    def test_only_shared_agreements_are_listed_and_served(self):
        self.login(self.member_a)
        page = self.get(f"/my/elder/{self.elder_a.id}").text
        self.assertIn("服务协议.pdf", page)
        self.assertIn(self.agreement_url(self.elder_a, self.agreement), page)
        self.assertNotIn("体检报告", page)
        self.assertNotIn("协议.svg", page)
        download = self.get(self.agreement_url(self.elder_a, self.agreement))
        self.assertEqual(download.status_code, 200)
        self.assertIn("attachment", download.headers["Content-Disposition"])
        self.assertTrue(download.content.startswith(b"%PDF"))
        for attachment in (self.private, self.svg, self.scan):
            self.assertEqual(
                self.get(self.agreement_url(self.elder_a, attachment)).status_code,
                404,
                attachment.name,
            )

    def test_agreements_of_another_family_refused(self):
        self.login(self.member_b)
        page = self.get(f"/my/elder/{self.elder_b.id}").text
        self.assertIn("乙协议.png", page)
        self.assertNotIn("服务协议", page)
        for elder in (self.elder_a, self.elder_b):
            self.assertEqual(
                self.get(self.agreement_url(elder, self.agreement)).status_code, 404
            )
        self.assertEqual(
            self.get(self.agreement_url(self.elder_b, self.scan)).status_code, 200
        )

    def test_revoked_line_gets_no_document(self):
        self.line_a.perm_health = True
        self.login(self.member_a)
        self.assertEqual(
            self.get(self.agreement_url(self.elder_a, self.agreement)).status_code, 200
        )
        self.line_a.active = False
        for url in (
            self.agreement_url(self.elder_a, self.agreement),
            f"/my/elder/{self.elder_a.id}/card",
        ):
            self.assertEqual(self.get(url).status_code, 404, url)
