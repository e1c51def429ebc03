from . import (
    care_sms_message,
    care_sms_receipt,
    care_sms_template,
    res_config_settings,
    res_partner,
    sms_sms,
)
