from . import (
    test_access,
    test_assessment,
    test_company_zh,
    test_elder,
    test_guard,
    test_id_number,
    test_import,
    test_lookup,
    test_report,
    test_zh_cn_ui,
)
