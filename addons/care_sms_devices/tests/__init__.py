from . import test_alarm_sms
