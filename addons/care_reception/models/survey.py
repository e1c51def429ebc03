from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .care_package import CARE_FORMS
from .crm_lead import BUDGETS

# lead fields a questionnaire answer can fill (survey.question.care_lead_field)
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
        help="Team of the leads created from public submissions; its leader "
        "gets the activity when no receptionist is assigned.",
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
        """A family that already sent the pre-visit questionnaire is told so
        on the phone question, before anything is saved."""
        errors = super().validate_question(answer, comment)
        if (
            errors
            or self.care_lead_field != "mobile"
            or self.survey_id.care_purpose != "previsit"
            or not isinstance(answer, str)
            or not answer.strip()
        ):
            return errors
        lead = self.env["crm.lead"].sudo()._care_find_open_lead(answer)
        if lead.care_previsit_input_id:
            return {
                self.id: _(
                    "A questionnaire was already sent from this number on "
                    "%(date)s. The centre will call you; to change your "
                    "answers, please call us.",
                    date=fields.Date.to_string(
                        lead.care_previsit_input_id.end_datetime
                    ),
                )
            }
        return errors

    @api.constrains("care_lead_field", "survey_id")
    def _check_care_lead_field(self):
        for question in self.filtered("care_lead_field"):
            others = question.survey_id.question_ids.filtered(
                lambda q, f=question.care_lead_field: q.care_lead_field == f
            )
            if len(others) > 1:
                raise ValidationError(
                    _(
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


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    care_lead_id = fields.Many2one(
        "crm.lead", "Reception lead", index="btree_not_null", ondelete="set null"
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
        """Attach the answers to the lead (or create one), tag it and tell the
        receptionist. Runs as superuser: the family submits anonymously."""
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
        lead = self.care_lead_id
        if not lead and vals.get("mobile"):
            lead = Lead._care_find_open_lead(vals["mobile"])
        if lead and lead.care_previsit_input_id and lead.care_previsit_input_id != self:
            raise ValidationError(
                _(
                    "This questionnaire was already submitted for %(lead)s on "
                    "%(date)s. Please call the centre to change your answers.",
                    lead=lead.name,
                    date=fields.Date.to_string(
                        lead.care_previsit_input_id.end_datetime
                    ),
                )
            )
        survey = self.survey_id
        if not lead:
            name = vals.get("care_prospect_name") or vals.get("contact_name") or ""
            lead = Lead.create(
                {
                    "name": _("%s: pre-visit questionnaire", name)
                    if name
                    else survey.title,
                    "type": "opportunity",
                    "team_id": survey.care_team_id.id or False,
                    "user_id": False,
                    "stage_id": self.env.ref("crm.stage_lead1").id,
                    **{k: v for k, v in vals.items() if k in Lead._fields},
                }
            )
        else:
            # the family's answers complete, never erase, what reception typed
            lead.write({k: v for k, v in vals.items() if not lead[k]})
        write = {
            "care_previsit_input_id": self.id,
            "tag_ids": [(4, tag.id) for tag in tags],
        }
        if health:
            write["care_health_answers"] = "\n".join(health)
        stage_new = self.env.ref("crm.stage_lead1")
        if lead.stage_id == stage_new:
            write["stage_id"] = self.env.ref("crm.stage_lead2").id
        lead.write(write)
        self.care_lead_id = lead
        rows = Markup("").join(
            Markup("<li><b>%s</b>: %s</li>") % (title, text) for title, text in summary
        )
        lead.message_post(
            body=Markup("<p>%s</p><ul>%s</ul>%s")
            % (
                _("Pre-visit questionnaire received."),
                rows,
                Markup("<p>%s</p>")
                % _(
                    "%(count)s health answers are in the health notes.",
                    count=len(health),
                )
                if health
                else "",
            ),
            message_type="notification",
            subtype_xmlid="mail.mt_note",
        )
        owner = lead.user_id or lead.team_id.user_id or survey.user_id
        if owner:
            lead.activity_schedule(
                "care_reception.mail_activity_type_previsit",
                user_id=owner.id,
                summary=_("Questionnaire received: %s", ", ".join(tags.mapped("name")))
                if tags
                else _("Questionnaire received"),
                note=Markup("<p>%s</p><ul>%s</ul>")
                % (_("Read the family's answers before the visit."), rows),
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
            body=_("Satisfaction survey answered: %(score)s%%.", score=round(score)),
            message_type="notification",
            subtype_xmlid="mail.mt_note",
        )
