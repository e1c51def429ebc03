"""Chinese import template of the voucher entitlements.

Same pattern as elder_crm's (``odoo.addons.elder_crm.tools.import_sheet``):
columns matched by base_import.mapping records. Regenerate the template and
its mapping with ``python3 addons/care_vouchers/tools/import_sheet.py``.
"""

ENTITLEMENT_COLUMNS = [
    ("老人", "elder_id"),
    ("服务券项目", "programme_id"),
    ("批复文号", "approval_ref"),
    ("开始日期", "date_start"),
    ("结束日期", "date_end"),
]

ENTITLEMENT_EXAMPLE = [
    {
        "老人": "EL000001",
        "服务券项目": "高龄服务券",
        "批复文号": "朝民养批〔2025〕12号",
        "开始日期": "2025-03-01",
    },
    {
        "老人": "EL000002",
        "服务券项目": "高龄服务券",
        "批复文号": "朝民养批〔2025〕13号",
        "开始日期": "2025/3/1",
        "结束日期": "2025年12月31日",
    },
]

ENTITLEMENT_NOTES = [
    "服务券资格导入说明",
    "每项资格一行。老人：填写档案编号（照护主管也可填写身份证号）。",
    "服务券项目：填写系统中已有的项目名称或项目代码；未知的项目不会被新建，而是报错。",
    "同一老人、同一项目、同一开始日期的资格再次导入时会被更新，不会重复建立；"
    "同一文件中不能重复。",
    "日期：2025-03-01、2025/3/1 或 2025年3月1日；结束日期可留空，且不能早于开始日期。",
    "导入的资格为“申请中”状态，由财务逐项审核批准后才发放服务券。",
    "任何一行有错误时，整个文件都不会保存；请按提示修改后重新导入。",
    "只有财务人员可以导入服务券资格。",
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
    (root / "static" / "xls" / "care_voucher_entitlement_import.xlsx").write_bytes(
        sheet.workbook(
            ENTITLEMENT_COLUMNS, ENTITLEMENT_EXAMPLE, "服务券资格", ENTITLEMENT_NOTES
        )
    )
    (root / "data" / "base_import_mapping_data.xml").write_text(
        sheet.mapping_xml(
            "care.voucher.entitlement",
            ENTITLEMENT_COLUMNS,
            "import_mapping_entitlement",
        )
    )
