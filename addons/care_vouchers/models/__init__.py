from . import (
    account_move,
    care_elder,
    care_voucher_card,
    care_voucher_entitlement,
    care_voucher_line,
    care_voucher_programme,
    fsm_order,
    fsm_order_settlement,
    res_company,
)
