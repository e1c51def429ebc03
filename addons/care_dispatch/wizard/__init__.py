from . import care_dispatch_proposal, care_evv_review, care_service_export
