from . import care_dispatch_proposal, care_service_export
