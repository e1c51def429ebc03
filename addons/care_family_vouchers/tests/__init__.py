from . import test_money, test_ui
