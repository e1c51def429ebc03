from . import (
    care_elder,
    care_health_common,
    care_health_followup,
    care_health_intervention,
    care_health_protocol,
    care_health_reading,
    care_health_referral,
    care_health_registry,
    care_health_registry_demo,
    care_health_screening,
    care_health_team,
    res_config_settings,
)
