from . import account_move, care_residence_stay, care_voucher_line
