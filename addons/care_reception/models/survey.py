import hashlib
import hmac
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .care_package import CARE_FORMS
from .crm_lead import BUDGETS

# lead fields a questionnaire answer can fill (survey.question.care_lead_field)
# (config parameter, default) of the public questionnaire's throttles; 0 = none
THROTTLE_PER_ADDRESS = ("care_reception.previsit_max_per_address_hour", 10)
THROTTLE_PER_NUMBER = ("care_reception.previsit_max_per_number_day", 3)

LEAD_FIELDS = [
    ("contact_name", "Family contact name"),
    ("mobile", "Mobile"),
    ("email_from", "E-mail"),
    ("care_prospect_name", "Prospective elder"),
    ("care_concern_note", "Concerns in their words"),
]


class SurveySurvey(models.Model):
    _inherit = "survey.survey"

    care_purpose = fields.Selection(
        [
            ("previsit", "Reception: pre-visit questionnaire"),
            ("satisfaction", "Reception: satisfaction after signing"),
        ],
        "Elder care use",
        help="Pre-visit questionnaires turn into reception leads and tags when "
        "submitted; satisfaction surveys keep their score on the lead and the "
        "elder.",
    )
    care_team_id = fields.Many2one(
        "crm.team",
        "Reception team",
        domain="[('company_id', 'in', [care_company_id, False])]",
        help="Team of the leads created from public submissions; its leader "
        "gets the activity when no receptionist is assigned.",
    )
    care_company_id = fields.Many2one(
        "res.company",
        "Reception company",
        default=lambda self: self.env.company,
        help="Company of the leads created from public submissions; a known "
        "number is only looked for among its leads.",
    )
    care_public_qr = fields.Binary(
        "Public link QR code", compute="_compute_care_public_qr"
    )

    def _compute_care_public_qr(self):
        Elder = self.env["care.elder"]
        for survey in self:
            public = survey.care_purpose and survey.access_mode == "public"
            survey.care_public_qr = public and Elder._qr_png(
                survey.get_base_url() + survey.get_start_url()
            )

    @api.constrains("care_team_id", "care_company_id")
    def _check_care_team_company(self):
        for survey in self:
            team_company = survey.care_team_id.company_id
            if team_company and team_company != survey.care_company_id:
                raise ValidationError(
                    self.env._(
                        "%(survey)s: the reception team %(team)s belongs to "
                        "%(company)s; choose a team of the questionnaire's company.",
                        survey=survey.title,
                        team=survey.care_team_id.name,
                        company=team_company.name,
                    )
                )

    def _care_lead_company(self):
        self.ensure_one()
        return self.care_company_id or self.care_team_id.company_id or self.env.company

    # ------------------------------------------------------------------
    # Throttle of public submissions (called by the survey controller)
    # ------------------------------------------------------------------
    @api.model
    def _care_address_key(self, address):
        """A keyed hash of the visitor's IP address: enough to count their
        submissions, without keeping the address itself."""
        if not address:
            return False
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        return hmac.new(
            (secret or "").encode(), address.encode(), hashlib.sha256
        ).hexdigest()

    @api.model
    def _care_throttle_limit(self, param):
        name, default = param
        value = self.env["ir.config_parameter"].sudo().get_param(name)
        try:
            return max(int(value), 0) if value not in (None, False, "") else default
        except ValueError:
            return default

    def _care_throttled(self, address_key, number):
        """True when this address sent the limit of public questionnaires in
        the last hour, or this number in the last day. Only submissions are
        counted, whoever's they are: the answer says nothing about leads."""
        self.ensure_one()
        Input = self.env["survey.user_input"].sudo()
        now = fields.Datetime.now()
        base = [
            ("survey_id.care_purpose", "=", "previsit"),
            ("state", "=", "done"),
            ("test_entry", "=", False),
        ]
        per_address = self._care_throttle_limit(THROTTLE_PER_ADDRESS)
        if (
            per_address
            and address_key
            and Input.search_count(
                [
                    *base,
                    ("care_address_key", "=", address_key),
                    ("end_datetime", ">=", now - timedelta(hours=1)),
                ],
                limit=per_address,
            )
            >= per_address
        ):
            return True
        per_number = self._care_throttle_limit(THROTTLE_PER_NUMBER)
        sanitized = number and self.env["care.elder"]._sanitize_number(number)
        return bool(
            per_number
            and sanitized
            and Input.search_count(
                [
                    *base,
                    ("care_phone_sanitized", "=", sanitized),
                    ("end_datetime", ">=", now - timedelta(days=1)),
                ],
                limit=per_number,
            )
            >= per_number
        )


class SurveyQuestion(models.Model):
    _inherit = "survey.question"

    care_lead_field = fields.Selection(
        LEAD_FIELDS,
        "Fills lead field",
        help="The answer is copied to this field of the reception lead.",
    )
    care_purpose = fields.Selection(related="survey_id.care_purpose")
    care_medical = fields.Boolean(
        "Health answer",
        help="Health answers are kept in the lead's health notes, which only "
        "staff allowed to read medical data see, never in the chatter.",
    )

    def validate_question(self, answer, comment=None):
        """The phone question of a pre-visit questionnaire must be a number
        the centre can call. Nothing is said about who else has it."""
        errors = super().validate_question(answer, comment)
        if (
            errors
            or self.care_lead_field != "mobile"
            or self.survey_id.care_purpose != "previsit"
            or not isinstance(answer, str)
            or not answer.strip()
        ):
            return errors
        if not self.env["care.elder"]._sanitize_number(answer):
            return {
                self.id: self.env._(
                    "Please type a phone number we can call, e.g. 138 0013 8000 "
                    "or 010-6512 3456."
                )
            }
        return errors

    @api.constrains("care_medical")
    def _check_care_medical_tags(self):
        self.suggested_answer_ids._check_care_health_tags()

    @api.constrains("care_lead_field", "survey_id")
    def _check_care_lead_field(self):
        for question in self.filtered("care_lead_field"):
            others = question.survey_id.question_ids.filtered(
                lambda q, f=question.care_lead_field: q.care_lead_field == f
            )
            if len(others) > 1:
                raise ValidationError(
                    self.env._(
                        "Only one question of %(survey)s may fill %(field)s.",
                        survey=question.survey_id.title,
                        field=dict(
                            question._fields["care_lead_field"]._description_selection(
                                self.env
                            )
                        )[question.care_lead_field],
                    )
                )


class SurveyQuestionAnswer(models.Model):
    _inherit = "survey.question.answer"

    care_tag_ids = fields.Many2many(
        "crm.tag",
        "survey_answer_care_tag_rel",
        "answer_id",
        "tag_id",
        string="Reception tags",
        help="Tags the lead gets when this answer is chosen.",
    )
    care_form = fields.Selection(CARE_FORMS, "Sets care form")
    care_budget = fields.Selection(BUDGETS, "Sets budget")

    @api.constrains("care_tag_ids", "question_id")
    def _check_care_health_tags(self):
        """An answer to a health question may only give health tags: the
        lead's tags are seen by every lead reader, health notes are not."""
        for answer in self.filtered(lambda a: a.question_id.care_medical):
            plain = answer.care_tag_ids.filtered(lambda t: not t.care_sensitive)
            if plain:
                raise ValidationError(
                    self.env._(
                        "%(answer)s answers a health question: it may only give "
                        "health tags, which only staff allowed to read health "
                        "notes see. Mark %(tags)s as health tags or remove them.",
                        answer=answer.value,
                        tags=", ".join(plain.mapped("name")),
                    )
                )


class SurveyUserInput(models.Model):
    _inherit = ["survey.user_input", "care.guard.mixin"]
    _name = "survey.user_input"

    # which lead an answer goes to is set by the code that sends the personal
    # link (after checking the sender's rights), never by a client
    _care_protected_fields = (
        "care_lead_id",
        "care_address_key",
        "care_phone_sanitized",
    )

    care_lead_id = fields.Many2one(
        "crm.lead",
        "Reception lead",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )
    care_address_key = fields.Char(
        "Sender address key",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="base.group_system",
        help="Keyed hash of the IP address a public questionnaire came from "
        "(to limit submissions per address); the address is not kept.",
    )
    care_phone_sanitized = fields.Char(
        "Phone (E.164)",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The number given in a pre-visit questionnaire, to limit "
        "submissions per number.",
    )

    def _mark_done(self):
        result = super()._mark_done()
        for user_input in self.filtered(lambda i: not i.test_entry):
            purpose = user_input.survey_id.care_purpose
            if purpose == "previsit":
                user_input._care_apply_previsit()
            elif purpose == "satisfaction":
                user_input._care_apply_satisfaction()
        return result

    # ------------------------------------------------------------------
    # Pre-visit questionnaire → lead
    # ------------------------------------------------------------------
    def _care_answer_text(self, line):
        if line.answer_type == "suggestion":
            return line.suggested_answer_id.value
        return (
            line.display_name if line.answer_type != "char_box" else line.value_char_box
        )

    def _care_answers(self):
        """{question: [lines]} of the given (non-skipped) answers."""
        answers = {}
        for line in self.user_input_line_ids.filtered(lambda li: not li.skipped):
            answers.setdefault(line.question_id, []).append(line)
        return answers

    def _care_apply_previsit(self):
        """File the answers: on the lead of a personal link, or on a new lead.

        Runs as superuser: the family submits anonymously. Only a personal
        link (sent by reception for one lead) completes an existing lead; a
        public answer always makes a new lead in the questionnaire's company,
        marked as a possible duplicate when an open lead there has the same
        number, for reception to compare and merge. Health answers go to the
        health notes only; what the visitor sees says nothing about anyone
        else's data."""
        self.ensure_one()
        self = self.sudo()
        Lead = self.env["crm.lead"]
        answers = self._care_answers()
        vals, tags, health, summary = {}, self.env["crm.tag"], [], []
        for question, lines in answers.items():
            text = "、".join(filter(None, (self._care_answer_text(li) for li in lines)))
            for line in lines:
                choice = line.suggested_answer_id
                tags |= choice.care_tag_ids
                if choice.care_form:
                    vals["care_form"] = choice.care_form
                if choice.care_budget:
                    vals["care_budget"] = choice.care_budget
            if question.care_lead_field and text:
                vals[question.care_lead_field] = text
            if question.care_medical:
                health.append(f"{question.title}: {text}")
            else:
                summary.append((question.title, text))
        survey = self.survey_id
        self.care_phone_sanitized = vals.get("mobile") and self.env[
            "care.elder"
        ]._sanitize_number(vals["mobile"])
        lead = self.care_lead_id
        stage_new = self.env.ref("crm.stage_lead1")
        stage_questionnaire = self.env.ref("crm.stage_lead2")
        duplicates = Lead
        if lead:
            if lead.care_previsit_input_id and lead.care_previsit_input_id != self:
                raise ValidationError(
                    self.env._(
                        "This questionnaire has already been answered. Please "
                        "call the centre to change your answers."
                    )
                )
            # the family's answers complete, never erase, what reception typed
            lead.write({k: v for k, v in vals.items() if not lead[k]})
        else:
            company = survey._care_lead_company()
            if vals.get("mobile"):
                duplicates = Lead._care_find_open_lead(vals["mobile"], company)
            name = vals.get("care_prospect_name") or vals.get("contact_name") or ""
            team = survey.care_team_id
            lead = Lead.with_company(company).create(
                {
                    "name": self.env._("%s: pre-visit questionnaire", name)
                    if name
                    else survey.title,
                    "type": "opportunity",
                    "company_id": company.id,
                    "team_id": team.id
                    if not team.company_id or team.company_id == company
                    else False,
                    "user_id": False,
                    "stage_id": stage_new.id,
                    "care_possible_duplicate": bool(duplicates),
                    **{k: v for k, v in vals.items() if k in Lead._fields},
                }
            )
        write = {
            "care_previsit_input_id": self.id,
            "tag_ids": [(4, tag.id) for tag in tags],
        }
        if health:
            write["care_health_answers"] = "\n".join(health)
        if lead.stage_id == stage_new:
            write["stage_id"] = stage_questionnaire.id
        lead.write(write)
        self.care_lead_id = lead
        rows = Markup("").join(
            Markup("<li><b>%s</b>: %s</li>") % (title, text) for title, text in summary
        )
        notes = [self.env._("Pre-visit questionnaire received.")]
        if health:
            notes.append(
                self.env._(
                    "%(count)s health answers are in the health notes.",
                    count=len(health),
                )
            )
        if duplicates:
            notes.append(
                self.env._(
                    "Possible duplicate: another open lead has this number. "
                    "Compare them (Similar Leads) and merge, or mark this one "
                    "as not a duplicate."
                )
            )
        lead._message_log(
            body=Markup("<p>%s</p><ul>%s</ul>%s")
            % (
                notes[0],
                rows,
                Markup("").join(Markup("<p>%s</p>") % note for note in notes[1:]),
            ),
        )
        owner = lead.user_id or lead.team_id.user_id or survey.user_id
        if owner:
            # health tags are only named where health notes may be read
            shown = tags.filtered(lambda t: not t.care_sensitive)
            summary_text = (
                self.env._(
                    "Questionnaire received: %s", ", ".join(shown.mapped("name"))
                )
                if shown
                else self.env._("Questionnaire received")
            )
            if duplicates:
                summary_text = self.env._("%s (possible duplicate)", summary_text)
            lead.activity_schedule(
                "care_reception.mail_activity_type_previsit",
                user_id=owner.id,
                summary=summary_text,
                note=Markup("<p>%s</p><ul>%s</ul>")
                % (self.env._("Read the family's answers before the visit."), rows),
            )
        return lead

    # ------------------------------------------------------------------
    # Satisfaction survey → lead and elder
    # ------------------------------------------------------------------
    def _care_apply_satisfaction(self):
        self.ensure_one()
        lead = self.sudo().care_lead_id
        if not lead:
            return
        score = self.scoring_percentage
        lead.write(
            {"care_satisfaction_input_id": self.id, "care_satisfaction_score": score}
        )
        if lead.care_elder_id:
            lead.care_elder_id.care_satisfaction_score = score
        lead.message_post(
            body=self.env._(
                "Satisfaction survey answered: %(score)s%%.", score=round(score)
            ),
            message_type="notification",
            subtype_xmlid="mail.mt_note",
        )
