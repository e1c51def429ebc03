from . import (
    calendar_event,
    care_assessment,
    care_funnel_report,
    care_lead_stage_history,
    care_objection,
    care_package,
    care_tour_route,
    crm_lead,
    crm_stage,
    mail_activity,
    res_config_settings,
)
