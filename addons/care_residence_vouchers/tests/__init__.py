from . import test_concurrency, test_give_back, test_shares
