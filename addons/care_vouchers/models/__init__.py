from . import (
    care_elder,
    care_voucher_entitlement,
    care_voucher_line,
    care_voucher_programme,
    fsm_order,
)
