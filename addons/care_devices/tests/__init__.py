from . import (
    test_access,
    test_alarm,
    test_cancel,
    test_device,
    test_hardening,
    test_http,
    test_import,
    test_intake,
    test_ladder,
    test_ui,
    test_vitals,
)
