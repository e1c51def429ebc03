from . import test_health_event
