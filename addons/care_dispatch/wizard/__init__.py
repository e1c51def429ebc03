from . import care_service_export
