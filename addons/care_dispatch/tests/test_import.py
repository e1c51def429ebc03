from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools.misc import file_path

from odoo.addons.elder_crm.tools.import_sheet import workbook

from ..tools import uscc
from ..tools.import_sheet import PROVIDER_COLUMNS, PROVIDER_EXAMPLE
from .common import DispatchCase

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
    "sheet": "服务商",
}
FIELDS = [path for _header, path in PROVIDER_COLUMNS]
HEADERS = [header for header, _path in PROVIDER_COLUMNS]


def code(i):
    first17 = f"9111010{i:010d}"
    return first17 + uscc.check_char(first17)


@tagged("post_install", "-at_install")
class TestProviderImport(DispatchCase):
    """Providers and their qualifications imported with Odoo's Import."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"].search(
            [("name", "in", ("base", "elder_crm", "care_dispatch"))]
        )._update_translations(["zh_CN"])
        cls.env["res.territory"].create({"name": "导入片区"})
        # a provider is a contact: its coordinator also creates contacts
        cls.importer = new_test_user(
            cls.env,
            login="import_coordinator",
            groups="base.group_user,base.group_partner_manager,"
            "care_dispatch.group_care_provider_coordinator",
        )

    def run_import(self, rows, dryrun=False, user=None):
        env = self.env(user=user or self.importer, context={"lang": "zh_CN"})
        wizard = env["base_import.import"].create(
            {
                "res_model": "care.provider",
                "file": workbook(PROVIDER_COLUMNS, rows, "服务商"),
                "file_type": XLSX,
            }
        )
        return wizard.execute_import(FIELDS, HEADERS, dict(OPTIONS), dryrun=dryrun)

    def provider_row(self, i, **extra):
        return {
            "服务商名称": f"导入服务商{i}",
            "统一社会信用代码": code(i),
            "联系电话": "010-6551 2301",
            "服务项目": "家政保洁",
            "服务片区": "导入片区",
            "承接能力": "25",
            "资质类型": "营业执照",
            "证书编号": f"LIC{i}",
            "有效期至": "2040-01-01",
            **extra,
        }

    def count(self):
        return (
            self.env["care.provider"].with_context(active_test=False).search_count([])
        )

    def test_template_columns_match_fields(self):
        env = self.env(user=self.importer, context={"lang": "zh_CN"})
        with open(
            file_path("care_dispatch/static/xls/care_provider_import.xlsx"), "rb"
        ) as template:
            content = template.read()
        wizard = env["base_import.import"].create(
            {"res_model": "care.provider", "file": content, "file_type": XLSX}
        )
        preview = wizard.parse_preview(dict(OPTIONS))
        self.assertFalse(preview.get("error"), preview)
        matched = {
            preview["headers"][index]: "/".join(path)
            for index, path in preview["matches"].items()
        }
        self.assertEqual(matched, dict(PROVIDER_COLUMNS))
        self.assertEqual(
            env["care.provider"].get_import_templates()[0]["label"], "服务商导入模板"
        )

    def test_template_example_imports(self):
        """The template's example (a provider, a qualification on a sub-row)
        imports with the demo's territories."""
        for name in ("八里庄片区", "十里堡片区"):
            if not self.env["res.territory"].search_count([("name", "=", name)]):
                self.env["res.territory"].create({"name": name})
        result = self.run_import(PROVIDER_EXAMPLE)
        self.assertEqual(result["messages"], [])
        provider = self.env["care.provider"].browse(result["ids"])
        self.assertEqual(provider.vat, "91110105MA01ABCD13")
        self.assertEqual(len(provider.category_ids), 2)
        self.assertEqual(
            sorted(provider.qualification_ids.mapped("kind")),
            ["business_licence", "service_licence"],
        )

    def test_import_then_reimport_updates(self):
        """Providers with two qualifications each (one on a sub-row) import
        in the application state; the same sheet again updates the providers
        and their qualifications (matched by code, kind and certificate
        number), adds none."""
        rows = []
        for i in range(50):
            rows.append(self.provider_row(i))
            rows.append(
                {
                    "资质类型": "养老服务资质",
                    "证书编号": f"YL{i}",
                    "生效日期": "2024/1/1",
                    "有效期至": "2026年12月31日",
                    "覆盖服务": "家政保洁",
                }
            )
        before = self.count()
        result = self.run_import(rows)
        self.assertEqual(result["messages"], [])
        providers = self.env["care.provider"].browse(result["ids"])
        self.assertEqual(len(providers), 50)
        self.assertEqual(self.count(), before + 50)
        self.assertEqual(set(providers.mapped("state")), {"application"})
        first = providers[0]
        self.assertEqual(first.vat, code(0))
        self.assertEqual(first.phone, "+86 10 6551 2301")
        self.assertEqual(first.category_ids, self.housekeeping)
        self.assertEqual(len(first.qualification_ids), 2)
        service = first.qualification_ids.filtered(
            lambda q: q.kind == "service_licence"
        )
        self.assertEqual(str(service.date_expiry), "2026-12-31")
        self.assertEqual(str(service.date_start), "2024-01-01")

        rows[0]["承接能力"] = "40"
        rows[1]["有效期至"] = "2027-06-30"
        again = self.run_import(rows)
        self.assertEqual(again["messages"], [])
        self.assertEqual(again["ids"], result["ids"])
        self.assertEqual(self.count(), before + 50)
        self.assertEqual(first.capacity, 40)
        self.assertEqual(len(first.qualification_ids), 2)
        self.assertEqual(str(service.date_expiry), "2027-06-30")
        self.assertEqual(
            self.env["care.provider.qualification"].search_count(
                [("provider_id", "in", providers.ids)]
            ),
            100,
        )

    def test_bad_rows_refused_nothing_saved(self):
        """A bad code check character, a code twice, an unknown service, an
        unreadable phone and an unreadable qualification date are errors of
        their rows, in Chinese; nothing is saved, in a dry run or not."""
        bad_code = code(7)[:-1] + ("0" if code(7)[-1] != "0" else "1")
        rows = [
            self.provider_row(1),
            self.provider_row(2, 统一社会信用代码=bad_code),
            self.provider_row(3, 统一社会信用代码=code(1)),
            self.provider_row(4, 服务项目="不存在的服务"),
            self.provider_row(5, 联系电话="12"),
            self.provider_row(6, 有效期至="2040-02-30"),
        ]
        before = self.count()
        territories = self.env["res.territory"].search_count([])
        for dryrun in (True, False):
            result = self.run_import(rows, dryrun=dryrun)
            self.assertFalse(result["ids"])
            by_row = {}
            for message in result["messages"]:
                self.assertEqual(message["type"], "error")
                by_row.setdefault(message["rows"]["from"], []).append(
                    message["message"]
                )
            self.assertEqual(sorted(by_row), [1, 2, 3, 4, 5], result["messages"])
            self.assertIn("统一社会信用代码", by_row[1][0])
            self.assertIn("不止一行", by_row[2][0])
            self.assertIn("不存在的服务", by_row[3][0])
            self.assertIn("无法识别电话号码 12", by_row[4][0])
            self.assertIn("2040-02-30", by_row[5][0])
            self.assertEqual(self.count(), before)
            self.assertEqual(self.env["res.territory"].search_count([]), territories)
            self.assertFalse(
                self.env["care.provider"].search([("name", "=like", "导入服务商%")])
            )

    def test_code_checked_outside_import(self):
        """The code is checked in every create and write, not only imports."""
        provider = self.make_provider("代码服务商", approve=False)
        with self.assertRaises(ValidationError):
            provider.vat = "91110105MA01ABCD1X"
        provider.vat = code(99).lower()
        self.assertEqual(provider.vat, code(99))
