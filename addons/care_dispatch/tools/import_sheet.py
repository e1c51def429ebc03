"""Chinese import template of the providers and their qualifications.

Same pattern as elder_crm's (``odoo.addons.elder_crm.tools.import_sheet``):
columns matched by base_import.mapping records, qualifications on the rows
below their provider. Regenerate the template and its mapping with
``python3 addons/care_dispatch/tools/import_sheet.py``.
"""

PROVIDER_COLUMNS = [
    ("服务商名称", "name"),
    ("统一社会信用代码", "vat"),
    ("联系电话", "phone"),
    ("手机", "mobile"),
    ("城市", "city"),
    ("地址", "street"),
    ("服务项目", "category_ids"),
    ("服务片区", "territory_ids"),
    ("承接能力", "capacity"),
    ("资质类型", "qualification_ids/kind"),
    ("证书编号", "qualification_ids/name"),
    ("生效日期", "qualification_ids/date_start"),
    ("有效期至", "qualification_ids/date_expiry"),
    ("覆盖服务", "qualification_ids/category_ids"),
]

PROVIDER_EXAMPLE = [
    {
        "服务商名称": "安康居家养老服务有限公司",
        "统一社会信用代码": "91110105MA01ABCD13",
        "联系电话": "010-6551 2301",
        "手机": "137 1800 2231",
        "城市": "北京市",
        "地址": "朝阳区八里庄西里",
        "服务项目": "生活照料,家政保洁",
        "服务片区": "八里庄片区,十里堡片区",
        "承接能力": "30",
        "资质类型": "营业执照",
        "证书编号": "91110105MA01ABCD13",
        "生效日期": "2023-01-01",
        "有效期至": "2043-01-01",
    },
    {
        "资质类型": "养老服务资质",
        "证书编号": "京养服2024-018",
        "生效日期": "2024-01-01",
        "有效期至": "2026-12-31",
        "覆盖服务": "生活照料",
    },
]

PROVIDER_NOTES = [
    "服务商导入说明",
    "每个服务商一行；资质写在服务商下面的行，服务商各列留空（每行一项资质）。",
    "统一社会信用代码：18位，校验位必须正确；已有的代码会更新该服务商，不会重复建档。",
    "服务项目、服务片区、覆盖服务：填写系统中已有的名称，多个用英文逗号分隔；"
    "未知的名称不会被新建，而是报错。",
    "资质类型：营业执照、养老服务资质、医疗/护理执业许可、食品经营许可证、责任保险、其他证书。",
    "同一服务商再次导入时，类型和证书编号相同的资质会被更新。",
    "日期：2025-03-01、2025/3/1 或 2025年3月1日。",
    "导入的服务商为“申请中”状态，由服务商主管审核批准。",
    "任何一行有错误时，整个文件都不会保存。",
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
    (root / "static" / "xls" / "care_provider_import.xlsx").write_bytes(
        sheet.workbook(PROVIDER_COLUMNS, PROVIDER_EXAMPLE, "服务商", PROVIDER_NOTES)
    )
    (root / "data" / "base_import_mapping_data.xml").write_text(
        sheet.mapping_xml("care.provider", PROVIDER_COLUMNS, "import_mapping_provider")
    )
