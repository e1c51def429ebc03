from . import (
    test_accounting_rights,
    test_adjust,
    test_basis,
    test_cards,
    test_concurrency,
    test_copay,
    test_guard,
    test_import,
    test_ledger,
    test_redemption,
    test_settlement,
)
