from odoo import http
from odoo.http import request

from odoo.addons.survey.controllers.main import Survey


class CareSurvey(Survey):
    @http.route()
    def survey_submit(self, survey_token, answer_token, **post):
        """Public pre-visit questionnaires are throttled per sender address
        (hour) and per phone number (day). The refusal is the same whatever
        the reason and says nothing about any lead."""
        access = self._get_access_data(survey_token, answer_token, ensure_token=True)
        survey_sudo = access.get("survey_sudo")
        answer_sudo = access.get("answer_sudo")
        if (
            access.get("validity_code") is True
            and survey_sudo.care_purpose == "previsit"
            and not answer_sudo.care_lead_id
            and not answer_sudo.test_entry
            and answer_sudo.state != "done"
        ):
            key = survey_sudo._care_address_key(request.httprequest.remote_addr)
            if key and answer_sudo.care_address_key != key:
                answer_sudo.care_address_key = key
            phone_question = survey_sudo.question_ids.filtered(
                lambda q: q.care_lead_field == "mobile"
            )[:1]
            number = post.get(str(phone_question.id)) if phone_question else None
            if survey_sudo._care_throttled(
                key, number if isinstance(number, str) else None
            ):
                target = phone_question or survey_sudo.question_ids[:1]
                return {}, {
                    "error": "validation",
                    "fields": {
                        target.id: request.env._(
                            "Many questionnaires were sent from here or for "
                            "this number recently. Please try again later, "
                            "or call the centre."
                        )
                    },
                }
        return super().survey_submit(survey_token, answer_token, **post)
