import logging
import re
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.elder_crm.models.care_elder import GBT_LEVELS, MEDICAL_GROUPS
from odoo.addons.elder_crm.models.care_elder_contact import RELATIONSHIPS

from .care_package import CARE_FORMS

INTENTS = [
    ("high", "High"),
    ("hesitant", "Hesitant"),
    ("not_now", "Not now"),
]
# (config parameter, default, unit) of each tier's follow-up cadence
CADENCE = {
    "high": ("care_reception.cadence_high_hours", 24, "hours"),
    "hesitant": ("care_reception.cadence_hesitant_days", 7, "days"),
    "not_now": ("care_reception.cadence_not_now_days", 90, "days"),
}
BUDGETS = [
    ("lt3k", "Under ¥3,000 a month"),
    ("3to5k", "¥3,000–5,000 a month"),
    ("5to8k", "¥5,000–8,000 a month"),
    ("gt8k", "Over ¥8,000 a month"),
]
# consultation facts a merge of leads keeps (the first lead's that has them)
MERGED_FIELDS = (
    "care_elder_id",
    "care_prospect_name",
    "care_prospect_birth_year",
    "care_decision_maker",
    "care_family_attitude",
    "care_concern_note",
    "care_budget",
    "care_form",
    "care_package_id",
)
# the oldest birth year a prospective elder may have
BIRTH_YEAR_MIN = 1900
# a tour summary is not sent for a tour over longer ago than this (a cron
# down for days catches up; a summary a month late would only confuse)
SUMMARY_MAX_AGE = timedelta(days=14)
ATTITUDES = [
    ("supportive", "Supportive"),
    ("divided", "Divided"),
    ("opposed", "Opposed"),
]


_logger = logging.getLogger(__name__)


def quiet_if_no_email(records):
    """``records`` in a context where scheduling an activity for someone else
    does not e-mail them in the acting user's name when that user has no
    e-mail address (a centre's staff may have none; mail would refuse). The
    activity still shows in the assignee's inbox."""
    if records.env.user.email or records.env.su:
        return records
    return records.with_context(mail_activity_quick_update=True)


class CrmLead(models.Model):
    _inherit = ["crm.lead", "care.guard.mixin"]
    _name = "crm.lead"

    # results of the suite's own code paths, never typed by a client
    _care_protected_fields = (
        "care_summary_sent",
        "care_next_followup",
        "care_followup_overdue",
        "care_first_followup_on_time",
        "care_previsit_input_id",
        "care_satisfaction_sent",
        "care_satisfaction_input_id",
        "care_satisfaction_score",
        "care_possible_duplicate",
    )

    # -- consultation registration (咨询登记) ------------------------------
    care_elder_id = fields.Many2one(
        "care.elder",
        "Elder",
        index="btree_not_null",
        tracking=True,
        help="The prospective elder's archive (in enquiry status until signing).",
    )
    care_prospect_name = fields.Char(
        "Prospective elder", help="Name of the elder the family enquires for."
    )
    care_prospect_birth_year = fields.Integer(
        "Birth year", help="Four digits, e.g. 1941 (between 1900 and this year)."
    )
    care_relationship = fields.Selection(
        RELATIONSHIPS, "Caller is the elder's", default="daughter"
    )
    care_decision_maker = fields.Char("Key decision maker")
    care_family_attitude = fields.Selection(ATTITUDES, "Family support")
    care_concern_ids = fields.Many2many("crm.tag", string="Core concerns")
    care_concern_note = fields.Text("Concerns in their words")
    care_budget = fields.Selection(BUDGETS, "Budget")
    care_form = fields.Selection(CARE_FORMS, "Preferred care form")
    # -- needs assessment (需求评估) -----------------------------------------
    care_assessment_id = fields.Many2one(
        "care.assessment",
        "Assessment",
        domain="[('elder_id', '=', care_elder_id), ('state', '=', 'done')]",
        tracking=True,
    )
    care_level = fields.Selection(
        GBT_LEVELS, "Ability level", compute="_compute_care_level", store=True
    )
    # -- tour (参观) ----------------------------------------------------------
    care_tour_event_id = fields.Many2one("calendar.event", "Tour", tracking=True)
    care_tour_start = fields.Datetime(related="care_tour_event_id.start")
    care_tour_route_id = fields.Many2one("care.tour.route", "Route")
    care_tour_checklist = fields.Text(related="care_tour_route_id.checklist")
    care_summary_sent = fields.Datetime("Summary sent", readonly=True, copy=False)
    # -- proposal (方案) ------------------------------------------------------
    care_package_suggested_id = fields.Many2one(
        "care.package", "Suggested package", compute="_compute_package_suggested"
    )
    care_package_id = fields.Many2one("care.package", "Package", tracking=True)
    care_monthly_price = fields.Monetary(
        related="care_package_id.monthly_price", currency_field="company_currency"
    )
    care_objection_ids = fields.One2many("care.lead.objection", "lead_id", "Objections")
    # -- intent and follow-up (意向度) --------------------------------------
    care_intent = fields.Selection(INTENTS, "Intent", tracking=True, index=True)
    care_next_followup = fields.Datetime(
        "Next follow-up", readonly=True, copy=False, index="btree_not_null"
    )
    care_followup_overdue = fields.Boolean(
        "Follow-up overdue", readonly=True, copy=False, index=True
    )
    care_first_followup_on_time = fields.Selection(
        [("yes", "On time"), ("no", "Late")],
        "First follow-up",
        readonly=True,
        copy=False,
    )
    care_history_ids = fields.One2many(
        "care.lead.stage.history", "lead_id", "Stage history", readonly=True
    )
    # -- pre-visit questionnaire (需求预检问卷) ------------------------------
    care_previsit_input_id = fields.Many2one(
        "survey.user_input",
        "Questionnaire",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The family's submitted pre-visit questionnaire.",
    )
    care_previsit_date = fields.Datetime(
        "Questionnaire received", related="care_previsit_input_id.end_datetime"
    )
    care_possible_duplicate = fields.Boolean(
        "Possible duplicate",
        readonly=True,
        copy=False,
        index=True,
        help="The lead's number is already another open lead's, or an elder's "
        "or a family member's of the archive: merge the leads, link the lead "
        "to the elder, or mark it as not a duplicate.",
    )
    care_health_answers = fields.Text(
        "Health notes",
        groups=MEDICAL_GROUPS,
        copy=False,
        help="Health answers of the questionnaire; only staff allowed to read "
        "medical data see them.",
    )
    care_questionnaire_url = fields.Char(
        "Questionnaire link", compute="_compute_care_questionnaire"
    )
    care_questionnaire_qr = fields.Binary(
        "Questionnaire QR code", compute="_compute_care_questionnaire"
    )
    # -- satisfaction after signing ---------------------------------------
    care_satisfaction_sent = fields.Datetime(
        "Satisfaction survey sent", readonly=True, copy=False
    )
    care_satisfaction_input_id = fields.Many2one(
        "survey.user_input", "Satisfaction answers", readonly=True, copy=False
    )
    care_satisfaction_score = fields.Float(
        "Satisfaction (%)",
        readonly=True,
        copy=False,
        aggregator="avg",
        help="Score of the family's satisfaction survey, 0–100.",
    )

    @api.depends("care_assessment_id.final_level", "care_elder_id.gbt_level")
    def _compute_care_level(self):
        for lead in self:
            lead.care_level = (
                lead.care_assessment_id.final_level or lead.care_elder_id.gbt_level
            )

    @api.depends("care_level", "care_form", "company_id")
    def _compute_package_suggested(self):
        Package = self.env["care.package"]
        for lead in self:
            lead.care_package_suggested_id = Package._match(
                lead.care_level, lead.care_form, lead.company_id or self.env.company
            )

    @api.constrains("care_prospect_birth_year", "expected_revenue")
    def _check_care_numbers(self):
        """What is typed on a lead must make sense before anything uses it
        (signing turns the birth year into the elder's birth date)."""
        this_year = fields.Date.context_today(self).year
        for lead in self:
            year = lead.care_prospect_birth_year
            if year and not BIRTH_YEAR_MIN <= year <= this_year:
                raise ValidationError(
                    self.env._(
                        "%(lead)s: the birth year %(year)s is not possible; type "
                        "the four digits of the year, between %(first)s and "
                        "%(last)s.",
                        lead=lead.name,
                        year=year,
                        first=BIRTH_YEAR_MIN,
                        last=this_year,
                    )
                )
            if lead.expected_revenue < 0:
                raise ValidationError(
                    self.env._(
                        "%(lead)s: the expected revenue cannot be negative.",
                        lead=lead.name,
                    )
                )

    # ------------------------------------------------------------------
    # Phone numbers: one reading for the whole suite
    # ------------------------------------------------------------------
    def _phone_format(
        self,
        fname=False,
        number=False,
        country=False,
        force_format="E164",
        raise_exception=False,
    ):
        """Numbers typed without a country prefix are read in the suite's
        region (elder_crm's, China by default) like every number of the
        suite, not in the lead's or the company's country: "166 5133 4871"
        and "+86 166-5133-4871" are one number even in a company set in the
        US. CRM's sanitised number, duplicates and look-ups follow."""
        if not country:
            country = self.env["care.elder"]._default_phone_country()
        return super()._phone_format(
            fname=fname,
            number=number,
            country=country,
            force_format=force_format,
            raise_exception=raise_exception,
        )

    @api.model
    def _care_resanitize_phones(self):
        """Recompute every lead's sanitised number the suite's way (after
        install, or when the region changes)."""
        leads = self.with_context(active_test=False).search(
            ["|", ("mobile", "!=", False), ("phone", "!=", False)]
        )
        self.env.add_to_compute(self._fields["phone_sanitized"], leads)
        leads.flush_recordset(["phone_sanitized"])
        return leads

    def _care_pending_questionnaire(self, purpose="previsit"):
        """The open (not yet submitted) survey invitation of the lead."""
        self.ensure_one()
        return (
            self.env["survey.user_input"]
            .sudo()
            .search(
                [
                    ("care_lead_id", "=", self.id),
                    ("survey_id.care_purpose", "=", purpose),
                    ("state", "!=", "done"),
                ],
                limit=1,
                order="id desc",
            )
        )

    def _compute_care_questionnaire(self):
        Elder = self.env["care.elder"]
        for lead in self:
            pending = (
                lead.id
                and not lead.care_previsit_input_id
                and (lead._care_pending_questionnaire())
            )
            if pending:
                url = pending.get_base_url() + pending.get_start_url()
                lead.care_questionnaire_url = url
                lead.care_questionnaire_qr = Elder._qr_png(url)
            else:
                lead.care_questionnaire_url = False
                lead.care_questionnaire_qr = False

    def care_survey_url(self, purpose="satisfaction"):
        """Link of the lead's pending survey of this purpose (mail templates).

        The link is the family's personal access: only who may read the
        lead gets it."""
        self.ensure_one()
        self.check_access("read")
        pending = self._care_pending_questionnaire(purpose)
        return (pending and pending.get_base_url() + pending.get_start_url()) or ""

    @api.model
    def _care_questionnaire_survey(self):
        survey = (
            self.env["survey.survey"]
            .sudo()
            .search([("care_purpose", "=", "previsit"), ("active", "=", True)], limit=1)
        )
        if not survey:
            raise UserError(
                self.env._(
                    "No pre-visit questionnaire is active: publish one under "
                    "Configuration > Reception > Questionnaires."
                )
            )
        return survey

    def action_care_send_questionnaire(self):
        """A personal questionnaire link for the family: e-mailed when the
        lead has an address, otherwise shown with its QR code to print or
        send by SMS."""
        self.ensure_one()
        self.check_access("write")
        if self.care_previsit_input_id:
            raise UserError(
                self.env._(
                    "%(lead)s: the family already sent the questionnaire on "
                    "%(date)s; its answers are on the lead.",
                    lead=self.name,
                    date=fields.Date.to_string(self.care_previsit_date),
                )
            )
        pending = self._care_pending_questionnaire()
        if not pending:
            survey = self._care_questionnaire_survey()
            pending = survey._create_answer(
                partner=self.partner_id,
                email=self.email_from,
                check_attempts=False,
                care_lead_id=self.id,
                invite_token=self.env["survey.user_input"]._generate_invite_token(),
            )
        self.invalidate_recordset(["care_questionnaire_url", "care_questionnaire_qr"])
        if not self.email_from:
            self._message_log(
                body=self.env._(
                    "Questionnaire link made (no e-mail address: send it by SMS "
                    "or print the QR code): %s",
                    self.care_questionnaire_url,
                ),
            )
            return True
        return self._care_composer("care_reception.mail_template_questionnaire")

    @api.model
    def _care_find_open_lead(self, number, company=None):
        """The open leads of this phone number, most recent first.

        The number is compared in E.164 as elder_crm reads it (China by
        default, whatever the company's country), and as typed, so that
        "0086 166 5133 4871" finds the lead registered as 16651334871.
        ``company``: only its leads (and leads without a company)."""
        number = (number or "").strip()
        if not re.sub(r"\D", "", number):
            return self.browse()
        variants = {number, re.sub(r"[^\d+]", "", number)}
        sanitized = self.env["care.elder"]._sanitize_number(number)
        if sanitized:
            variants.add(sanitized)
        variants = list(variants)
        domain = [
            ("type", "=", "opportunity"),
            ("stage_id.is_won", "=", False),
            "|",
            "|",
            ("phone_sanitized", "in", variants),
            ("mobile", "in", variants),
            ("phone", "in", variants),
        ]
        if company:
            domain.append(("company_id", "in", [company.id, False]))
        return self.search(domain, order="id desc")

    # ------------------------------------------------------------------
    # Stage history and stage checks
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads._care_check_step()
        leads.filtered("active")._care_history_open()
        for lead in leads.filtered("care_intent"):
            lead._care_schedule_followup()
        return leads

    def write(self, vals):
        moving = "stage_id" in vals
        activating = "active" in vals
        # refuse before anything is written: nothing half-saved
        if moving:
            self._care_check_step(vals)
        if vals.get("care_intent"):
            self._care_check_owner(vals)
        before = {lead.id: (lead.stage_id, lead.active) for lead in self}
        intent_set = "care_intent" in vals
        result = super().write(vals)
        now = fields.Datetime.now()
        History = self.env["care.lead.stage.history"]
        if moving or activating:
            changed = self.filtered(
                lambda rec: before[rec.id] != (rec.stage_id, rec.active)
            )
            closed = changed.filtered(lambda rec: before[rec.id][1])
            History._close(closed, now, dropped=not vals.get("active", True))
            changed.filtered("active")._care_history_open(now)
        if intent_set:
            for lead in self:
                lead._care_schedule_followup()
        return result

    def _care_history_open(self, when=None):
        self.env["care.lead.stage.history"]._open(self, when or fields.Datetime.now())

    def _care_check_owner(self, vals):
        owner = vals.get("user_id")
        for lead in self:
            if not (owner if "user_id" in vals else lead.user_id):
                raise ValidationError(
                    self.env._(
                        "%(lead)s: assign the lead to a receptionist before "
                        "setting its intent: the follow-ups are theirs.",
                        lead=lead.name,
                    )
                )

    def _care_check_step(self, vals=None):
        """Refuse to enter a stage without its key facts.

        ``vals``: the values about to be written (checked as if written).
        """
        vals = vals or {}

        def value(lead, name):
            if name in vals:
                return lead._fields[name].convert_to_record(
                    lead._fields[name].convert_to_cache(vals[name], lead), lead
                )
            return lead[name]

        for lead in self:
            stage = value(lead, "stage_id")
            step = stage.care_step
            if stage.is_won and not (
                value(lead, "care_elder_id") or value(lead, "care_prospect_name")
            ):
                raise ValidationError(
                    self.env._(
                        "%(lead)s: name the prospective elder before signing.",
                        lead=lead.name,
                    )
                )
            level = (
                value(lead, "care_assessment_id").final_level
                or value(lead, "care_elder_id").gbt_level
            )
            if step == "assessed" and not level:
                raise ValidationError(
                    self.env._(
                        "%(lead)s: record a needs assessment (a confirmed GB/T "
                        "42195 assessment) before moving it to %(stage)s.",
                        lead=lead.name,
                        stage=stage.name,
                    )
                )
            if step == "toured" and not value(lead, "care_tour_event_id"):
                raise ValidationError(
                    self.env._(
                        "%(lead)s: schedule the tour before moving it to %(stage)s.",
                        lead=lead.name,
                        stage=stage.name,
                    )
                )
            if step == "proposal" and not value(lead, "care_package_id"):
                raise ValidationError(
                    self.env._(
                        "%(lead)s: a proposal needs a matched package; choose "
                        "one on the Proposal tab.",
                        lead=lead.name,
                    )
                )

    # ------------------------------------------------------------------
    # Elder archive
    # ------------------------------------------------------------------
    def _care_elder_vals(self):
        self.ensure_one()
        contact = {
            "name": self.contact_name or self.partner_name or self.name,
            "mobile": self.mobile or self.phone,
            "relationship": self.care_relationship or "daughter",
            "is_emergency": True,
            "is_decision_maker": not self.care_decision_maker
            or self.care_decision_maker == self.contact_name,
            "sequence": 1,
        }
        vals = {
            "name": self.care_prospect_name,
            "street": self.street,
            "street2": self.street2,
            "city": self.city,
            "zip": self.zip,
            "state_id": self.state_id.id,
            "country_id": self.country_id.id,
            "company_id": self.company_id.id or self.env.company.id,
            "contact_ids": [(0, 0, contact)] if contact["name"] else [],
        }
        if self.care_prospect_birth_year:
            vals["birth_date"] = f"{self.care_prospect_birth_year}-01-01"
        return vals

    def action_care_create_elder(self):
        """Open (or create, in enquiry status) the prospective elder's archive."""
        self.ensure_one()
        self.check_access("write")
        if not self.care_elder_id:
            if not self.care_prospect_name:
                raise UserError(
                    self.env._(
                        "Type the prospective elder's name first (Consultation tab)."
                    )
                )
            self.care_elder_id = self.env["care.elder"].create(self._care_elder_vals())
        return {
            "type": "ir.actions.act_window",
            "res_model": "care.elder",
            "res_id": self.care_elder_id.id,
            "view_mode": "form",
        }

    def action_care_new_assessment(self):
        """Start a GB/T 42195 assessment of the prospective elder."""
        self.ensure_one()
        self.check_access("write")
        if not self.care_elder_id:
            self.action_care_create_elder()
        return {
            "type": "ir.actions.act_window",
            "res_model": "care.assessment",
            "view_mode": "form",
            "context": {
                "default_elder_id": self.care_elder_id.id,
                "default_assessment_type": "gbt42195",
                "care_lead_id": self.id,
            },
        }

    def _care_on_won(self):
        """Signing: the archive is activated (created from the lead if need be).

        Works for staff without an e-mail address: the note is logged and the
        move-in checklist assigned without mailing in their name."""
        checklist = self.env.ref("care_reception.mail_activity_type_move_in")
        self._check_care_numbers()
        for lead in self:
            if not lead.care_elder_id:
                if not lead.care_prospect_name:
                    continue
                lead.care_elder_id = self.env["care.elder"].create(
                    lead._care_elder_vals()
                )
            elder = lead.care_elder_id
            if elder.state == "enquiry":
                elder.action_activate()
            elder.check_access("write")
            elder._message_log(
                body=self.env._("Signed: lead %(lead)s.", lead=lead.name)
            )
            quiet_if_no_email(elder).activity_schedule(
                activity_type_id=checklist.id,
                user_id=(lead.user_id or self.env.user).id,
                note=checklist.default_note,
            )
            lead.care_intent = False

    def action_set_won(self):
        result = super().action_set_won()
        self._care_on_won()
        return result

    # ------------------------------------------------------------------
    # Tour
    # ------------------------------------------------------------------
    def action_care_schedule_tour(self):
        """A calendar event for the tour with the route the tags suggest."""
        self.ensure_one()
        self.check_access("write")
        route = self.care_tour_route_id or self.env["care.tour.route"]._for_tags(
            self.tag_ids | self.care_concern_ids
        )
        self.care_tour_route_id = route
        partners = self.partner_id | self.env.user.partner_id
        return {
            "type": "ir.actions.act_window",
            "res_model": "calendar.event",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_name": self.env._(
                    "Tour: %s", self.care_prospect_name or self.name
                ),
                "default_duration": route.duration or 1.0,
                "default_partner_ids": partners.ids,
                "default_user_id": (self.user_id or self.env.user).id,
                "default_opportunity_id": self.id,
                "default_res_model": "crm.lead",
                "default_res_id": self.id,
                "default_description": route.stops or False,
                "care_tour_lead_id": self.id,
                # staff without an e-mail address: the owner's meeting
                # activity is not mailed in their name (mail would refuse)
                "mail_activity_quick_update": not self.env.user.email,
            },
        }

    # ------------------------------------------------------------------
    # Possible duplicates (public questionnaires with a known number)
    # ------------------------------------------------------------------
    def action_care_not_duplicate(self):
        """Reception checked the lead: it is not the same family's."""
        if not self.env.user.has_group("elder_crm.group_care_reception"):
            raise AccessError(
                self.env._("Only reception can clear a possible duplicate.")
            )
        self.check_access("write")
        self.sudo().care_possible_duplicate = False
        return True

    def _merge_get_fields(self):
        # the consultation's facts follow the merge (the first lead's that
        # has each), as CRM's own fields do
        return super()._merge_get_fields() + list(MERGED_FIELDS)

    def _merge_opportunity(self, user_id=False, team_id=False, auto_unlink=True, **kw):
        """Merging a possible duplicate settles it; the questionnaire, its
        answers and the health notes go to the lead that is kept."""
        Input = self.env["survey.user_input"].sudo()
        inputs = Input.search([("care_lead_id", "in", self.ids)])
        leads = self.sudo()
        previsit = leads.care_previsit_input_id
        health = [text for text in leads.mapped("care_health_answers") if text]
        head = super()._merge_opportunity(
            user_id=user_id, team_id=team_id, auto_unlink=auto_unlink, **kw
        )
        vals = {"care_possible_duplicate": False}
        if previsit and not head.sudo().care_previsit_input_id:
            vals["care_previsit_input_id"] = previsit[:1].id
        if len(health) > 1:
            vals["care_health_answers"] = "\n\n".join(health)
        elif health:
            vals["care_health_answers"] = health[0]
        head.sudo().write(vals)
        inputs.exists().write({"care_lead_id": head.id})
        return head

    # ------------------------------------------------------------------
    # Intent tiers and follow-up cadence
    # ------------------------------------------------------------------
    def _care_cadence(self):
        self.ensure_one()
        param, default, unit = CADENCE[self.care_intent]
        value = self.env["ir.config_parameter"].sudo().get_param(param)
        try:
            value = int(value) if value else default
        except ValueError:
            value = default
        return timedelta(**{unit: value})

    def _care_schedule_followup(self):
        """Plan the next follow-up of the tier as an activity of the owner."""
        followup = self.env.ref("care_reception.mail_activity_type_followup")
        for lead in self:
            lead.activity_ids.filtered(
                lambda a: a.activity_type_id == followup
            ).unlink()
            if not lead.care_intent or not lead.active or lead.stage_id.is_won:
                lead.sudo().write(
                    {"care_next_followup": False, "care_followup_overdue": False}
                )
                continue
            lead._care_check_owner({})
            due = fields.Datetime.now() + lead._care_cadence()
            tier = dict(self._fields["care_intent"]._description_selection(self.env))
            quiet_if_no_email(lead).activity_schedule(
                activity_type_id=followup.id,
                date_deadline=fields.Date.context_today(lead, due),
                summary=self.env._("Follow up (%s intent)", tier[lead.care_intent]),
                user_id=lead.user_id.id,
            )
            # the cadence's result, owned by this code path (the caller
            # could change the intent, so may plan its follow-up)
            lead.sudo().write(
                {"care_next_followup": due, "care_followup_overdue": False}
            )

    def _care_followup_done(self):
        now = fields.Datetime.now()
        for lead in self:
            if not lead.care_first_followup_on_time and lead.care_next_followup:
                lead.sudo().care_first_followup_on_time = (
                    "yes" if now <= lead.care_next_followup else "no"
                )
            lead._care_schedule_followup()

    # ------------------------------------------------------------------
    # Scheduled jobs: one bad lead never stops the others
    # ------------------------------------------------------------------
    @api.model
    def _care_isolated(self, records, job, task):
        """Run ``job(record)`` for each record in its own savepoint.

        A record that fails is rolled back alone, reported in the log (with
        what went wrong) and tried again at the next run; the others go on.
        Returns ``(done, failed)``: the records done and ``{record: error}``.
        """
        done = records.browse()
        failed = {}
        for record in records:
            try:
                with self.env.cr.savepoint():
                    job(record)
            except Exception as exc:  # isolate, report, carry on
                failed[record] = exc
            else:
                done |= record
        if failed:
            _logger.warning(
                "%s: %s of %s failed, tried again at the next run: %s",
                task,
                len(failed),
                len(records),
                "; ".join(
                    f"{record._name}({record.id}): {type(exc).__name__}: {exc}"
                    for record, exc in failed.items()
                ),
            )
        return done, failed

    @api.model
    def _cron_flag_overdue_followups(self):
        """Flag leads whose follow-up is past due, to the owner and the manager.

        Every lead past due and not yet flagged, however long ago it fell
        due (a missed run catches up); each gets one activity for its team
        leader (or the owner) once per episode. All in one batch; if the batch
        fails, lead by lead, so that one bad lead is reported and stays
        unflagged (tried again next run) while the others are flagged.
        """
        now = fields.Datetime.now()
        self.flush_model(
            ["care_next_followup", "care_followup_overdue", "active", "care_intent"]
        )
        self.env.cr.execute(
            """
            SELECT id
              FROM crm_lead
             WHERE care_next_followup < %s
               AND care_followup_overdue IS NOT TRUE
               AND active
               AND care_intent IS NOT NULL
          ORDER BY id
            """,
            [now],
        )
        leads = self.browse([row[0] for row in self.env.cr.fetchall()])
        if not leads:
            return leads
        # the activities show in the managers' inboxes, no e-mail each
        Activity = self.env["mail.activity"].with_context(
            mail_activity_quick_update=True
        )

        def flag(batch):
            Activity.create([lead._care_overdue_activity_vals() for lead in batch])
            batch.sudo().write({"care_followup_overdue": True})

        try:
            with self.env.cr.savepoint():
                flag(leads)
            return leads
        except Exception:  # find the bad lead(s), flag the others
            done, _failed = self._care_isolated(
                leads, flag, "Reception: flag overdue follow-ups"
            )
            return done

    def _care_overdue_activity_vals(self):
        """The overdue alert of this lead for its team leader (or owner)."""
        self.ensure_one()
        owner = self.team_id.user_id or self.user_id
        # in the language of whom it is for (a cron has none of its own)
        env = self.with_context(lang=owner.lang or self.env.lang).env
        return {
            "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
            "res_id": self.id,
            "activity_type_id": self.env.ref(
                "care_reception.mail_activity_type_overdue"
            ).id,
            "user_id": owner.id,
            "date_deadline": fields.Date.context_today(self),
            "summary": env._("Follow-up overdue: %s", self.user_id.name or ""),
            "note": Markup("<p>%s</p>")
            % env._(
                "The follow-up of %(lead)s (%(owner)s) was due %(due)s.",
                lead=self.name,
                owner=self.user_id.name or "",
                due=fields.Datetime.to_string(self.care_next_followup),
            ),
        }

    # ------------------------------------------------------------------
    # After the tour
    # ------------------------------------------------------------------
    @api.model
    def _cron_send_tour_summaries(self):
        """The summary e-mail to the family once the tour is over (every 10 min).

        Every tour over whose summary is not sent yet, up to two weeks back:
        a cron that missed runs catches up. A lead that fails is reported and
        tried again; the others are sent."""
        now = fields.Datetime.now()
        leads = self.search(
            [
                ("care_tour_event_id.stop", "<=", now),
                ("care_tour_event_id.stop", ">=", now - SUMMARY_MAX_AGE),
                ("care_summary_sent", "=", False),
            ],
            order="id",
        )
        done, _failed = self._care_isolated(
            leads,
            lambda lead: lead._care_send_tour_summary(now),
            "Reception: send tour summaries",
        )
        return done

    def _care_send_tour_summary(self, now):
        self.ensure_one()
        if self.email_from:
            self.message_post_with_source(
                self.env.ref("care_reception.mail_template_tour_summary"),
                subtype_xmlid="mail.mt_comment",
            )
        else:
            self._message_log(
                body=self.env._(
                    "Tour summary not sent: the family has no e-mail address."
                )
            )
        self.sudo().care_summary_sent = now

    @api.model
    def _cron_send_satisfaction_surveys(self, days=7):
        """Seven days after signing, the family gets the satisfaction survey
        (daily). Without an e-mail address the receptionist gets the link to
        send by SMS or ask on the phone. Leads signed up to a month before
        that are caught up; one that fails is reported and tried again."""
        survey = (
            self.env["survey.survey"]
            .sudo()
            .search(
                [("care_purpose", "=", "satisfaction"), ("active", "=", True)], limit=1
            )
        )
        if not survey:
            return self.browse()
        now = fields.Datetime.now()
        leads = self.search(
            [
                ("stage_id.is_won", "=", True),
                ("date_closed", "<=", now - timedelta(days=days)),
                ("date_closed", ">=", now - timedelta(days=days + 30)),
                ("care_satisfaction_sent", "=", False),
            ],
            order="id",
        )
        done, _failed = self._care_isolated(
            leads,
            lambda lead: lead._care_send_satisfaction_survey(survey, now),
            "Reception: satisfaction surveys",
        )
        return done

    def _care_send_satisfaction_survey(self, survey, now):
        self.ensure_one()
        answer = survey._create_answer(
            partner=self.partner_id,
            email=self.email_from,
            check_attempts=False,
            care_lead_id=self.id,
            invite_token=self.env["survey.user_input"]._generate_invite_token(),
        )
        if self.email_from:
            self.message_post_with_source(
                self.env.ref("care_reception.mail_template_satisfaction"),
                subtype_xmlid="mail.mt_comment",
            )
        else:
            self.activity_schedule(
                "mail.mail_activity_data_call",
                user_id=(self.user_id or self.team_id.user_id or self.env.user).id,
                summary=self.env._("Satisfaction survey: call the family"),
                note=self.env._(
                    "The family has no e-mail address: send them this link "
                    "by SMS or ask the questions on the phone: %s",
                    answer.get_base_url() + answer.get_start_url(),
                ),
            )
        self.sudo().care_satisfaction_sent = now

    # ------------------------------------------------------------------
    # Proposal: package comparison
    # ------------------------------------------------------------------
    def _care_compared_packages(self):
        """The proposed (or suggested) package and its neighbours, by price."""
        self.ensure_one()
        package = self.care_package_id or self.care_package_suggested_id
        if not package:
            raise UserError(
                self.env._(
                    "%(lead)s: choose a package (or assess the elder so that "
                    "one is suggested) before comparing.",
                    lead=self.name,
                )
            )
        return package._neighbours()

    def action_care_print_comparison(self):
        self.ensure_one()
        self.check_access("read")
        self._care_compared_packages()
        return self.env.ref(
            "care_reception.action_report_package_comparison"
        ).report_action(self)

    def action_care_send_comparison(self):
        self.ensure_one()
        self.check_access("write")
        self._care_compared_packages()
        if not self.email_from:
            raise UserError(
                self.env._(
                    "%(lead)s has no e-mail address: print the comparison "
                    "instead and hand it to the family.",
                    lead=self.name,
                )
            )
        return self._care_composer("care_reception.mail_template_package_comparison")

    def _care_composer(self, template_xmlid):
        """The e-mail composer on this lead, filled from a template."""
        template = self.env.ref(template_xmlid)
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": "crm.lead",
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "default_email_layout_xmlid": "mail.mail_notification_light",
            },
        }

    # ------------------------------------------------------------------
    # Demo data
    # ------------------------------------------------------------------
    @api.model
    def _care_demo_populate(self, count=30, seed=3):
        """About 30 enquiries at every stage with a stage history over the
        last six months, so that the funnel report shows something real."""
        import random

        rng = random.Random(seed)  # noqa: S311 - demo data, not a secret
        stages = self.env["crm.stage"].search([("care_step", "!=", False)])
        won = self.env.ref("crm.stage_lead4")
        users = self.env.ref("elder_crm.user_reception_demo") | self.env.ref(
            "base.user_admin"
        )
        sources = self.env["utm.source"].search([], limit=4)
        # a few to pick from at random: the first twenty are plenty
        reasons = self.env["crm.lost.reason"].search([], limit=20)
        # the reception's own tags, not CRM's demo ones ("Software", ...)
        tags = self.env["crm.tag"].browse(
            self.env["ir.model.data"]
            .search([("module", "=", "care_reception"), ("model", "=", "crm.tag")])
            .mapped("res_id")
        )
        packages = self.env["care.package"].search([], limit=20)
        surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭"
        given = "桂兰秀英玉珍淑芬德海建国志强凤英春华"
        History = self.env["care.lead.stage.history"].sudo()
        now = fields.Datetime.now()
        for _i in range(count):
            elder = rng.choice(surnames) + "".join(rng.sample(given, 2))
            child = rng.choice(surnames) + "".join(rng.sample(given, 2))
            # how far it got: more leads in the early stages, some signed
            reach = min(rng.choices(range(7), [3, 3, 4, 4, 4, 3, 5])[0], len(stages))
            lead = self.with_context(mail_create_nolog=True).create(
                {
                    "name": f"{elder} 入住咨询",
                    "type": "opportunity",
                    "contact_name": child,
                    "mobile": f"139{rng.randint(10000000, 99999999)}",
                    "care_prospect_name": elder,
                    "care_prospect_birth_year": rng.randint(1930, 1955),
                    "care_form": rng.choice(["home", "day", "residential"]),
                    "care_budget": rng.choice(["lt3k", "3to5k", "5to8k", "gt8k"]),
                    "care_family_attitude": rng.choice(
                        ["supportive", "supportive", "divided", "opposed"]
                    ),
                    "user_id": rng.choice(users).id,
                    "source_id": rng.choice(sources).id if sources else False,
                    "tag_ids": [(6, 0, rng.sample(tags.ids, min(2, len(tags))))],
                    "stage_id": stages[0].id,
                }
            )
            History.search([("lead_id", "=", lead.id)]).unlink()
            start = now - timedelta(days=rng.randint(5, 180))
            moment = start
            path = list(stages[: max(reach, 1)])
            signed = reach == len(stages) and rng.random() < 0.7
            if signed:
                path.append(won)
            lost = not signed and rng.random() < 0.35
            for index, stage in enumerate(path):
                stay = timedelta(hours=rng.randint(4, 24 * 12))
                last = index == len(path) - 1
                end = moment + stay
                if end > now:
                    end = now
                History.create(
                    {
                        "lead_id": lead.id,
                        "stage_id": stage.id,
                        "user_id": lead.user_id.id,
                        "team_id": lead.team_id.id,
                        "source_id": lead.source_id.id,
                        "company_id": lead.company_id.id,
                        "date_in": moment,
                        "date_out": (end if lost else False) if last else end,
                        "dropped": lost and last,
                        "first_stage": index == 0,
                    }
                )
                moment = end
            if len(path) > 1 or rng.random() < 0.5:
                # the first follow-up: mostly within its cadence
                lead.care_first_followup_on_time = rng.choice(
                    ["yes", "yes", "yes", "no"]
                )
            vals = {"stage_id": path[-1].id}
            if path[-1].care_step in ("proposal",) or signed:
                vals["care_package_id"] = packages and rng.choice(packages).id
            self.env.cr.execute(
                "UPDATE crm_lead SET stage_id = %s, care_package_id = %s, "
                "create_date = %s WHERE id = %s",
                [vals["stage_id"], vals.get("care_package_id") or None, start, lead.id],
            )
            lead.invalidate_recordset(["stage_id", "care_package_id", "create_date"])
            if lost:
                lead.with_context(care_demo=True).write(
                    {"active": False, "lost_reason_id": rng.choice(reasons).id}
                )
                History.search(
                    [("lead_id", "=", lead.id), ("date_out", "=", False)]
                ).unlink()
            elif signed:
                lead._care_on_won()
            else:
                lead.care_intent = rng.choice(["high", "hesitant", "not_now"])
