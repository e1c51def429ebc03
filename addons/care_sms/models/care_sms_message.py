import json
import logging
import re
import uuid
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import providers, text
from .care_sms_template import ALARM_KINDS, KINDS, PROVIDERS

_logger = logging.getLogger(__name__)

# who may send the suite's texts (the log is the managers')
SENDER_GROUPS = (
    "elder_crm.group_care_reception",
    "elder_crm.group_care_dispatcher",
    "elder_crm.group_care_emergency",
    "elder_crm.group_care_finance",
    "elder_crm.group_care_manager",
)
MANAGER_GROUPS = ("elder_crm.group_care_manager", "base.group_system")
MAINLAND_MOBILE = re.compile(r"^\+861[3-9]\d{9}$")
DAILY_CAP_DEFAULT = 10
MAX_ATTEMPTS = 5
BACKOFF_MINUTES = 5  # 5, 10, 20, 40 minutes between the attempts
STATES = [
    ("queued", "Queued"),
    ("sent", "Sent"),
    ("delivered", "Delivered"),
    ("failed", "Failed"),
]
PARAM = "care_sms.%s"


class CareSmsMessage(models.Model):
    """One text of the suite to one number: what was sent, through which
    provider, and what became of it (the SMS log)."""

    _name = "care.sms.message"
    _inherit = ["care.guard.mixin"]
    _description = "SMS Log"
    _order = "id desc"
    _rec_name = "number"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda s: s.env.company
    )
    template_id = fields.Many2one(
        "care.sms.template", required=True, ondelete="restrict"
    )
    kind = fields.Selection(KINDS, "Message", required=True, index=True)
    provider = fields.Selection(PROVIDERS, required=True)
    number = fields.Char(required=True, index=True)
    partner_id = fields.Many2one("res.partner", "Recipient", index="btree_not_null")
    params = fields.Text("Parameters")
    body = fields.Text("Text")
    segments = fields.Integer("Messages")
    origin = fields.Char(help="The record the text is about (model,id).")
    state = fields.Selection(STATES, default="queued", required=True, index=True)
    reason = fields.Char("Provider's reason")
    provider_ref = fields.Char("Provider reference", index="btree_not_null", copy=False)
    attempts = fields.Integer()
    retryable = fields.Boolean()
    next_try = fields.Datetime("Next attempt", index="btree_not_null")
    queued_date = fields.Datetime("Queued at", index=True)
    sent_date = fields.Datetime("Sent at")
    done_date = fields.Datetime("Delivered or failed at")

    # the sending code and the receipts own all of it
    _care_protected_fields = (
        "company_id",
        "template_id",
        "kind",
        "provider",
        "number",
        "partner_id",
        "params",
        "body",
        "segments",
        "origin",
        "state",
        "reason",
        "provider_ref",
        "attempts",
        "retryable",
        "next_try",
        "queued_date",
        "sent_date",
        "done_date",
    )

    _sql_constraints = [
        (
            "provider_ref_unique",
            "unique(provider, provider_ref)",
            "A provider reference names one message.",
        ),
    ]

    # ------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------
    @api.model
    def _care_param(self, key, default=False):
        return self.env["ir.config_parameter"].sudo().get_param(PARAM % key, default)

    @api.model
    def _care_provider(self):
        provider = self._care_param("provider", "test")
        return provider if provider in dict(PROVIDERS) else "test"

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------
    @api.model
    def send_suite_message(self, kind, number, params, partner_id=False):
        """Queue one of the suite's texts (staff only); returns its id.

        ``params`` is a dict of the template's parameters. Every check runs
        before anything is saved: an error is a refusal with its reason.
        """
        if not any(self.env.user.has_group(group) for group in SENDER_GROUPS):
            raise AccessError(self.env._("Only the centre's staff may send texts."))
        if not isinstance(params, dict):
            raise UserError(self.env._("The parameters of a text must be a mapping."))
        partner = (
            self.env["res.partner"].browse(partner_id).exists() if partner_id else None
        )
        if partner:
            partner.check_access("read")
        message = self.sudo()._care_queue(
            kind, number, params, partner=partner, company=self.env.company
        )
        return message.id

    @api.model
    def _care_mobile(self, number):
        """The E.164 form of a mainland mobile number, or a UserError that
        says why the number cannot take a text."""
        sanitized = self.env["care.elder"]._sanitize_number(number) if number else False
        if not sanitized:
            raise UserError(
                self.env._(
                    "The number %(number)s cannot be read.", number=number or "-"
                )
            )
        if not MAINLAND_MOBILE.match(sanitized):
            raise UserError(
                self.env._(
                    "%(number)s is not a mainland China mobile number (a landline or "
                    "a foreign number cannot receive these texts).",
                    number=number,
                )
            )
        return sanitized

    @api.model
    def _care_template(self, kind, company):
        provider = self._care_provider()
        Template = self.env["care.sms.template"].sudo()
        template = Template.search(
            [
                ("kind", "=", kind),
                ("provider", "=", provider),
                ("company_id", "in", [company.id, False]),
            ],
            order="company_id",  # the centre's own first
            limit=1,
        )
        if not template:
            raise UserError(
                self.env._(
                    "No approved template of the message %(kind)s for the provider "
                    "%(provider)s: add one in SMS templates.",
                    kind=dict(
                        self._fields["kind"]._description_selection(self.env)
                    ).get(kind, kind),
                    provider=dict(
                        self._fields["provider"]._description_selection(self.env)
                    )[provider],
                )
            )
        return template

    @api.model
    def _care_opted_out(self, number):
        return bool(
            self.env["phone.blacklist"]
            .sudo()
            .search_count([("number", "=", number)], limit=1)
        )

    @api.model
    def _care_sent_today(self, number):
        """Texts queued to ``number`` since midnight in the centres' time zone
        (``care_sms.timezone``, Asia/Shanghai), whoever sends them."""
        try:
            tz = pytz.timezone(self._care_param("timezone", "Asia/Shanghai"))
        except pytz.UnknownTimeZoneError:
            tz = pytz.timezone("Asia/Shanghai")
        now = pytz.utc.localize(fields.Datetime.now()).astimezone(tz)
        start = tz.localize(datetime.combine(now.date(), time.min)).astimezone(pytz.utc)
        return self.sudo().search_count(
            [("number", "=", number), ("queued_date", ">=", start.replace(tzinfo=None))]
        )

    @api.model
    def _care_queue(
        self, kind, number, params, partner=None, company=None, origin=None
    ):
        """Check and queue one text; returns the care.sms.message.

        Refused (UserError / ValidationError, nothing saved): no template, a
        number that is not a mainland mobile, an opted-out number (except
        alarms), a marketing text without consent, the daily cap reached
        (except alarms), a missing parameter, a text too long."""
        company = company or self.env.company
        if kind not in dict(KINDS):
            raise UserError(self.env._("Unknown message %(kind)s.", kind=kind))
        template = self._care_template(kind, company)
        mobile = self._care_mobile(number)
        alarm = kind in ALARM_KINDS
        if not alarm and self._care_opted_out(mobile):
            raise UserError(
                self.env._(
                    "%(number)s asked not to receive texts (STOP / 退订).",
                    number=number,
                )
            )
        if template.is_marketing and not (
            partner and partner.care_sms_marketing_consent
        ):
            raise UserError(
                self.env._(
                    "%(who)s has not consented to marketing texts.",
                    who=partner.display_name if partner else number,
                )
            )
        cap = int(self._care_param("daily_cap", DAILY_CAP_DEFAULT))
        if not alarm and self._care_sent_today(mobile) >= cap:
            raise UserError(
                self.env._(
                    "%(number)s has already received %(cap)s texts today, the daily "
                    "limit.",
                    number=number,
                    cap=cap,
                )
            )
        body, _values = template._render(params)
        message = self.sudo().create(
            {
                "company_id": company.id,
                "template_id": template.id,
                "kind": kind,
                "provider": template.provider,
                "number": mobile,
                "partner_id": partner.id if partner else False,
                "params": json.dumps(params, ensure_ascii=False, sort_keys=True),
                "body": body,
                "segments": text.segments(body),
                "origin": origin and f"{origin._name},{origin.id}",
                "queued_date": fields.Datetime.now(),
            }
        )
        message._care_new_sms()
        return message

    def _care_new_sms(self):
        """The sms.sms of each message: Odoo's queue sends it (its cron,
        triggered now) through the provider of the message."""
        sms = (
            self.env["sms.sms"]
            .sudo()
            .create(
                [
                    {
                        "number": message.number,
                        "body": message.body,
                        "partner_id": message.partner_id.id,
                        "care_message_id": message.id,
                    }
                    for message in self
                ]
            )
        )
        cron = self.env.ref(
            "sms.ir_cron_sms_scheduler_action", raise_if_not_found=False
        )
        if cron:
            cron.sudo()._trigger()
        return sms

    # ------------------------------------------------------------------
    # Delivery to the provider (called by sms.sms._send)
    # ------------------------------------------------------------------
    def _care_deliver(self):
        """Hand each message to its provider; a refusal never loses it: the
        message stays failed with the provider's reason (retried later when
        the error is temporary). Returns {message id: provider error or None}."""
        results = {}
        now = fields.Datetime.now()
        for message in self:
            try:
                ref = getattr(message, f"_care_send_{message.provider}")()
            except providers.ProviderError as error:
                attempts = message.attempts + 1
                retry = error.temporary and attempts < MAX_ATTEMPTS
                message.sudo().write(
                    {
                        "state": "failed",
                        "reason": str(error)[:500],
                        "attempts": attempts,
                        "retryable": retry,
                        "next_try": now
                        + timedelta(minutes=BACKOFF_MINUTES * 2 ** (attempts - 1))
                        if retry
                        else False,
                        "done_date": now,
                    }
                )
                _logger.info(
                    "SMS %s to provider %s failed: %s",
                    message.id,
                    message.provider,
                    error.code,
                )
                results[message.id] = error
                continue
            message.sudo().write(
                {
                    "state": "sent",
                    "reason": False,
                    "provider_ref": ref,
                    "attempts": message.attempts + 1,
                    "retryable": False,
                    "next_try": False,
                    "sent_date": now,
                    "done_date": False,
                }
            )
            results[message.id] = None
        return results

    def _care_values(self):
        params = json.loads(self.params or "{}")
        return params, [params.get(name, "") for name in self.template_id._param_list()]

    def _care_send_test(self):
        """The test provider: no network, the message is its own record.
        ``care_sms.test_fail`` = temporary / permanent simulates a refusal."""
        fail = self._care_param("test_fail")
        if fail in ("temporary", "permanent"):
            raise providers.ProviderError(
                f"test.{fail.upper()}",
                "simulated refusal",
                temporary=fail == "temporary",
            )
        return f"TEST-{uuid.uuid4().hex}"

    def _care_credentials(self, *keys):
        values = [self._care_param(key) for key in keys]
        if not all(values):
            raise providers.ProviderError(
                "config", "the provider's credentials are not set", temporary=False
            )
        return values

    def _care_send_aliyun(self):
        """Through Alibaba Cloud's SDK (alibabacloud-dysmsapi20170525)."""
        key_id, secret = self._care_credentials(
            "aliyun_access_key_id", "aliyun_access_key_secret"
        )
        params, _values = self._care_values()
        return providers.aliyun_send(
            key_id,
            secret,
            self.number.removeprefix("+86"),
            self.template_id.sign_name,
            self.template_id.template_code,
            params,
            out_id=str(self.id),
        )

    def _care_send_tencent(self):
        """Through Tencent Cloud's SDK (tencentcloud-sdk-python-sms)."""
        secret_id, secret_key, app_id = self._care_credentials(
            "tencent_secret_id", "tencent_secret_key", "tencent_sdk_app_id"
        )
        _params, values = self._care_values()
        return providers.tencent_send(
            secret_id,
            secret_key,
            app_id,
            self.number,
            self.template_id.sign_name,
            self.template_id.template_code,
            values,
            session_context=str(self.id),
            region=self._care_param("tencent_region", "ap-guangzhou"),
        )

    def _care_send_iap(self):  # sent by Odoo's own sms.sms._send
        raise NotImplementedError

    # ------------------------------------------------------------------
    # Retries
    # ------------------------------------------------------------------
    @api.model
    def _cron_retry(self, limit=200):
        """Send again the messages a provider refused for a temporary reason,
        once their back-off has passed."""
        messages = self.sudo().search(
            [
                ("state", "=", "failed"),
                ("retryable", "=", True),
                ("next_try", "<=", fields.Datetime.now()),
            ],
            limit=limit,
            order="next_try",
        )
        messages._care_resend()
        return messages

    def _care_resend(self):
        # the failed sms.sms of the earlier attempt is garbage-collected
        self.env["sms.sms"].sudo().search(
            [("care_message_id", "in", self.ids), ("state", "=", "error")]
        ).to_delete = True
        self.sudo().write({"state": "queued", "retryable": False, "next_try": False})
        sms = self._care_new_sms()
        sms.send(unlink_failed=False, unlink_sent=True, raise_exception=False)

    def action_retry(self):
        """Send a failed message again (managers)."""
        if not any(self.env.user.has_group(group) for group in MANAGER_GROUPS):
            raise AccessError(self.env._("Only a manager may send a text again."))
        self.check_access("read")
        failed = self.filtered(lambda m: m.state == "failed")
        if failed != self:
            raise UserError(self.env._("Only failed texts can be sent again."))
        failed._care_resend()
        return True

    # ------------------------------------------------------------------
    # Receipts
    # ------------------------------------------------------------------
    @api.model
    def _care_apply_receipts(self, provider, receipts):
        """Apply delivery receipts [(ref, delivered, reason, key)]; a receipt
        already applied (same key) changes nothing. Returns the number applied."""
        Receipt = self.env["care.sms.receipt"].sudo()
        keys = [receipt[3] for receipt in receipts]
        seen = set(Receipt.search([("key", "in", keys)]).mapped("key"))
        refs = [receipt[0] for receipt in receipts if receipt[0]]
        messages = {
            message.provider_ref: message
            for message in self.sudo().search(
                [("provider", "=", provider), ("provider_ref", "in", refs)]
            )
        }
        applied = 0
        now = fields.Datetime.now()
        for ref, delivered, reason, key in receipts:
            if key in seen:
                continue
            seen.add(key)
            message = messages.get(ref)
            Receipt.create(
                {
                    "key": key,
                    "provider": provider,
                    "provider_ref": ref,
                    "message_id": message.id if message else False,
                    "delivered": delivered,
                    "reason": reason,
                }
            )
            # delivered and failed are final; a late receipt does not reopen them
            if not message or message.state != "sent":
                continue
            message.write(
                {
                    "state": "delivered" if delivered else "failed",
                    "reason": False if delivered else (reason or "")[:500],
                    "retryable": False,
                    "done_date": now,
                }
            )
            applied += 1
        return applied
