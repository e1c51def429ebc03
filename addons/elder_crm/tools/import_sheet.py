"""Chinese import templates of the registers (XLSX, Odoo's Import button).

Each template is a list of (column header, field path). The headers are
matched to the fields by ``base_import.mapping`` records shipped with the
addon (data/base_import_mapping_data.xml), so they do not depend on the
fields' labels; a one2many's columns (``contact_ids/name``) are filled on the
rows below their record, with the record's own columns left empty.

``workbook()`` writes a sheet; the static templates are written with it
(``python3 -m odoo.addons.elder_crm.tools.import_sheet``) and the tests and
the benchmark generate their sheets with it.
"""

import io

ELDER_COLUMNS = [
    ("姓名", "name"),
    ("身份证号", "id_number_display"),
    ("出生日期", "birth_date"),
    ("手机", "mobile"),
    ("固定电话", "phone"),
    ("城市", "city"),
    ("地址", "street"),
    ("详细地址", "street2"),
    ("社区网格", "grid_id"),
    ("居住情况", "living_situation"),
    ("服务等级", "service_tier"),
    ("补贴类别", "subsidy_category_ids"),
    ("行动能力", "mobility"),
    ("咨询日期", "date_enquiry"),
    ("探访须知", "visitor_notes"),
    ("家属姓名", "contact_ids/name"),
    ("家属关系", "contact_ids/relationship"),
    ("家属手机", "contact_ids/mobile"),
    ("家属固定电话", "contact_ids/phone"),
    ("紧急联系人", "contact_ids/is_emergency"),
    ("决策人", "contact_ids/is_decision_maker"),
]

ELDER_EXAMPLE = [
    {
        "姓名": "张桂英",
        "身份证号": "11010519491231002X",
        "手机": "138 0013 8000",
        "固定电话": "010-6512 3456",
        "城市": "北京市",
        "地址": "朝阳区八里庄北里",
        "详细地址": "12号楼3单元401",
        "社区网格": "红庙社区",
        "居住情况": "独居",
        "服务等级": "有偿",
        "行动能力": "使用拐杖",
        "咨询日期": "2025-03-01",
        "探访须知": "耳背，请大声说话",
        "家属姓名": "李娜",
        "家属关系": "女儿",
        "家属手机": "139 1000 2000",
        "紧急联系人": "是",
        "决策人": "是",
    },
    {
        "家属姓名": "李强",
        "家属关系": "儿子",
        "家属手机": "137 2000 3000",
        "紧急联系人": "是",
        "决策人": "否",
    },
    {
        "姓名": "王建国",
        "出生日期": "1940-05-12",
        "手机": "135 0000 1111",
        "城市": "北京市",
        "地址": "朝阳区十里堡",
        "社区网格": "十里堡社区",
        "居住情况": "与配偶",
        "服务等级": "低偿",
        "行动能力": "独立行走",
        "家属姓名": "王芳",
        "家属关系": "女儿",
        "家属手机": "186 1234 5678",
        "紧急联系人": "是",
        "决策人": "是",
    },
]

ELDER_NOTES = [
    "老人档案导入说明",
    "每位老人一行；家属写在老人下面的行，老人各列留空（每行一位家属）。",
    "身份证号：18位（或15位旧号），校验位必须正确；出生日期和性别取自身份证号。",
    "已在档案中的身份证号：导入会更新该老人，不会重复建档；同一文件中身份证号不能重复。",
    "社区网格：填写系统中已有的社区或网格名称；名称重复时填写完整路径，如"
    "“八里庄街道 / 红庙社区 / 第一网格”。未知的社区不会被新建，而是报错。",
    "电话：手机或带区号的固定电话，如 138 0013 8000、010-6512 3456。",
    "日期：2025-03-01、2025/3/1 或 2025年3月1日。",
    "居住情况、服务等级、行动能力、家属关系：填写系统中的选项文字。",
    "任何一行有错误时，整个文件都不会保存；请按提示修改后重新导入。",
    "只有照护主管可以导入老人档案。",
]


def workbook(columns, rows, title, notes=None):
    """XLSX bytes: a sheet ``title`` with the headers of ``columns`` and
    ``rows`` (dicts by header), then a sheet of ``notes`` lines."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    headers = [header for header, _path in columns]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row.get(header, "") or None for header in headers])
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 16
    if notes:
        info = book.create_sheet("填写说明")
        for line in notes:
            info.append([line])
        info.column_dimensions["A"].width = 100
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def mapping_xml(model, columns, prefix):
    """The base_import.mapping records matching ``columns`` to fields."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<odoo>"]
    lines.append('    <data noupdate="1">')
    for index, (header, path) in enumerate(columns, 1):
        lines += [
            f'        <record id="{prefix}_{index:02d}" model="base_import.mapping">',
            f'            <field name="res_model">{model}</field>',
            f'            <field name="column_name">{header.lower()}</field>',
            f'            <field name="field_name">{path}</field>',
            "        </record>",
        ]
    lines += ["    </data>", "</odoo>", ""]
    return "\n".join(lines)


if __name__ == "__main__":  # regenerate the elder template and its mapping
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    (root / "static" / "xls").mkdir(parents=True, exist_ok=True)
    (root / "static" / "xls" / "care_elder_import.xlsx").write_bytes(
        workbook(ELDER_COLUMNS, ELDER_EXAMPLE, "老人档案", ELDER_NOTES)
    )
    (root / "data" / "base_import_mapping_data.xml").write_text(
        mapping_xml("care.elder", ELDER_COLUMNS, "import_mapping_elder")
    )
