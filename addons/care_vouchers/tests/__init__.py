from . import test_concurrency, test_ledger, test_redemption, test_settlement
