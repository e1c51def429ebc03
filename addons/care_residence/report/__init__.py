from . import occupancy_report, referral_report
