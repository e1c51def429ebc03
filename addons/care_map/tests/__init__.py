from . import test_map, test_ui
