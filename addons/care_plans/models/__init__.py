from . import (
    care_community,
    care_elder,
    care_package,
    care_plan,
    care_plan_churn,
    care_plan_draw,
    care_plan_promotion,
    care_plan_referral,
    care_plan_subscription,
    contract,
    crm_lead,
    fsm_order,
)
