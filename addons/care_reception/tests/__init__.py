from . import (
    test_access,
    test_after_signing,
    test_crons,
    test_duplicates,
    test_funnel,
    test_guard,
    test_i18n,
    test_no_email,
    test_phone,
    test_pipeline,
    test_questionnaire,
    test_ui,
)
