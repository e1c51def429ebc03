from . import (
    test_access,
    test_api,
    test_crons,
    test_dispatch,
    test_evv,
    test_guard,
    test_i18n,
    test_import,
    test_reports,
    test_ui,
    test_visit,
    test_visit_duty,
)
