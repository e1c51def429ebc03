from . import test_alarms
