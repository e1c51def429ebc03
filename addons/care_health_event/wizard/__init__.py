from . import care_health_event_screening
