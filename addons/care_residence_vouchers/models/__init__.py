from . import care_residence_stay, care_voucher_line
