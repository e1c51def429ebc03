from . import (
    test_access,
    test_after_signing,
    test_funnel,
    test_i18n,
    test_pipeline,
    test_questionnaire,
    test_ui,
)
