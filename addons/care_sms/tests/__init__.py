from . import test_access, test_providers, test_receipt, test_send
