from . import (
    care_service_export,
    care_voucher_adjust,
    care_voucher_price,
    care_voucher_settle,
)
