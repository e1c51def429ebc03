from . import (
    test_access,
    test_beds,
    test_board,
    test_concurrency,
    test_constraints,
    test_fees,
    test_report,
    test_ui,
    test_waiting,
)
