"""Chinese import template of the devices.

Same pattern as elder_crm's (``odoo.addons.elder_crm.tools.import_sheet``):
columns matched by base_import.mapping records. Regenerate the template and
its mapping with ``python3 addons/care_devices/tools/import_sheet.py``.
"""

DEVICE_COLUMNS = [
    ("IMEI/序列号", "serial"),
    ("设备型号", "model_id"),
    ("SIM卡号", "sim_number"),
    ("固件版本", "firmware"),
    ("绑定老人", "elder_id"),
]

DEVICE_EXAMPLE = [
    {
        "IMEI/序列号": "868120301234567",
        "设备型号": "Y1",
        "SIM卡号": "1440012345678",
        "固件版本": "V2.1.0",
        "绑定老人": "EL000001",
    },
    {
        "IMEI/序列号": "868120301234568",
        "设备型号": "Y1",
        "SIM卡号": "1440012345679",
    },
]

DEVICE_NOTES = [
    "设备导入说明",
    "每台设备一行。IMEI/序列号：设备上报事件时使用的编号；已有的编号会更新该设备，"
    "不会重复建档；同一文件中编号不能重复。",
    "设备型号：填写系统中已有的型号名称或型号代码；未知的型号不会被新建，而是报错。",
    "绑定老人：可留空（设备入库）；填写老人的档案编号，设备即绑定给该老人。"
    "只有照护主管可以用身份证号指定老人。",
    "已绑定给其他老人的设备不会被改绑：请先解绑。",
    "任何一行有错误时，整个文件都不会保存；请按提示修改后重新导入。",
    "只有设备管理员可以导入设备。",
]

if __name__ == "__main__":
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location(
        "import_sheet", root.parent / "elder_crm" / "tools" / "import_sheet.py"
    )
    sheet = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sheet)
    (root / "static" / "xls").mkdir(parents=True, exist_ok=True)
    (root / "static" / "xls" / "care_device_import.xlsx").write_bytes(
        sheet.workbook(DEVICE_COLUMNS, DEVICE_EXAMPLE, "设备", DEVICE_NOTES)
    )
    (root / "data" / "base_import_mapping_data.xml").write_text(
        sheet.mapping_xml("care.device", DEVICE_COLUMNS, "import_mapping_device")
    )
