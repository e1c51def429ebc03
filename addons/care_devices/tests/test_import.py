from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools.misc import file_path

from odoo.addons.elder_crm.tools import id_number as idn
from odoo.addons.elder_crm.tools.import_sheet import workbook

from ..tools.import_sheet import DEVICE_COLUMNS, DEVICE_EXAMPLE
from .common import DevicesCase

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
    "sheet": "设备",
}
FIELDS = [path for _header, path in DEVICE_COLUMNS]
HEADERS = [header for header, _path in DEVICE_COLUMNS]


def imei(i):
    return f"86912030{i:07d}"


@tagged("post_install", "-at_install")
class TestDeviceImport(DevicesCase):
    """Devices imported with Odoo's Import, bound to elders by archive number."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"].search(
            [("name", "in", ("base", "elder_crm", "care_devices"))]
        )._update_translations(["zh_CN"])
        cls.watch_model.code = "TW-1"
        first17 = "11010519450301002"
        cls.id_number = first17 + idn.check_char(first17)
        cls.elder2.id_number = cls.id_number
        cls.admin_user = cls.users["device_admin"]

    def run_import(self, rows, dryrun=False, user=None):
        env = self.env(user=user or self.admin_user, context={"lang": "zh_CN"})
        wizard = env["base_import.import"].create(
            {
                "res_model": "care.device",
                "file": workbook(DEVICE_COLUMNS, rows, "设备"),
                "file_type": XLSX,
            }
        )
        return wizard.execute_import(FIELDS, HEADERS, dict(OPTIONS), dryrun=dryrun)

    def row(self, i, **extra):
        return {
            "IMEI/序列号": imei(i),
            "设备型号": "Test watch" if i % 2 else "TW-1",
            "SIM卡号": f"1440000{i:06d}",
            **extra,
        }

    def counts(self):
        Device = self.env["care.device"].with_context(active_test=False)
        return Device.search_count([]), self.env["care.device.binding"].search_count([])

    def by_row(self, result):
        rows = {}
        for message in result["messages"]:
            self.assertEqual(message["type"], "error", message)
            rows.setdefault(message["rows"]["from"], []).append(message["message"])
        return rows

    def test_template_columns_match_fields(self):
        env = self.env(user=self.admin_user, context={"lang": "zh_CN"})
        with open(
            file_path("care_devices/static/xls/care_device_import.xlsx"), "rb"
        ) as template:
            content = template.read()
        wizard = env["base_import.import"].create(
            {"res_model": "care.device", "file": content, "file_type": XLSX}
        )
        preview = wizard.parse_preview(dict(OPTIONS))
        self.assertFalse(preview.get("error"), preview)
        matched = {
            preview["headers"][index]: "/".join(path)
            for index, path in preview["matches"].items()
        }
        self.assertEqual(matched, dict(DEVICE_COLUMNS))
        self.assertEqual(len(DEVICE_EXAMPLE), 2)
        self.assertEqual(
            env["care.device"].get_import_templates()[0]["label"], "设备导入模板"
        )

    def test_import_then_reimport_updates(self):
        """500 devices (model by name or code), two bound to elders by archive
        number; the same sheet again updates them, adds no device and no
        binding; a changed SIM number is written."""
        rows = [self.row(i) for i in range(500)]
        rows[0]["绑定老人"] = self.elder.code
        rows[1]["绑定老人"] = f" {self.elder2.code} "
        devices_before, bindings_before = self.counts()
        result = self.run_import(rows)
        self.assertEqual(result["messages"], [])
        devices = self.env["care.device"].browse(result["ids"])
        self.assertEqual(len(devices), 500)
        self.assertEqual(self.counts(), (devices_before + 500, bindings_before + 2))
        self.assertEqual(devices[0].serial, imei(0))
        self.assertEqual(devices.model_id, self.watch_model)
        self.assertEqual(devices[0].elder_id, self.elder)
        self.assertEqual(devices[0].state, "bound")
        self.assertEqual(devices[1].elder_id, self.elder2)
        self.assertEqual(devices[2].state, "stock")
        self.assertFalse(devices[2].elder_id)
        self.assertEqual(devices[0].binding_ids.bound_by_id, self.admin_user)

        rows[2]["SIM卡号"] = "1440099999999"
        rows[3]["绑定老人"] = self.elder.code  # a second device for the elder
        again = self.run_import(rows)
        self.assertEqual(again["messages"], [])
        self.assertEqual(again["ids"], result["ids"])
        self.assertEqual(self.counts(), (devices_before + 500, bindings_before + 3))
        self.assertEqual(devices[2].sim_number, "1440099999999")
        self.assertEqual(devices[3].elder_id, self.elder)
        self.assertEqual(len(devices[0].binding_ids), 1)

    def test_bad_rows_refused_nothing_saved(self):
        """An unknown model, an IMEI twice, an unknown elder, an elder by name,
        an elder by ID number (the importer is no care manager) and a device
        bound to somebody else are errors of their rows, in Chinese; nothing
        is saved, in a dry run or not."""
        bound = self.env["care.device"].create(
            {"serial": imei(900), "model_id": self.watch_model.id}
        )
        self.env["care.device.binding"].create(
            {"device_id": bound.id, "elder_id": self.elder.id}
        )
        self.env.flush_all()  # stored before the import's savepoint
        rows = [
            self.row(1, 绑定老人=self.elder.code),
            self.row(2, 设备型号="不存在的型号"),
            self.row(1),
            self.row(4, 绑定老人="EL999999"),
            self.row(5, 绑定老人=self.elder2.name),
            self.row(6, 绑定老人=self.id_number),
            self.row(900, 绑定老人=self.elder2.code),
        ]
        before = self.counts()
        for dryrun in (True, False):
            result = self.run_import(rows, dryrun=dryrun)
            self.assertFalse(result["ids"])
            by_row = self.by_row(result)
            self.assertEqual(sorted(by_row), [1, 2, 3, 4, 5, 6], result["messages"])
            self.assertIn("不存在的型号", by_row[1][0])
            self.assertIn("不止一行", by_row[2][0])
            self.assertIn("EL999999", by_row[3][0])
            self.assertIn(self.elder2.name, by_row[4][0])
            self.assertIn("身份证号", by_row[5][0])
            # nothing confirms whose number it is
            self.assertNotIn(self.elder2.name, " ".join(by_row[5]))
            self.assertIn("已绑定", by_row[6][0])
            self.assertEqual(self.counts(), before)
            self.assertFalse(
                self.env["care.device"].search([("serial", "in", [imei(1), imei(2)])])
            )
            self.assertEqual(bound.elder_id, self.elder)

    def test_manager_binds_by_id_number(self):
        """A care manager (who sees full ID numbers) may give the elder by ID
        number; a device administrator may not."""
        result = self.run_import(
            [self.row(7, 绑定老人=self.id_number)], user=self.users["manager"]
        )
        self.assertEqual(result["messages"], [])
        device = self.env["care.device"].browse(result["ids"])
        self.assertEqual(device.elder_id, self.elder2)

    def test_import_needs_device_admin(self):
        """Reception may read devices, not import them; nothing is saved."""
        before = self.counts()
        with self.assertRaises(AccessError):
            self.env(user=self.users["reception"])["care.device"].load(
                FIELDS, [[imei(8), "TW-1", "", "", ""]]
            )
        self.assertEqual(self.counts(), before)
