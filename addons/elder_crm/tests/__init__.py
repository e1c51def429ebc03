from . import (
    test_access,
    test_assessment,
    test_elder,
    test_guard,
    test_id_number,
    test_lookup,
    test_report,
)
