from . import test_alarm_sms, test_alarm_status
