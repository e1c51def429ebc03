from . import care_health_screening, event_event, event_registration, event_type
