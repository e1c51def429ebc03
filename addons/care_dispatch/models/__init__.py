from . import (
    care_call,
    care_callback,
    care_community,
    care_elder,
    care_provider,
    care_service_category,
    fsm_order,
    fsm_order_visit,
    fsm_person,
)
