from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import text

# the suite's messages: each maps to a template approved by the provider
KINDS = [
    ("alarm_open", "Alarm to emergency contacts"),
    ("alarm_closed", "Alarm closed: outcome"),
    ("order_confirmed", "Service order confirmed"),
    ("worker_on_way", "Worker on the way"),
    ("visit_done", "Visit done"),
    ("callback_survey", "Callback survey link"),
    ("questionnaire", "Questionnaire link"),
    ("portal_invitation", "Portal invitation"),
    ("monthly_letter", "Monthly letter link"),
    ("copay_due", "Co-payment invoice due"),
    ("promotion", "Promotion"),
]
# texts about an alarm: they reach a contact who opted out of the others
ALARM_KINDS = frozenset({"alarm_open", "alarm_closed"})
PROVIDERS = [
    ("test", "Test (recorded in the database, no network)"),
    ("aliyun", "Alibaba Cloud SMS"),
    ("tencent", "Tencent Cloud SMS"),
    ("iap", "Odoo IAP"),
]
# the longest text (signature included) each provider takes
PROVIDER_MAX = {"test": 500, "aliyun": 500, "tencent": 500, "iap": 1600}


class CareSmsTemplate(models.Model):
    """A template approved by the SMS provider for one of the suite's messages.

    The text sent is always this template filled with its parameters, never
    free text: Chinese providers only deliver approved templates under a
    registered signature (签名).
    """

    _name = "care.sms.template"
    _description = "SMS Provider Template"
    _order = "kind, provider"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Empty: the template of every centre."
    )
    kind = fields.Selection(KINDS, "Message", required=True)
    provider = fields.Selection(PROVIDERS, required=True, default="test")
    template_code = fields.Char(
        "Provider template code",
        required=True,
        help="The code the provider gave the approved template "
        "(Alibaba: SMS_123456789, Tencent: a number).",
    )
    sign_name = fields.Char(
        "Signature",
        required=True,
        help="The registered signature (签名), without the 【】 brackets.",
    )
    param_names = fields.Char(
        "Parameters",
        help="The template's parameter names, comma separated, in the order "
        "the provider expects them.",
    )
    body = fields.Text(
        "Text",
        required=True,
        help="The approved text with {name} placeholders: used for the "
        "length check and as the text recorded.",
    )
    is_marketing = fields.Boolean(
        "Marketing",
        help="Sent only to people who recorded their consent to marketing texts.",
    )
    max_length = fields.Integer(
        "Longest text",
        default=500,
        help="Characters, signature included; the provider's limit applies too.",
    )
    param_max_length = fields.Integer(
        "Longest parameter",
        default=35,
        help="Characters of one parameter value (Alibaba Cloud: 35).",
    )

    _sql_constraints = [
        (
            "kind_provider_company_unique",
            "unique(kind, provider, company_id)",
            "There is already a template of this message for this provider.",
        ),
    ]

    def _param_list(self):
        self.ensure_one()
        return [
            name.strip() for name in (self.param_names or "").split(",") if name.strip()
        ]

    @api.constrains("body", "param_names", "sign_name", "max_length")
    def _check_body(self):
        for template in self:
            try:
                names = text.placeholders(template.body)
            except ValueError as exc:
                raise ValidationError(
                    self.env._(
                        "The placeholder {%(name)s} of the template %(template)s is "
                        "not a plain name.",
                        name=exc.args[0],
                        template=template.name,
                    )
                ) from None
            if sorted(names) != sorted(template._param_list()):
                raise ValidationError(
                    self.env._(
                        "The parameters of the template %(template)s (%(params)s) "
                        "must be the placeholders of its text (%(names)s).",
                        template=template.name,
                        params=", ".join(template._param_list()) or "-",
                        names=", ".join(names) or "-",
                    )
                )
            if "【" in template.sign_name or "】" in template.sign_name:
                raise ValidationError(
                    self.env._("Type the signature without the 【】 brackets.")
                )
            limit = PROVIDER_MAX[template.provider]
            if not 0 < template.max_length <= limit:
                raise ValidationError(
                    self.env._(
                        "The longest text of a template must be between 1 and "
                        "%(limit)s characters for this provider.",
                        limit=limit,
                    )
                )

    def _render(self, params):
        """(filled text with the signature, ordered values) of ``params``;
        refuses a missing, unknown or too long parameter and a text past the
        template's length, before anything is sent."""
        self.ensure_one()
        names = self._param_list()
        params = {
            key: "" if value is None else str(value)
            for key, value in (params or {}).items()
        }
        missing = [name for name in names if not params.get(name, "").strip()]
        if missing:
            raise ValidationError(
                self.env._(
                    "The text %(template)s needs the parameter(s) %(names)s.",
                    template=self.name,
                    names=", ".join(missing),
                )
            )
        unknown = sorted(set(params) - set(names))
        if unknown:
            raise ValidationError(
                self.env._(
                    "The text %(template)s has no parameter %(names)s.",
                    template=self.name,
                    names=", ".join(unknown),
                )
            )
        for name in names:
            value = params[name]
            if any(char in value for char in "【】\r\n"):
                raise ValidationError(
                    self.env._(
                        "The parameter %(name)s may not hold line breaks or 【】.",
                        name=name,
                    )
                )
            if len(value) > self.param_max_length:
                raise ValidationError(
                    self.env._(
                        "The parameter %(name)s is %(length)s characters long; the "
                        "provider takes at most %(limit)s.",
                        name=name,
                        length=len(value),
                        limit=self.param_max_length,
                    )
                )
        body = text.full_text(self.sign_name, self.body.format_map(params))
        if len(body) > self.max_length:
            raise ValidationError(
                self.env._(
                    "The text is %(length)s characters long (signature included, "
                    "%(segments)s messages); the provider takes at most %(limit)s.",
                    length=len(body),
                    segments=text.segments(body),
                    limit=self.max_length,
                )
            )
        return body, [params[name] for name in names]
