from . import (
    care_call,
    care_callback,
    care_community,
    care_elder,
    care_provider,
    care_scorecard,
    care_service_category,
    care_service_report,
    fsm_order,
    fsm_order_visit,
    fsm_person,
)
