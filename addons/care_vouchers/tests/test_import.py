from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools.misc import file_path

from odoo.addons.elder_crm.tools import id_number as idn
from odoo.addons.elder_crm.tools.import_sheet import workbook

from ..tools.import_sheet import ENTITLEMENT_COLUMNS
from .common import VoucherCase

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OPTIONS = {
    "has_headers": True,
    "advanced": True,
    "date_format": "%Y-%m-%d",
    "separator": ",",
    "quoting": '"',
    "float_thousand_separator": ",",
    "float_decimal_separator": ".",
    "fallback_values": {},
    "sheet": "服务券资格",
}
FIELDS = [path for _header, path in ENTITLEMENT_COLUMNS]
HEADERS = [header for header, _path in ENTITLEMENT_COLUMNS]


@tagged("post_install", "-at_install")
class TestEntitlementImport(VoucherCase):
    """Voucher entitlements imported by finance with Odoo's Import."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"].search(
            [("name", "in", ("base", "elder_crm", "care_vouchers"))]
        )._update_translations(["zh_CN"])
        cls.meals = cls.make_programme(name="助餐服务券", code="ZC-01")
        cls.elders = cls.env["care.elder"].create(
            [
                {
                    "name": f"导入老人{i}",
                    "subsidy_category_ids": [(6, 0, cls.age_80.ids)],
                }
                for i in range(100)
            ]
        )
        first17 = "11010519400301002"
        cls.id_number = first17 + idn.check_char(first17)
        cls.elders[0].id_number = cls.id_number
        cls.manager_finance = new_test_user(
            cls.env,
            login="cc_manager_finance",
            groups="base.group_user,elder_crm.group_care_finance,"
            "elder_crm.group_care_manager",
        )

    def run_import(self, rows, dryrun=False, user=None):
        env = self.env(user=user or self.finance, context={"lang": "zh_CN"})
        wizard = env["base_import.import"].create(
            {
                "res_model": "care.voucher.entitlement",
                "file": workbook(ENTITLEMENT_COLUMNS, rows, "服务券资格"),
                "file_type": XLSX,
            }
        )
        return wizard.execute_import(FIELDS, HEADERS, dict(OPTIONS), dryrun=dryrun)

    def row(self, elder, programme="高龄服务券", **extra):
        return {
            "老人": elder.code,
            "服务券项目": programme,
            "批复文号": f"朝民养批〔2026〕{elder.id}号",
            "开始日期": "2026/1/1",
            **extra,
        }

    def count(self):
        return self.env["care.voucher.entitlement"].search_count([])

    def by_row(self, result):
        rows = {}
        for message in result["messages"]:
            self.assertEqual(message["type"], "error", message)
            rows.setdefault(message["rows"]["from"], []).append(message["message"])
        return rows

    def test_template_columns_match_fields(self):
        env = self.env(user=self.finance, context={"lang": "zh_CN"})
        with open(
            file_path("care_vouchers/static/xls/care_voucher_entitlement_import.xlsx"),
            "rb",
        ) as template:
            content = template.read()
        wizard = env["base_import.import"].create(
            {
                "res_model": "care.voucher.entitlement",
                "file": content,
                "file_type": XLSX,
            }
        )
        preview = wizard.parse_preview(dict(OPTIONS))
        self.assertFalse(preview.get("error"), preview)
        matched = {
            preview["headers"][index]: "/".join(path)
            for index, path in preview["matches"].items()
        }
        self.assertEqual(matched, dict(ENTITLEMENT_COLUMNS))
        self.assertEqual(
            env["care.voucher.entitlement"].get_import_templates()[0]["label"],
            "服务券资格导入模板",
        )

    def test_import_then_reimport_updates(self):
        """200 entitlements (programme by name or code) arrive as applications,
        even imported by finance; the same sheet again updates them (matched by
        elder, programme and start date) and adds none."""
        rows = []
        for elder in self.elders:
            rows.append(self.row(elder))
            rows.append(self.row(elder, "ZC-01", 结束日期="2026年12月31日"))
        before = self.count()
        result = self.run_import(rows)
        self.assertEqual(result["messages"], [])
        entitlements = self.env["care.voucher.entitlement"].browse(result["ids"])
        self.assertEqual(len(entitlements), 200)
        self.assertEqual(self.count(), before + 200)
        self.assertEqual(set(entitlements.mapped("state")), {"applied"})
        self.assertFalse(entitlements.line_ids)
        first, meals = entitlements[0], entitlements[1]
        self.assertEqual(first.elder_id, self.elders[0])
        self.assertEqual(first.programme_id, self.programme)
        self.assertEqual(str(first.date_start), "2026-01-01")
        self.assertEqual(meals.programme_id, self.meals)
        self.assertEqual(str(meals.date_end), "2026-12-31")

        first.with_user(self.finance).action_approve()
        approved = first.state
        self.assertIn(approved, ("approved", "active"))
        rows[0]["批复文号"] = "朝民养批〔2026〕999号"
        rows[1]["结束日期"] = "2026-06-30"
        again = self.run_import(rows)
        self.assertEqual(again["messages"], [])
        self.assertEqual(again["ids"], result["ids"])
        self.assertEqual(self.count(), before + 200)
        self.assertEqual(first.approval_ref, "朝民养批〔2026〕999号")
        self.assertEqual(first.state, approved)  # an update keeps the state
        self.assertEqual(str(meals.date_end), "2026-06-30")

    def test_bad_rows_refused_nothing_saved(self):
        """An unknown programme, an unknown elder, an elder by ID number (finance
        is no care manager), an unreadable date, an end before the start, a
        row twice and a second open entitlement in a programme are errors of
        their rows, in Chinese; nothing is saved, in a dry run or not."""
        self.entitle(elder=self.elders[9])
        e = self.elders
        rows = [
            self.row(e[1]),
            self.row(e[2], "不存在的服务券"),
            self.row(e[3], 老人="EL999999"),
            self.row(e[4], 老人=self.id_number),
            self.row(e[5], 开始日期="2026-02-30"),
            self.row(e[6], 结束日期="2025-12-31"),
            self.row(e[1]),
            self.row(e[9]),
        ]
        before = self.count()
        for dryrun in (True, False):
            result = self.run_import(rows, dryrun=dryrun)
            self.assertFalse(result["ids"])
            by_row = self.by_row(result)
            self.assertEqual(sorted(by_row), [1, 2, 3, 4, 5, 6, 7], result["messages"])
            self.assertIn("不存在的服务券", by_row[1][0])
            self.assertIn("EL999999", by_row[2][0])
            self.assertIn("身份证号", by_row[3][0])
            # nothing confirms whose number it is
            self.assertNotIn(self.elders[0].name, " ".join(by_row[3]))
            self.assertIn("2026-02-30", by_row[4][0])
            self.assertIn("结束", by_row[5][0])
            self.assertIn("不止一行", by_row[6][0])
            self.assertIn("已有", by_row[7][0])
            self.assertEqual(self.count(), before)
            self.assertFalse(e[1].care_voucher_entitlement_ids)

    def test_manager_in_finance_gives_id_number(self):
        """Who sees full ID numbers (a care manager, here also in finance) may
        give the elder by ID number."""
        result = self.run_import(
            [self.row(self.elders[0], 老人=self.id_number)],
            user=self.manager_finance,
        )
        self.assertEqual(result["messages"], [])
        entitlement = self.env["care.voucher.entitlement"].browse(result["ids"])
        self.assertEqual(entitlement.elder_id, self.elders[0])
        self.assertEqual(entitlement.state, "applied")

    def test_import_needs_finance(self):
        """A dispatcher (who reads entitlements) and reception cannot import
        them, whatever the context; nothing is saved."""
        before = self.count()
        for user in (self.agent, self.receptionist):
            with self.assertRaises(AccessError):
                self.env(user=user, context={"import_file": True})[
                    "care.voucher.entitlement"
                ].load(
                    FIELDS, [[self.elders[0].code, "高龄服务券", "x", "2026-01-01", ""]]
                )
        self.assertEqual(self.count(), before)
