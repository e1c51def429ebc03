from . import test_contract_fees, test_vouchers
