import base64
import io
import logging
import threading
import time
from collections import defaultdict, deque
from datetime import date

import qrcode

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression

from odoo.addons.phone_validation.tools import phone_validation

from ..tools import id_number as idn

_logger = logging.getLogger(__name__)

GBT_LEVELS = [
    ("0", "0 - Intact (能力完好)"),
    ("1", "1 - Mildly impaired (轻度失能)"),
    ("2", "2 - Moderately impaired (中度失能)"),
    ("3", "3 - Severely impaired (重度失能)"),
    ("4", "4 - Completely lost (完全失能)"),
]
BARTHEL_BANDS = [
    ("independent", "Independent (100)"),
    ("mild", "Mild dependency (61-99)"),
    ("moderate", "Moderate dependency (41-60)"),
    ("severe", "Severe dependency (0-40)"),
]
AGE_BANDS = [
    ("under_60", "Under 60"),
    ("60_69", "60-69"),
    ("70_79", "70-79"),
    ("80_89", "80-89"),
    ("90_plus", "90+"),
]
STATE_DATE_FIELDS = {
    "active": "date_active",
    "suspended": "date_suspended",
    "deceased": "date_deceased",
    "left": "date_left",
}
PHONE_FIELDS = ("phone", "mobile")
MEDICAL_GROUPS = "elder_crm.group_care_reception,elder_crm.group_care_emergency"
SAFETY_GROUPS = (
    "elder_crm.group_care_reception,elder_crm.group_care_emergency,"
    "elder_crm.group_care_dispatcher"
)
MANAGER_GROUP = "elder_crm.group_care_manager"

# Typing a full ID number that another elder already has is refused; the
# refusal itself tells the typist that the number exists. Each refusal is
# logged, and a user outside the Care manager group who collects
# ID_REFUSAL_LIMIT of them within ID_REFUSAL_WINDOW seconds may not enter ID
# numbers until the window has passed (kept in memory per server process,
# like Odoo's own login cool-down: a refused transaction is rolled back).
ID_REFUSAL_LIMIT = 5
ID_REFUSAL_WINDOW = 3600
_id_refusals = defaultdict(deque)  # (db name, uid) -> refusal times
_id_refusals_lock = threading.Lock()


def age_on(birth_date, today):
    """Whole years between ``birth_date`` and ``today``."""
    if not birth_date:
        return 0
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - before_birthday


def next_age_change(birth_date, today):
    """The first day after ``today`` on which ``age_on`` gives a new age.

    Elders born on 29 February age on 1 March in other years, as in
    ``age_on``.
    """
    if not birth_date:
        return False
    for year in (today.year, today.year + 1):
        try:
            birthday = date(year, birth_date.month, birth_date.day)
        except ValueError:  # 29 February in a common year
            birthday = date(year, 3, 1)
        if birthday > today:
            return birthday
    return False  # not reached


def age_band(age):
    if age >= 90:
        return "90_plus"
    if age >= 60:
        return {6: "60_69", 7: "70_79", 8: "80_89"}[age // 10]
    return "under_60"


class CareElder(models.Model):
    _name = "care.elder"
    _description = "Elder"
    _inherits = {"res.partner": "partner_id"}
    _inherit = [
        "mail.thread.phone",
        "mail.activity.mixin",
        "care.guard.mixin",
        "care.import.mixin",
    ]
    _order = "id desc"
    _check_company_auto = True
    # the register's import: rows match elders by ID number, family sub-rows
    # the contacts of the same name (see care.import.mixin)
    _care_import_key = "id_number"
    _care_import_line_fields = ("contact_ids",)

    partner_id = fields.Many2one(
        "res.partner",
        string="Contact Record",
        required=True,
        ondelete="restrict",
        index=True,
    )
    code = fields.Char(
        string="Archive No.",
        readonly=True,
        copy=False,
        index=True,
        default="/",
        help="Stable reference printed on the elder card and its QR code.",
    )
    company_id = fields.Many2one(
        "res.company",
        related="partner_id.company_id",
        store=True,
        readonly=False,
        required=True,
        index=True,
        default=lambda self: self.env.company,
        precompute=True,
    )
    responsible_id = fields.Many2one(
        "res.users",
        string="Care Coordinator",
        default=lambda self: self.env.user,
        tracking=True,
    )
    state = fields.Selection(
        [
            ("enquiry", "Enquiry"),
            ("active", "Active"),
            ("suspended", "Suspended"),
            ("deceased", "Deceased"),
            ("left", "Left"),
        ],
        string="Status",
        default="enquiry",
        required=True,
        tracking=True,
        index=True,
    )
    date_enquiry = fields.Date(string="Enquiry Date", default=fields.Date.context_today)
    date_active = fields.Date(string="Active Since", tracking=True)
    date_suspended = fields.Date(string="Suspended On", tracking=True)
    date_deceased = fields.Date(string="Date of Death", tracking=True)
    date_left = fields.Date(string="Left On", tracking=True)
    status_reason = fields.Char()

    # Identity ---------------------------------------------------------------
    id_number = fields.Char(
        string="ID Number (full)",
        copy=False,
        index=True,
        groups="elder_crm.group_care_manager",
        help="Resident identity number (GB 11643), stored in its 18-character form.",
    )
    id_number_display = fields.Char(
        string="ID Number",
        compute="_compute_id_number_display",
        inverse="_inverse_id_number_display",
        search="_search_id_number_display",
        help="Only the region code (110105************) for users outside the Care "
        "manager group. Type the full number to register it; only a care manager "
        "can change a registered number.",
    )
    # not precomputed: the ID number may arrive through the inverse of
    # id_number_display, after the record is created
    birth_date = fields.Date(
        compute="_compute_from_id_number", store=True, readonly=False, tracking=True
    )
    gender = fields.Selection(
        [("male", "Male"), ("female", "Female")],
        compute="_compute_from_id_number",
        store=True,
        readonly=False,
    )
    age = fields.Integer(
        compute="_compute_age",
        store=True,
        aggregator="avg",
        help="Refreshed every night for the elders whose birthday has passed since "
        "it was last computed.",
    )
    age_band = fields.Selection(AGE_BANDS, compute="_compute_age", store=True)
    age_changes_on = fields.Date(
        compute="_compute_age",
        store=True,
        index=True,
        help="The next birthday after the day the age was computed for: from that "
        "day on the stored age is stale and the nightly job recomputes it.",
    )
    marital_status = fields.Selection(
        [
            ("single", "Never married"),
            ("married", "Married"),
            ("widowed", "Widowed"),
            ("divorced", "Divorced"),
            ("unknown", "Not stated"),
        ]
    )
    education = fields.Selection(
        [
            ("illiterate", "Illiterate"),
            ("primary", "Primary school"),
            ("junior", "Junior high school"),
            ("senior", "Senior high / technical school"),
            ("college", "College or above"),
            ("unknown", "Unknown"),
        ]
    )

    # Household and social ------------------------------------------------------
    contact_ids = fields.One2many(
        "care.elder.contact", "elder_id", string="Family and Contacts"
    )
    emergency_contact_ids = fields.One2many(
        "care.elder.contact",
        "elder_id",
        string="Emergency Contacts",
        domain=[("is_emergency", "=", True)],
    )
    living_situation = fields.Selection(
        [
            ("alone", "Lives alone"),
            ("spouse", "With spouse"),
            ("children", "With children"),
            ("parents", "With parents"),
            ("siblings", "With siblings"),
            ("relatives", "With other relatives"),
            ("non_relatives", "With non-relatives"),
            ("institution", "In an institution"),
        ],
        tracking=True,
    )
    subsidy_category_ids = fields.Many2many(
        "care.subsidy.category", string="Subsidy Categories", tracking=True
    )
    service_tier = fields.Selection(
        [("free", "Free"), ("low_cost", "Low-cost"), ("paid", "Paid"), ("vip", "VIP")],
        default="paid",
        required=True,
        tracking=True,
    )
    grid_id = fields.Many2one(
        "care.community",
        string="Community / Grid",
        check_company=True,
        index=True,
        tracking=True,
    )
    community_id = fields.Many2one(
        "care.community",
        compute="_compute_community",
        store=True,
        index=True,
    )
    street_office_id = fields.Many2one(
        "care.community",
        compute="_compute_community",
        store=True,
    )
    mobility = fields.Selection(
        [
            ("independent", "Walks independently"),
            ("cane", "Uses a cane"),
            ("walker", "Uses a walker"),
            ("wheelchair", "Wheelchair"),
            ("bedridden", "Bedridden"),
        ]
    )

    # Health (restricted) --------------------------------------------------------
    condition_ids = fields.Many2many(
        "care.condition", string="Conditions", groups=MEDICAL_GROUPS, tracking=True
    )
    allergies = fields.Text(groups=SAFETY_GROUPS)
    medications = fields.Text(groups=MEDICAL_GROUPS)
    treatment_plan = fields.Text(groups=MEDICAL_GROUPS)
    hospital_id = fields.Many2one(
        "res.partner", string="Designated Hospital", groups=MEDICAL_GROUPS
    )
    doctor_id = fields.Many2one(
        "res.partner", string="Family Doctor", groups=MEDICAL_GROUPS
    )
    payment_method_ids = fields.Many2many(
        "care.payment.method", string="Medical Payment Methods", groups=MEDICAL_GROUPS
    )
    has_dementia = fields.Boolean(
        compute="_compute_has_dementia",
        store=True,
        groups=MEDICAL_GROUPS,
        string="Dementia Diagnosed",
    )

    # Life story -------------------------------------------------------------------
    hobbies = fields.Text()
    diet = fields.Text(string="Diet and Taste")
    habits = fields.Text(string="Daily Habits")
    visitor_notes = fields.Text(
        string="Notes for Visitors",
        help="What a worker or volunteer should know before a visit.",
    )

    # Assessments --------------------------------------------------------------------
    # the assessments themselves (items, C.4 diagnoses) are for the groups that
    # read them; everyone reads the resulting level below
    assessment_ids = fields.One2many(
        "care.assessment", "elder_id", string="Assessments", groups=MEDICAL_GROUPS
    )
    assessment_count = fields.Integer(
        compute="_compute_assessment_count", groups=MEDICAL_GROUPS
    )
    gbt_assessment_id = fields.Many2one(
        "care.assessment",
        string="Current GB/T 42195 Assessment",
        compute="_compute_current_assessments",
        store=True,
        groups=MEDICAL_GROUPS,
    )
    gbt_level = fields.Selection(
        GBT_LEVELS,
        string="Ability Level",
        compute="_compute_current_assessments",
        store=True,
        index=True,
    )
    gbt_valid_until = fields.Date(
        string="Level Valid Until", compute="_compute_current_assessments", store=True
    )
    barthel_score = fields.Integer(
        string="Barthel ADL", compute="_compute_current_assessments", store=True
    )
    barthel_band = fields.Selection(
        BARTHEL_BANDS,
        compute="_compute_current_assessments",
        store=True,
    )
    # a dementia screen's result is medical: only the medical groups read it
    ad8_score = fields.Integer(
        string="AD8 Score",
        compute="_compute_current_assessments",
        store=True,
        groups=MEDICAL_GROUPS,
    )
    ad8_positive = fields.Boolean(
        string="AD8 Positive",
        compute="_compute_current_assessments",
        store=True,
        groups=MEDICAL_GROUPS,
    )

    # Lookup index: every number the elder answers on, in E.164 -------------------
    mobile_sanitized = fields.Char(
        compute="_compute_numbers_sanitized", store=True, index=True, copy=False
    )
    landline_sanitized = fields.Char(
        compute="_compute_numbers_sanitized", store=True, index=True, copy=False
    )
    phone_lookup = fields.Char(
        string="Phone (elder or family)",
        compute="_compute_phone_lookup",
        search="_search_phone_lookup",
        help="Search by any number of the elder or a family member, typed in any form.",
    )
    qr_code = fields.Binary(string="QR Code", compute="_compute_qr_code")

    _sql_constraints = [
        (
            "id_number_company_unique",
            "unique(company_id, id_number)",
            "This ID number is already registered for another elder of this care centre.",
        ),
        (
            "code_company_unique",
            "unique(company_id, code)",
            "The archive number must be unique.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.model
    def _sees_full_id_numbers(self):
        return self.env.su or self.env.user.has_group(MANAGER_GROUP)

    @api.depends("id_number")
    @api.depends_context("uid")
    def _compute_id_number_display(self):
        full = self._sees_full_id_numbers()
        for elder, number in zip(self, self.sudo().mapped("id_number"), strict=True):
            elder.id_number_display = number if full else idn.mask(number)

    def _inverse_id_number_display(self):
        for elder in self:
            value = (elder.id_number_display or "").strip()
            elder._check_id_number_change([{"id_number_display": value}])
            current = elder.sudo().id_number
            if value and current and value in (current, idn.mask(current)):
                continue
            if value or current:
                elder.sudo().write({"id_number": value or False})
        self.invalidate_recordset(["id_number_display"])

    def _check_id_number_change(self, vals_iter):
        """Outside the Care manager group, a number can be registered on an
        elder who has none, not changed or removed.

        The refusal does not depend on the value typed: were a correct guess
        accepted as "no change" and a wrong one refused, writing guesses
        would tell the number. Saving the masked value back changes nothing.
        """
        if self._sees_full_id_numbers():
            return
        registered = self.sudo().filtered("id_number")
        if not registered:
            return
        masks = {idn.mask(number) for number in registered.mapped("id_number")}
        for vals in vals_iter:
            if "id_number_display" not in vals:
                continue
            value = (vals["id_number_display"] or "").strip()
            if not (value and masks == {value}):
                raise AccessError(
                    self.env._(
                        "Only a care manager can change or remove a registered ID "
                        "number."
                    )
                )

    def _search_id_number_display(self, operator, value):
        # searching, filtering or counting on the full number would confirm
        # guesses of it: for care managers only
        if not self._sees_full_id_numbers():
            raise AccessError(
                self.env._(
                    "Only care managers can search by ID number. Search by name, "
                    "phone number or archive number."
                )
            )
        if operator not in ("=", "ilike") or not isinstance(value, str):
            raise UserError(self.env._("Search an ID number by typing it in full."))
        try:
            number = idn.normalize(value)
        except idn.IdNumberError:
            return [("id", "=", False)]
        elders = (
            self.sudo()
            .with_context(active_test=False)
            ._search([("id_number", "=", number)])
        )
        return [("id", "in", elders)]

    @api.depends("id_number")
    def _compute_from_id_number(self):
        for elder in self:
            number = elder.sudo().id_number
            if number and len(number) == 18:
                elder.birth_date = idn.birth_date(number)
                elder.gender = idn.gender(number)

    @api.depends("birth_date")
    def _compute_age(self):
        today = fields.Date.context_today(self)
        for elder in self:
            elder.age = age_on(elder.birth_date, today)
            elder.age_band = age_band(elder.age) if elder.birth_date else False
            elder.age_changes_on = next_age_change(elder.birth_date, today)

    @api.depends("grid_id", "grid_id.parent_id", "grid_id.parent_id.parent_id")
    def _compute_community(self):
        for elder in self:
            node = elder.grid_id
            community = street = self.env["care.community"]
            while node:
                if node.kind == "community" and not community:
                    community = node
                elif node.kind == "street" and not street:
                    street = node
                node = node.parent_id
            elder.community_id = community
            elder.street_office_id = street

    @api.depends("condition_ids.is_dementia")
    def _compute_has_dementia(self):
        for elder in self:
            elder.has_dementia = any(elder.condition_ids.mapped("is_dementia"))

    def _compute_assessment_count(self):
        counts = dict(
            self.env["care.assessment"]._read_group(
                [("elder_id", "in", self.ids)], ["elder_id"], ["__count"]
            )
        )
        for elder in self:
            elder.assessment_count = counts.get(elder, 0)

    @api.depends(
        "assessment_ids.state",
        "assessment_ids.date",
        "assessment_ids.final_level",
        "assessment_ids.barthel_score",
        "assessment_ids.ad8_score",
        "assessment_ids.valid_until",
    )
    def _compute_current_assessments(self):
        # the results are the elder's whoever confirmed, cancelled or reopened
        # an assessment: read them all (the fields below are guarded)
        for elder in self:
            done = (
                elder.sudo()
                .assessment_ids.filtered(lambda a: a.state == "done")
                .sorted(lambda a: (a.date, a.id), reverse=True)
            )
            current = {}
            for assessment in done:
                current.setdefault(assessment.assessment_type, assessment)
            gbt = current.get("gbt42195", self.env["care.assessment"].sudo())
            barthel = current.get("barthel")
            ad8 = current.get("ad8")
            elder.gbt_assessment_id = gbt
            elder.gbt_level = gbt.final_level
            elder.gbt_valid_until = gbt.valid_until
            elder.barthel_score = barthel.barthel_score if barthel else 0
            elder.barthel_band = barthel.barthel_band if barthel else False
            elder.ad8_score = ad8.ad8_score if ad8 else 0
            elder.ad8_positive = bool(ad8 and ad8.ad8_positive)

    @api.depends("partner_id.phone", "partner_id.mobile")
    def _compute_numbers_sanitized(self):
        for elder in self:
            elder.mobile_sanitized = elder._sanitize_number(elder.mobile)
            elder.landline_sanitized = elder._sanitize_number(elder.phone)

    def _compute_phone_lookup(self):
        for elder in self:
            elder.phone_lookup = elder.mobile or elder.phone

    def _search_phone_lookup(self, operator, value):
        if operator not in ("=", "ilike") or not isinstance(value, str):
            raise UserError(self.env._("Search a phone number by typing it."))
        sanitized = self._sanitize_number(value)
        if not sanitized:
            return [("id", "=", False)]
        numbers = [
            "|",
            ("mobile_sanitized", "=", sanitized),
            ("landline_sanitized", "=", sanitized),
        ]
        return ["|", "|", *numbers[1:], ("contact_ids", "any", numbers)]

    @api.depends("code")
    def _compute_qr_code(self):
        for elder in self:
            elder.qr_code = elder._qr_png(elder.code) if elder.code else False

    # ------------------------------------------------------------------
    # Phone helpers (phone_validation, default region CN)
    # ------------------------------------------------------------------
    @api.model
    def _default_phone_country(self):
        """Region for numbers typed without a country prefix (default CN)."""
        return self.env["res.country"].browse(self._phone_region()[0])

    @api.model
    @tools.ormcache()
    def _phone_region(self):
        """(country id, code, phone code) of the ``elder_crm.phone_region``
        parameter; cached, as every lookup needs it (the cache is cleared
        when a system parameter changes)."""
        code = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("elder_crm.phone_region", "CN")
        )
        country = self.env.ref(
            f"base.{code.strip().lower()}", raise_if_not_found=False
        ) or self.env.ref("base.cn")
        return country.id, country.code, country.phone_code

    def _phone_get_number_fields(self):
        return ["mobile", "phone"]

    def _phone_get_country(self):
        return {
            elder.id: elder.country_id or self._default_phone_country()
            for elder in self
        }

    @api.model
    def _phone_number(self, number, force_format):
        """``number`` formatted by phone_validation in the configured region,
        or False when it cannot be read."""
        _country_id, code, phone_code = self._phone_region()
        try:
            return phone_validation.phone_format(
                number,
                code,
                phone_code,
                force_format=force_format,
                raise_exception=True,
            )
        except UserError:
            return False

    @api.model
    def _sanitize_number(self, number):
        """E.164 form of ``number`` (the lookup key) or False."""
        if not number:
            return False
        return self._phone_number(number, "E164")

    @api.model
    def _format_phone_vals(self, vals):
        """Validate and format the phone fields of ``vals`` in place.

        Raises a ValidationError naming the number that cannot be read, so a
        bad number is refused before anything is written.
        """
        for fname in PHONE_FIELDS:
            number = vals.get(fname)
            if not number:
                continue
            formatted = self._phone_number(number, "INTERNATIONAL")
            if not formatted:
                raise ValidationError(
                    self.env._(
                        "The phone number %(number)s cannot be read. Type it with its area "
                        "code, e.g. 010-6512 3456 or 138 0013 8000.",
                        number=number,
                    )
                )
            vals[fname] = formatted
        return vals

    @api.model
    def _format_contact_commands(self, vals):
        """Check the family members' numbers before the elder is saved."""
        for command in vals.get("contact_ids") or []:
            if (
                isinstance(command, (list, tuple))
                and command[0] in (0, 1)
                and command[2]
            ):
                self._format_phone_vals(command[2])

    @api.model
    def _qr_png(self, payload):
        image = qrcode.make(payload, box_size=6, border=2)
        stream = io.BytesIO()
        image.save(stream, format="PNG")
        return base64.b64encode(stream.getvalue())

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.model
    def _normalize_id_vals(self, vals):
        """Normalise the ID number of ``vals`` (either field) or refuse it.

        A number typed in ``id_number_display`` also sets the birth date and
        sex here: a form sends those fields too, and the values it sends
        would otherwise win over the ones derived after the inverse.
        """
        for fname in ("id_number", "id_number_display"):
            value = vals.get(fname)
            if not value or (fname == "id_number_display" and "*" in value):
                continue
            try:
                number = idn.normalize(value)
            except idn.IdNumberError as error:
                raise ValidationError(
                    self._id_number_message(value, error.code)
                ) from None
            vals[fname] = number
            vals["birth_date"] = idn.birth_date(number)
            vals["gender"] = idn.gender(number)
        return vals

    @api.model
    def _id_number_message(self, number, code):
        messages = {
            "format": self.env._(
                "%(number)s is not a resident ID number: it must have 18 characters "
                "(17 digits and a digit or X) or 15 digits.",
                number=number,
            ),
            "date": self.env._(
                "%(number)s is not a valid resident ID number: the birth date in it "
                "does not exist.",
                number=number,
            ),
            "future": self.env._(
                "%(number)s is not a valid resident ID number: its birth date is in "
                "the future.",
                number=number,
            ),
            "checksum": self.env._(
                "%(number)s is not a valid resident ID number: the check digit does not "
                "match. Please check the number for a typing error.",
                number=number,
            ),
        }
        return messages[code]

    def _check_id_number_free(self, vals_list):
        """Refuse an ID number already used in the same company, before writing.

        The SQL constraint stays as the safety net for concurrent saves. A
        care manager is told which elder has the number; anyone else only
        that it is registered (see ``_id_number_refused``).
        """
        wanted = {}
        for vals in vals_list:
            number = vals.get("id_number") or vals.get("id_number_display")
            if number and "*" not in number:
                if len(self) > 1:
                    key = None  # one number written on several elders
                else:
                    company_id = vals.get("company_id") or (
                        self.company_id.id if self else self.env.company.id
                    )
                    key = (company_id, number)
                if key is None or key in wanted:
                    raise ValidationError(
                        self.env._(
                            "The ID number %(number)s is given to more than one elder.",
                            number=idn.mask(number),
                        )
                    )
                wanted[key] = vals
        if not wanted:
            return
        full = self._sees_full_id_numbers()
        if not full:
            self._check_id_refusal_throttle()
        others = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("id_number", "in", [number for _company, number in wanted]),
                    ("id", "not in", self.ids),
                ]
            )
        )
        for other in others:
            if (other.company_id.id, other.id_number) not in wanted:
                continue
            if full:
                raise ValidationError(
                    self.env._(
                        "The ID number %(number)s is already registered for %(name)s "
                        "(archive %(code)s).",
                        number=idn.mask(other.id_number),
                        name=other.name,
                        code=other.code,
                    )
                )
            self._id_number_refused(other)

    def _id_refusal_key(self):
        return (self.env.cr.dbname, self.env.uid)

    def _check_id_refusal_throttle(self):
        """Refuse any ID number from a user who typed too many registered ones
        lately, whatever the number (so the refusal tells nothing)."""
        now = time.monotonic()
        with _id_refusals_lock:
            times = _id_refusals[self._id_refusal_key()]
            while times and times[0] <= now - ID_REFUSAL_WINDOW:
                times.popleft()
            blocked = len(times) >= ID_REFUSAL_LIMIT
        if blocked:
            _logger.warning(
                "ID number entry blocked for user %s (%s): too many numbers already "
                "registered were typed within the hour",
                self.env.uid,
                self.env.user.login,
            )
            raise AccessError(
                self.env._(
                    "Too many ID numbers you typed were already registered. Entering "
                    "ID numbers is suspended for an hour: ask a care manager to "
                    "register this one."
                )
            )

    def _id_number_refused(self, other):
        """Refuse a number ``other`` already has, without saying who has it.

        That a number is registered is all the refusal tells: to learn it the
        typist must already know the whole number, and guessing the unknown
        digits of a masked one takes hundreds of tries, which the throttle
        stops after a few. Each refusal is logged for the managers.
        """
        with _id_refusals_lock:
            _id_refusals[self._id_refusal_key()].append(time.monotonic())
        _logger.warning(
            "ID number refused for user %s (%s): already registered for elder %s",
            self.env.uid,
            self.env.user.login,
            other.id,
        )
        raise ValidationError(
            self.env._(
                "This ID number is already registered in the archive. Search the "
                "elder by name or phone number, or ask a care manager."
            )
        )

    @api.onchange("id_number_display")
    def _onchange_id_number_display(self):
        """Fill birth date and sex as soon as a full number is typed."""
        typed = (self.id_number_display or "").strip()
        if not typed or "*" in typed:
            return None
        try:
            number = idn.normalize(typed)
        except idn.IdNumberError as error:
            return {
                "warning": {
                    "title": self.env._("Check the ID number"),
                    "message": self._id_number_message(typed, error.code),
                }
            }
        self.birth_date = idn.birth_date(number)
        self.gender = idn.gender(number)
        return None

    @api.constrains("birth_date")
    def _check_birth_date(self):
        today = fields.Date.context_today(self)
        for elder in self:
            if elder.birth_date and elder.birth_date > today:
                raise ValidationError(
                    self.env._(
                        "The birth date of %(name)s is in the future.", name=elder.name
                    )
                )

    # id_number_display too: a number typed there is checked once its inverse
    # has stored it, not against the number it replaces
    @api.constrains("birth_date", "gender", "id_number", "id_number_display")
    def _check_matches_id_number(self):
        """With an ID number, the birth date and sex are the number's."""
        for elder in self:
            number = elder.sudo().id_number
            if not number or len(number) != 18:
                continue
            if (elder.birth_date, elder.gender) != (
                idn.birth_date(number),
                idn.gender(number),
            ):
                raise ValidationError(
                    self.env._(
                        "The birth date and sex of %(name)s come from their ID "
                        "number and cannot be changed apart from it.",
                        name=elder.name,
                    )
                )

    def _check_code_vals(self, vals):
        """The archive number is the sequence's: printed on the card and in
        its QR code, no client may choose or change it."""
        if self.env.su or vals.get("code") in (None, False, "/"):
            return
        if self and vals["code"] in self.mapped("code"):
            return  # the same value saved back
        raise AccessError(
            self.env._("The archive number is given by the system and cannot be set.")
        )

    def _check_partner_vals(self, vals):
        """The contact record is the elder's identity (name, address, phones
        the lookup reads): it is not swapped for another one."""
        if self.env.su or "partner_id" not in vals:
            return
        if set(self.mapped("partner_id").ids) != {vals["partner_id"]}:
            raise AccessError(
                self.env._("The contact record of an elder cannot be replaced.")
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        today = fields.Date.context_today(self)
        for vals in vals_list:
            self._check_code_vals(vals)
            self._normalize_id_vals(vals)
            self._format_phone_vals(vals)
            self._format_contact_commands(vals)
            vals.setdefault("type", "contact")
            vals.setdefault("is_company", False)
            state_date = STATE_DATE_FIELDS.get(vals.get("state"))
            if state_date:
                vals.setdefault(state_date, today)
            if not vals.get("code") or vals["code"] == "/":
                vals["code"] = self.env["ir.sequence"].next_by_code("care.elder") or "/"
        self._check_id_number_free(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        vals = dict(vals)
        self._check_code_vals(vals)
        self._check_partner_vals(vals)
        self._check_id_number_change([vals])
        self._normalize_id_vals(vals)
        self._format_phone_vals(vals)
        self._format_contact_commands(vals)
        self._check_id_number_free([vals])
        state_date = STATE_DATE_FIELDS.get(vals.get("state"))
        if state_date and state_date not in vals:
            vals[state_date] = fields.Date.context_today(self)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_assessed(self):
        if self.sudo().assessment_ids.filtered(lambda a: a.state == "done"):
            raise UserError(
                self.env._(
                    "An elder with confirmed assessments cannot be deleted: set the status "
                    "to Left or Deceased instead."
                )
            )

    @api.depends("name", "code")
    def _compute_display_name(self):
        for elder in self:
            elder.display_name = (
                f"{elder.name} ({elder.code})" if elder.code else elder.name
            )

    # ------------------------------------------------------------------
    # Import of the register (Import button, care.import.mixin)
    # ------------------------------------------------------------------
    @api.model
    def get_import_templates(self):
        return [
            {
                "label": self.env._("Import Template for Elders"),
                "template": "/elder_crm/static/xls/care_elder_import.xlsx",
            }
        ]

    @api.model
    def load(self, fields, data):
        # the ID number column as displayed is the full number: importers
        # are care managers (see _care_import_check_access)
        fields = ["id_number" if f == "id_number_display" else f for f in fields]
        return super().load(fields, data)

    @api.model
    def _care_import_check_access(self, fields):
        """Importing the register is a care manager's job: rows are matched to
        the elders by their full ID number, which only managers may search."""
        if not self._sees_full_id_numbers():
            raise AccessError(
                self.env._(
                    "Only a care manager can import elders: the rows are matched to "
                    "the archive by their full ID numbers."
                )
            )

    @api.model
    def _care_import_normalize_key(self, value):
        try:
            return idn.normalize(value) if isinstance(value, str) else None
        except idn.IdNumberError:
            return None

    @api.model
    def _care_import_prepare(self, values):
        self._normalize_id_vals(values)
        return self._format_phone_vals(values)

    @api.model
    def _care_import_line_key(self, fname, vals):
        name = (vals.get("name") or "").strip()
        return name or None

    def _care_import_existing_line_key(self, fname, line):
        return (line.partner_id.name or "").strip() or None

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _set_state(self, state):
        self.write({"state": state})
        return True

    def action_activate(self):
        return self._set_state("active")

    def action_suspend(self):
        return self._set_state("suspended")

    def action_mark_deceased(self):
        return self._set_state("deceased")

    def action_mark_left(self):
        return self._set_state("left")

    def action_view_assessments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "elder_crm.care_assessment_action"
        )
        action["domain"] = [("elder_id", "=", self.id)]
        action["context"] = {"default_elder_id": self.id}
        return action

    def action_new_assessment(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "care.assessment",
            "view_mode": "form",
            "context": {
                "default_elder_id": self.id,
                "default_assessment_type": self.env.context.get(
                    "assessment_type", "gbt42195"
                ),
            },
        }

    # ------------------------------------------------------------------
    # Caller lookup (public API, XML-RPC)
    # ------------------------------------------------------------------
    _CARD_FIELDS = (
        "partner_id",
        "code",
        "age",
        "gender",
        "state",
        "service_tier",
        "gbt_level",
        "living_situation",
        "community_id",
        "subsidy_category_ids",
    )
    _CARD_PARTNER_FIELDS = (
        "name",
        "phone",
        "mobile",
        "street",
        "street2",
        "city",
        "partner_latitude",
        "partner_longitude",
    )

    @api.model
    @api.readonly
    def lookup_phone(self, number, limit=10):
        """Return the cards of the elders a caller's number belongs to.

        ``number`` may be typed in any common Chinese form (+86 / 0086
        prefixes, spaces, dashes, brackets, landlines with area code). It
        matches the elders' own numbers and their family members' numbers;
        each card says how it matched (``match``). Uses the indexed E.164
        columns and narrow fetches only (a handful of small queries), so it
        stays fast on large archives.

        :param str number: the caller's number as typed or passed by the CTI
        :param int limit: maximum number of cards
        :return: list of card dicts (see ``_lookup_cards``)
        """
        sanitized = self._sanitize_number(number) if isinstance(number, str) else False
        if not sanitized:
            return []
        limit = max(1, min(int(limit or 10), 50))
        domain = [
            "|",
            ("mobile_sanitized", "=", sanitized),
            ("landline_sanitized", "=", sanitized),
        ]
        matches = {}
        for elder_id in self._search(domain, limit=limit):
            matches[elder_id] = {"via": "elder"}
        contacts = self.env["care.elder.contact"].search_fetch(
            domain, ["elder_id", "partner_id", "relationship"], limit=limit
        )
        for contact in contacts:
            matches.setdefault(
                contact.elder_id.id,
                {
                    "via": "family",
                    "contact_id": contact.partner_id.id,
                    "relationship": contact.relationship,
                },
            )
        return self.browse(list(matches)[:limit])._lookup_cards(matches)

    def _lookup_cards(self, matches=None):
        """Plain dicts describing the elders, for a screen pop or a script.

        Everything is fetched in batch: elders, their partners, emergency
        contacts and categories each cost one narrow query.
        """
        matches = matches or {}
        Contact = self.env["care.elder.contact"]
        medical_allowed = self.env.user.has_groups(MEDICAL_GROUPS)
        if medical_allowed:  # one query for the card and the medical flags
            self.sudo().fetch(
                (*self._CARD_FIELDS, "has_dementia", "ad8_positive", "allergies")
            )
        else:
            self.fetch(self._CARD_FIELDS)
        emergency = Contact.search_fetch(
            [("elder_id", "in", self.ids), ("is_emergency", "=", True)],
            ["elder_id", "partner_id", "relationship", "sequence", "is_decision_maker"],
            order="sequence, id",
        )
        matched_partners = self.env["res.partner"].browse(
            [m["contact_id"] for m in matches.values() if m.get("contact_id")]
        )
        partners = self.partner_id | emergency.partner_id | matched_partners
        partners.fetch(self._CARD_PARTNER_FIELDS)
        # medical flags (dementia, AD8 screen) only for the medical groups
        medical = {}
        if medical_allowed:
            medical = {
                e.id: (e.has_dementia, bool(e.allergies), e.ad8_positive)
                for e in self.sudo()
            }

        def labels(model, fname):
            return dict(self.env[model]._fields[fname]._description_selection(self.env))

        levels = labels("care.elder", "gbt_level")
        tiers = labels("care.elder", "service_tier")
        states = labels("care.elder", "state")
        relationships = labels("care.elder.contact", "relationship")
        contacts_of = {}
        for contact in emergency:
            contacts_of.setdefault(contact.elder_id.id, []).append(
                {
                    "name": contact.partner_id.name,
                    "relationship": contact.relationship,
                    "relationship_label": relationships.get(contact.relationship),
                    "mobile": contact.partner_id.mobile or False,
                    "phone": contact.partner_id.phone or False,
                    "decision_maker": contact.is_decision_maker,
                }
            )
        cards = []
        for elder in self:
            partner = elder.partner_id
            flags = elder.subsidy_category_ids.mapped("name")
            if elder.living_situation == "alone":
                flags.append(self.env._("Lives alone"))
            if elder.state in ("suspended", "deceased", "left"):
                flags.append(states[elder.state])
            dementia, allergies, ad8_positive = medical.get(
                elder.id, (False, False, False)
            )
            if dementia:
                flags.append(self.env._("Dementia"))
            if allergies:
                flags.append(self.env._("Allergies"))
            if ad8_positive:
                flags.append(self.env._("AD8 positive"))
            match = dict(matches.get(elder.id) or {"via": "elder"})
            if match.get("contact_id"):
                match["contact_name"] = (
                    self.env["res.partner"].browse(match["contact_id"]).name
                )
                match["relationship_label"] = relationships.get(match["relationship"])
            address = " ".join(
                filter(None, [partner.city, partner.street, partner.street2])
            )
            cards.append(
                {
                    "id": elder.id,
                    "code": elder.code,
                    "name": partner.name,
                    "age": elder.age,
                    "gender": elder.gender or False,
                    "state": elder.state,
                    "service_tier": elder.service_tier,
                    "service_tier_label": tiers.get(elder.service_tier),
                    "level": elder.gbt_level or False,
                    "level_label": levels.get(elder.gbt_level, False),
                    "phone": partner.phone or False,
                    "mobile": partner.mobile or False,
                    "address": address,
                    "community": elder.community_id.complete_name or False,
                    "latitude": partner.partner_latitude,
                    "longitude": partner.partner_longitude,
                    "emergency_contacts": contacts_of.get(elder.id, []),
                    "flags": flags,
                    "match": match,
                }
            )
        return cards

    def _card_allergies(self):
        """Allergies for the printed card, when the user may read them."""
        self.ensure_one()
        if not self.env.user.has_groups(SAFETY_GROUPS):
            return False
        return self.sudo().allergies

    # ------------------------------------------------------------------
    # Crons
    # ------------------------------------------------------------------
    @api.model
    def _cron_refresh_ages(self, batch_size=1000):
        """Recompute the stored age of every elder whose age is stale.

        An age is stale from the elder's next birthday after the day it was
        computed for (``age_changes_on``): a run missed, or a server down for
        days, is caught up by the next run, not a year later. Elders born on
        29 February age on 1 March in other years. Works in batches of
        ``batch_size``; when run by the scheduler, the progress is reported and
        the scheduler calls again for the rest.

        :return: the number of elders refreshed
        """
        today = fields.Date.context_today(self)
        stale = [("age_changes_on", "<=", today)]
        Cron = self.env["ir.cron"]
        done = 0
        while True:
            elders = self.with_context(active_test=False).search(
                stale, limit=batch_size, order="id"
            )
            if not elders:
                break
            for fname in ("age", "age_band", "age_changes_on"):
                self.env.add_to_compute(self._fields[fname], elders)
            elders.flush_recordset(["age", "age_band", "age_changes_on"])
            done += len(elders)
            if self.env.context.get("ir_cron_progress_id"):
                remaining = self.with_context(active_test=False).search_count(stale)
                Cron._notify_progress(done=done, remaining=remaining)
                break  # the scheduler calls again while something remains
        return done

    # ------------------------------------------------------------------
    # The elder column of an import (devices, entitlements)
    # ------------------------------------------------------------------
    @api.model
    def name_search(self, name="", domain=None, operator="ilike", limit=100):
        # an import's elder column holds an archive number or, for those who
        # see full ID numbers, an ID number; never a name (namesakes)
        if self.env.context.get("care_import_elder_ref") and operator == "=":
            elders = self._care_import_elders_by_ref(name, domain)
            return [(elder.id, elder.display_name) for elder in elders[:limit]]
        return super().name_search(name, domain, operator, limit)

    @api.model
    def _care_import_elders_by_ref(self, ref, domain=None):
        """The elders an import cell designates: by archive number, or by full
        ID number when the user may search those (care managers)."""
        ref = (ref or "").strip() if isinstance(ref, str) else ""
        if not ref:
            return self.browse()
        match = [("code", "=", ref)]
        number = self._care_import_id_number(ref)
        if number and self._sees_full_id_numbers():
            match = expression.OR([match, [("id_number", "=", number)]])
        return self.search(expression.AND([match, domain or []]), limit=2)

    @api.model
    def _care_import_id_number(self, ref):
        """``ref`` as an 18-character ID number, or None."""
        try:
            return idn.normalize(ref)
        except idn.IdNumberError:
            return None

    @api.model
    def _care_import_ref_errors(self, fields, data, fname="elder_id"):
        """Row errors for the elders given by ID number by a user who may not
        search ID numbers (matching them would confirm guesses of them)."""
        if fname not in fields or self._sees_full_id_numbers():
            return []
        column = fields.index(fname)
        return [
            {
                "type": "error",
                "rows": {"from": index, "to": index},
                "field": fname,
                "message": self.env._(
                    "The elder %(ref)s is given by ID number: only care managers "
                    "may match elders by ID number. Use the elder's archive number.",
                    ref=idn.mask(self._care_import_id_number(row[column])),
                ),
            }
            for index, row in enumerate(data)
            if isinstance(row[column], str)
            and self._care_import_id_number(row[column].strip())
        ]
