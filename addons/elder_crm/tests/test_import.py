import logging
import time

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools.misc import file_path

from ..tools import id_number as idn
from ..tools import import_sheet as sheet
from .common import ElderCareCase

_logger = logging.getLogger(__name__)
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
    "sheet": "老人档案",
}
FIELDS = [path for _header, path in sheet.ELDER_COLUMNS]
HEADERS = [header for header, _path in sheet.ELDER_COLUMNS]


def id_number(i, year=1930):
    """A valid ID number, distinct for each i < 100,000."""
    day = 1 + i % 28
    month = 1 + (i // 28) % 12
    first17 = f"110105{year + (i // 336) % 60}{month:02d}{day:02d}{i % 1000:03d}"
    return first17[:17] + idn.check_char(first17[:17])


def elder_rows(n, start=0):
    rows = []
    for i in range(start, start + n):
        rows.append(
            {
                "姓名": f"导入老人{i}",
                "身份证号": id_number(i),
                "手机": f"139{i:08d}",
                "社区网格": "导入测试社区",
                "居住情况": "独居",
                "服务等级": "有偿",
                "家属姓名": f"家属{i}",
                "家属关系": "女儿",
                "家属手机": f"186{i:08d}",
                "紧急联系人": "是",
            }
        )
    return rows


@tagged("post_install", "-at_install")
class TestElderImport(ElderCareCase):
    """The register imported with Odoo's Import (base_import), in Chinese."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        # Odoo's own import messages and the archive's, in Chinese
        cls.env["ir.module.module"].search(
            [("name", "in", ("base", "elder_crm"))]
        )._update_translations(["zh_CN"])
        cls.manager = cls.users["manager"]
        cls.street = cls.env["care.community"].create(
            {"name": "导入测试街道", "kind": "street"}
        )
        cls.community = cls.env["care.community"].create(
            {"name": "导入测试社区", "kind": "community", "parent_id": cls.street.id}
        )

    def run_import(self, rows, user=None, dryrun=False, fields=FIELDS, headers=HEADERS):
        env = self.env(user=user or self.manager, context={"lang": "zh_CN"})
        columns = list(zip(headers, fields, strict=True))
        data = sheet.workbook(columns, rows, "老人档案")
        wizard = env["base_import.import"].create(
            {"res_model": "care.elder", "file": data, "file_type": XLSX}
        )
        return wizard.execute_import(fields, headers, dict(OPTIONS), dryrun=dryrun)

    def count(self):
        return self.Elder.with_context(active_test=False).search_count([])

    # ------------------------------------------------------------------
    def test_template_columns_match_fields(self):
        """The shipped template's Chinese headers map to the intended fields
        (as the Import screen maps them, for a Chinese user)."""
        env = self.env(user=self.manager, context={"lang": "zh_CN"})
        with open(
            file_path("elder_crm/static/xls/care_elder_import.xlsx"), "rb"
        ) as template:
            content = template.read()
        wizard = env["base_import.import"].create(
            {"res_model": "care.elder", "file": content, "file_type": XLSX}
        )
        preview = wizard.parse_preview(dict(OPTIONS))
        self.assertFalse(preview.get("error"), preview)
        self.assertEqual(preview["headers"], HEADERS)
        matched = {
            preview["headers"][index]: "/".join(path)
            for index, path in preview["matches"].items()
        }
        self.assertEqual(matched, dict(sheet.ELDER_COLUMNS))
        templates = env["care.elder"].get_import_templates()
        self.assertEqual(
            templates[0]["template"], "/elder_crm/static/xls/care_elder_import.xlsx"
        )
        self.assertEqual(templates[0]["label"], "老人档案导入模板")

    def test_template_example_imports(self):
        """The template's own example rows (two elders, three family members,
        one on a sub-row) import as they are, with the demo communities."""
        for name in ("红庙社区", "十里堡社区"):  # the demo's, or made here
            if not self.env["care.community"].search_count([("name", "=", name)]):
                self.env["care.community"].create({"name": name})
        self.Elder.search([("name", "in", ("张桂英", "王建国"))]).contact_ids.unlink()
        result = self.run_import(sheet.ELDER_EXAMPLE)
        self.assertEqual(result["messages"], [])
        elders = self.Elder.browse(result["ids"])
        self.assertEqual(elders.mapped("name"), ["张桂英", "王建国"])
        zhang = elders[0]
        self.assertEqual(zhang.sudo().id_number, "11010519491231002X")
        self.assertEqual(zhang.gender, "female")
        self.assertEqual(zhang.living_situation, "alone")
        self.assertEqual(zhang.mobile, "+86 138 0013 8000")
        self.assertEqual(
            sorted(zhang.contact_ids.mapped("name")), sorted(["李娜", "李强"])
        )
        self.assertEqual(
            zhang.contact_ids.filtered(lambda c: c.name == "李强").relationship, "son"
        )
        self.assertFalse(
            zhang.contact_ids.filtered(lambda c: c.name == "李强").is_decision_maker
        )
        self.assertEqual(str(elders[1].birth_date), "1940-05-12")

    def test_5000_rows_then_reimport_updates(self):
        """A generated 5,000-row sheet imports; the same sheet again (two rows
        changed) updates the same elders and family members, adds none."""
        rows = elder_rows(5000)
        before = self.count()
        contacts_before = self.env["care.elder.contact"].search_count([])
        start = time.perf_counter()
        result = self.run_import(rows)
        first_s = time.perf_counter() - start
        self.assertEqual(result["messages"], [])
        self.assertEqual(len(result["ids"]), 5000)
        self.assertEqual(self.count(), before + 5000)
        self.assertEqual(
            self.env["care.elder.contact"].search_count([]), contacts_before + 5000
        )
        elder = self.Elder.browse(result["ids"][17])
        self.assertEqual(elder.sudo().id_number, id_number(17))
        self.assertEqual(elder.community_id, self.community)
        self.assertEqual(elder.contact_ids.mobile, "+86 186 0000 0017")

        rows[17]["手机"] = "13712345678"
        rows[17]["家属手机"] = "18699998888"
        rows[42]["姓名"] = "改名老人"
        start = time.perf_counter()
        again = self.run_import(rows)
        second_s = time.perf_counter() - start
        self.assertEqual(again["messages"], [])
        self.assertEqual(again["ids"], result["ids"])
        self.assertEqual(self.count(), before + 5000)
        self.assertEqual(
            self.env["care.elder.contact"].search_count([]), contacts_before + 5000
        )
        self.assertEqual(elder.mobile, "+86 137 1234 5678")
        self.assertEqual(elder.contact_ids.mobile, "+86 186 9999 8888")
        self.assertEqual(self.Elder.browse(result["ids"][42]).name, "改名老人")
        # the figures, for the record (bench/bench_import.py measures them)
        _logger.info(
            "import of 5000 rows: %.0f rows/s, re-import: %.0f rows/s",
            5000 / first_s,
            5000 / second_s,
        )

    def test_bad_rows_refused_in_chinese_nothing_saved(self):
        """A bad check digit, an ID number twice, an unknown community, an
        unreadable phone (elder's or family member's) and an unreadable date:
        each is an error of its row, in Chinese; nothing is saved, neither
        with the Test button (dry run) nor with Import."""
        good = elder_rows(3, start=90000)
        bad_id = id_number(90010)[:-1] + ("0" if id_number(90010)[-1] != "0" else "1")
        rows = [
            good[0],
            {"姓名": "校验位错", "身份证号": bad_id},
            {"姓名": "重复甲", "身份证号": id_number(90020)},
            {"姓名": "重复乙", "身份证号": id_number(90020)},
            {"姓名": "未知社区", "社区网格": "不存在的社区"},
            {"姓名": "电话错", "手机": "12345"},
            {"姓名": "日期错", "咨询日期": "2025-13-45"},
            {"姓名": "家属电话错", "家属姓名": "某家属", "家属手机": "999"},
            good[1],
        ]
        before = self.count()
        partners_before = self.env["res.partner"].search_count([])
        communities_before = self.env["care.community"].search_count([])
        for dryrun in (True, False):
            result = self.run_import(rows, dryrun=dryrun)
            self.assertFalse(result["ids"])
            by_row = {}
            for message in result["messages"]:
                self.assertEqual(message["type"], "error")
                by_row.setdefault(message["rows"]["from"], []).append(
                    message["message"]
                )
            self.assertEqual(sorted(by_row), [1, 3, 4, 5, 6, 7], result["messages"])
            self.assertIn("校验码不符", by_row[1][0])
            self.assertIn("不止一行", by_row[3][0])
            self.assertIn("不存在的社区", by_row[4][0])
            self.assertIn("没找到匹配的记录", by_row[4][0])
            self.assertIn("无法识别电话号码 12345", by_row[5][0])
            self.assertIn("不是一个有效的日期", by_row[6][0])
            self.assertIn("无法识别电话号码 999", by_row[7][0])
            self.assertEqual(self.count(), before)
            self.assertEqual(self.env["res.partner"].search_count([]), partners_before)
            self.assertEqual(
                self.env["care.community"].search_count([]), communities_before
            )
            self.assertFalse(
                self.Elder.search([("name", "in", ("导入老人90000", "重复甲"))])
            )

    def test_unknown_community_never_created(self):
        """'Create new values' of the Import screen does not create a
        community: the row is an error."""
        env = self.env(user=self.manager, context={"lang": "zh_CN"})
        rows = [{"姓名": "新社区老人", "社区网格": "凭空社区"}]
        data = sheet.workbook(sheet.ELDER_COLUMNS, rows, "老人档案")
        wizard = env["base_import.import"].create(
            {"res_model": "care.elder", "file": data, "file_type": XLSX}
        )
        options = dict(OPTIONS, name_create_enabled_fields={"grid_id": True})
        result = wizard.execute_import(FIELDS, HEADERS, options)
        self.assertFalse(result["ids"])
        self.assertIn("凭空社区", result["messages"][0]["message"])
        self.assertFalse(self.env["care.community"].search([("name", "=", "凭空社区")]))
        self.assertFalse(self.Elder.search([("name", "=", "新社区老人")]))

    def test_ambiguous_grid_is_an_error(self):
        """Two grids of the same name: the short name is an error, the full
        path finds the grid."""
        grids = self.env["care.community"].create(
            [
                {"name": "同名网格", "kind": "grid", "parent_id": self.community.id},
                {"name": "同名网格", "kind": "grid", "parent_id": self.street.id},
            ]
        )
        result = self.run_import([{"姓名": "网格老人", "社区网格": "同名网格"}])
        self.assertFalse(result["ids"])
        self.assertEqual(result["messages"][0]["type"], "error")
        self.assertFalse(self.Elder.search([("name", "=", "网格老人")]))
        result = self.run_import(
            [{"姓名": "网格老人", "社区网格": grids[0].complete_name}]
        )
        self.assertEqual(result["messages"], [])
        self.assertEqual(self.Elder.browse(result["ids"]).grid_id, grids[0])
        self.assertEqual(self.Elder.browse(result["ids"]).community_id, self.community)

    def test_external_id_and_id_number_keys(self):
        """A sheet with external ids updates the elders it names; a row whose
        external id is new but whose ID number is registered updates that
        elder and gives it the external id."""
        elder = self.make_elder(name="已有老人", id_number=id_number(91000))
        fields = ["id", "name", "id_number_display", "mobile"]
        headers = ["外部ID", "姓名", "身份证号", "手机"]
        rows = [
            {"外部ID": "reg_1", "姓名": "已有老人(改)", "身份证号": id_number(91000)},
            {"外部ID": "reg_2", "姓名": "新老人", "手机": "13600001111"},
        ]
        before = self.count()
        result = self.run_import(rows, fields=fields, headers=headers)
        self.assertEqual(result["messages"], [])
        self.assertEqual(result["ids"][0], elder.id)
        self.assertEqual(elder.name, "已有老人(改)")
        self.assertEqual(self.count(), before + 1)
        self.assertEqual(self.env.ref("__import__.reg_1"), elder)
        rows[1]["手机"] = "13600002222"
        result = self.run_import(rows, fields=fields, headers=headers)
        self.assertEqual(result["messages"], [])
        self.assertEqual(self.count(), before + 1)
        self.assertEqual(self.env.ref("__import__.reg_2").mobile, "+86 136 0000 2222")

    def test_only_managers_import(self):
        """Reception may not import elders (rows are matched by full ID
        numbers, which only managers search): refused, nothing saved."""
        before = self.count()
        for role in ("reception", "dispatcher", "emergency"):
            with self.assertRaises(AccessError):
                self.run_import(elder_rows(2, start=92000), user=self.users[role])
            with self.assertRaises(AccessError):
                self.Elder.with_user(self.users[role]).load(
                    ["name"], [["不带身份证号的老人"]]
                )
        self.assertEqual(self.count(), before)

    def test_chinese_dates(self):
        """Dates in the common Chinese forms are read."""
        rows = [
            {"姓名": f"日期老人{i}", "咨询日期": typed}
            for i, typed in enumerate(
                ("2025/3/1", "2025.3.1", "2025年3月1日", "20250301")
            )
        ]
        result = self.run_import(rows)
        self.assertEqual(result["messages"], [])
        self.assertEqual(
            set(self.Elder.browse(result["ids"]).mapped("date_enquiry")),
            {self.Elder.browse(result["ids"][0]).date_enquiry},
        )
        self.assertEqual(
            str(self.Elder.browse(result["ids"][0]).date_enquiry), "2025-03-01"
        )

    def test_load_without_file(self):
        """load() itself (what the Import screen and scripts call) is strict
        too: one bad row, nothing saved, the error names its row."""
        Elder = self.Elder.with_user(self.manager).with_context(lang="zh_CN")
        before = self.count()
        result = Elder.load(
            ["name", "mobile"], [["好老人", "13800001111"], ["坏老人", "abc"]]
        )
        self.assertFalse(result["ids"])
        self.assertEqual([m["rows"]["from"] for m in result["messages"]], [1])
        self.assertEqual(self.count(), before)
