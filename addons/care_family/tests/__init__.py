from . import test_letter, test_portal, test_ui
