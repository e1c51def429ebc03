from . import (
    test_access,
    test_classification,
    test_indicators,
    test_referral,
    test_schedule,
    test_screening,
    test_trend,
)
