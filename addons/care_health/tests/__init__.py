from . import (
    test_access,
    test_classification,
    test_demo,
    test_indicators,
    test_quarterly,
    test_referral,
    test_schedule,
    test_screening,
    test_trend,
)
