from . import (
    test_access,
    test_api,
    test_dispatch,
    test_reports,
    test_ui,
    test_visit,
    test_visit_duty,
)
