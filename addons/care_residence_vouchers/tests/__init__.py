from . import test_shares
