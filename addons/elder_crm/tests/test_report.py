from odoo.tests import tagged

from .common import ID_1949_F, ElderCareCase


@tagged("post_install", "-at_install")
class TestElderCard(ElderCareCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.elder = cls.make_elder(
            name="孙秀珍",
            id_number=ID_1949_F,
            allergies="海鲜过敏",
            contact_ids=[
                (
                    0,
                    0,
                    {"name": "孙伟", "relationship": "son", "mobile": "139 0000 1234"},
                )
            ],
        )
        cls.make_gbt(cls.elder, 50)

    def render_html(self, user):
        report = self.env.ref("elder_crm.action_report_care_elder_card")
        html, _kind = (
            self.env["ir.actions.report"]
            .with_user(user)
            ._render_qweb_html(report, self.elder.ids)
        )
        return html.decode()

    def test_qr_code_is_a_png_of_the_archive_number(self):
        import base64

        self.assertTrue(base64.b64decode(self.elder.qr_code).startswith(b"\x89PNG"))

    def test_card_content_for_reception(self):
        html = self.render_html(self.users["reception"])
        self.assertIn("孙秀珍", html)
        self.assertIn(self.elder.code, html)
        self.assertIn("孙伟", html)
        self.assertIn("海鲜过敏", html)
        self.assertIn("110105************", html)
        self.assertNotIn(ID_1949_F, html)
        self.assertIn("data:image/png;base64,", html)

    def test_card_hides_allergies_from_finance(self):
        html = self.render_html(self.users["finance"])
        self.assertNotIn("海鲜过敏", html)

    def test_pdf_renders(self):
        report = self.env.ref("elder_crm.action_report_care_elder_card")
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report, self.elder.ids)
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertGreater(len(pdf), 5000)
