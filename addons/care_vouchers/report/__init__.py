# after models/: the reconciliation view reads columns those add to fsm.order
from . import care_voucher_report
