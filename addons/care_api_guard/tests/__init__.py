from . import test_api_guard
