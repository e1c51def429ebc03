from odoo import fields, models

from .care_sms_template import PROVIDERS


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    care_sms_provider = fields.Selection(
        PROVIDERS,
        "SMS provider",
        default="test",
        config_parameter="care_sms.provider",
        groups="base.group_system",
    )
    care_sms_daily_cap = fields.Integer(
        "Texts per number per day",
        default=10,
        config_parameter="care_sms.daily_cap",
        groups="base.group_system",
    )
    care_sms_aliyun_access_key_id = fields.Char(
        "Alibaba Cloud AccessKey ID",
        config_parameter="care_sms.aliyun_access_key_id",
        groups="base.group_system",
    )
    care_sms_aliyun_access_key_secret = fields.Char(
        "Alibaba Cloud AccessKey secret",
        config_parameter="care_sms.aliyun_access_key_secret",
        groups="base.group_system",
    )
    care_sms_tencent_secret_id = fields.Char(
        "Tencent Cloud SecretId",
        config_parameter="care_sms.tencent_secret_id",
        groups="base.group_system",
    )
    care_sms_tencent_secret_key = fields.Char(
        "Tencent Cloud SecretKey",
        config_parameter="care_sms.tencent_secret_key",
        groups="base.group_system",
    )
    care_sms_tencent_sdk_app_id = fields.Char(
        "Tencent Cloud SmsSdkAppId",
        config_parameter="care_sms.tencent_sdk_app_id",
        groups="base.group_system",
    )
    care_sms_tencent_region = fields.Char(
        "Tencent Cloud region",
        default="ap-guangzhou",
        config_parameter="care_sms.tencent_region",
        groups="base.group_system",
    )
    care_sms_callback_secret = fields.Char(
        "Receipt callback secret",
        config_parameter="care_sms.callback_secret",
        groups="base.group_system",
        help="Signs the delivery receipts and inbound texts posted to "
        "/care_sms/receipt/<provider> and /care_sms/inbound/<provider>.",
    )
