from . import (
    test_access,
    test_churn,
    test_concurrency,
    test_draw,
    test_promotions,
    test_quota,
    test_referral,
    test_signing,
)
