"""The demo company is the Chinese centre (issue 15, item 1): elder_crm's demo
data (demo/res_company_demo.xml) gives it a Chaoyang address in China, the
yuan and Beijing time, and an upgrade keeps what the centre changed. The
interface language and the chart of accounts are the install's (see
tests/test_zh_default.py)."""

from odoo.tests import TransactionCase, tagged
from odoo.tools.convert import convert_file


@tagged("post_install", "-at_install")
class TestDemoCompanyChinese(TransactionCase):
    def setUp(self):
        super().setUp()
        if not self.env.ref("base.module_elder_crm").demo:
            self.skipTest("database without demo data")

    def test_company_is_the_chinese_centre(self):
        company = self.env.ref("base.main_company")
        self.assertEqual(company.name, "朝阳区阳光居家养老服务中心")
        self.assertEqual(company.country_id, self.env.ref("base.cn"))
        self.assertEqual(company.state_id, self.env.ref("base.state_cn_BJ"))
        self.assertIn("朝阳区", company.city)
        self.assertTrue(company.phone.startswith("+86 10"))
        self.assertEqual(company.currency_id, self.env.ref("base.CNY"))
        self.assertEqual(company.currency_id.symbol, "¥")
        self.assertIn("¥", company.currency_id.format(88.0))
        for xmlid in ("base.user_admin", "base.user_demo"):
            self.assertEqual(self.env.ref(xmlid).tz, "Asia/Shanghai", xmlid)

    def test_upgrade_keeps_the_real_centre(self):
        # `make run` and `make upgrade` reload demo data in update mode: the
        # real centre's name, address and currency stay as the centre set them
        company = self.env.ref("base.main_company")
        company.write({"name": "真实的中心", "street": "真实路 1 号"})
        self.env.ref("base.user_admin").tz = "Asia/Urumqi"
        convert_file(
            self.env,
            "elder_crm",
            "demo/res_company_demo.xml",
            {},
            mode="update",
            kind="demo",
        )
        self.env.invalidate_all()
        self.assertEqual(company.name, "真实的中心")
        self.assertEqual(company.street, "真实路 1 号")
        self.assertEqual(self.env.ref("base.user_admin").tz, "Asia/Urumqi")
