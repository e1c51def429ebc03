from . import care_alarm_close_wizard, care_api_key_wizard, care_device_bind_wizard
