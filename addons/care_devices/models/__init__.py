from . import (
    care_alarm_action,
    care_alarm_ladder,
    care_api_key,
    care_device,
    care_device_binding,
    care_device_event,
    care_device_model,
    care_elder,
    care_vital,
    helpdesk_ticket,
    helpdesk_ticket_team,
    res_config_settings,
)
