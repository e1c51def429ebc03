from . import (
    care_call,
    care_callback,
    care_community,
    care_elder,
    care_provider,
    care_scorecard,
    care_service_category,
    care_service_report,
    care_visit_duty,
    fsm_order,
    fsm_order_visit,
    fsm_person,
)
