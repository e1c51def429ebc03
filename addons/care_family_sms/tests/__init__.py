from . import test_invite_sms
