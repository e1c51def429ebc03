from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .care_health_followup import CLASSIFICATIONS
from .care_health_protocol import DISEASES

SOURCES = [
    ("hospital", "Hospital Diagnosis"),
    ("community", "Community Health Centre"),
    ("screening", "Screening"),
    ("self_report", "Self-reported with Records"),
]


class CareHealthRegistry(models.Model):
    """A registered patient (hypertension or type-2 diabetes) and the plan of
    follow-ups: routine ones at the protocol's interval (at least four a year)
    and the yearly health check, generated a year ahead."""

    _name = "care.health.registry"
    _description = "Chronic Disease Registry Entry"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "care.health.record.mixin",
        "care.guard.mixin",
    ]
    _order = "date_registered desc, id desc"
    _care_protected_fields = ("state",)

    name = fields.Char(compute="_compute_name", store=True)
    disease = fields.Selection(DISEASES, required=True, tracking=True)
    diagnosis_date = fields.Date(required=True, tracking=True)
    source = fields.Selection(
        SOURCES, string="Diagnosis Source", required=True, tracking=True
    )
    source_note = fields.Char(
        string="Diagnosed by", help="Hospital, doctor or screening day."
    )
    date_registered = fields.Date(
        string="Registered On", required=True, default=fields.Date.context_today
    )
    state = fields.Selection(
        [("active", "Active"), ("closed", "Closed")],
        default="active",
        required=True,
        tracking=True,
    )
    protocol_id = fields.Many2one(
        "care.health.protocol",
        compute="_compute_protocol_id",
        store=True,
    )
    plan_notes = fields.Text(
        string="Plan and Advice",
        help="The care plan; advice returned by hospitals is added here.",
    )
    followup_ids = fields.One2many(
        "care.health.followup", "registry_id", string="Follow-ups"
    )
    next_followup_date = fields.Date(compute="_compute_next_followup")
    last_classification = fields.Selection(
        CLASSIFICATIONS, compute="_compute_next_followup"
    )
    last_followup_id = fields.Many2one(
        "care.health.followup",
        compute="_compute_next_followup",
        string="Last Follow-up",
    )

    _sql_constraints = [
        (
            "elder_disease_uniq",
            "unique(elder_id, disease)",
            "The elder is already registered for this disease.",
        ),
    ]

    @api.depends("elder_id.name", "disease")
    def _compute_name(self):
        labels = dict(self._fields["disease"]._description_selection(self.env))
        for registry in self:
            registry.name = (
                f"{registry.elder_id.name or ''} - {labels.get(registry.disease, '')}"
            )

    @api.depends("disease", "company_id")
    def _compute_protocol_id(self):
        Protocol = self.env["care.health.protocol"]
        for registry in self:
            registry.protocol_id = (
                Protocol._for_disease(registry.disease, registry.company_id or None)
                if registry.disease
                else False
            )

    def _compute_next_followup(self):
        """Next planned and last done follow-up of each entry: two queries
        for the whole batch."""
        Followup = self.env["care.health.followup"]
        ids = [rid for rid in self.ids if rid]
        planned = dict(
            Followup._read_group(
                [("registry_id", "in", ids), ("state", "=", "planned")],
                ["registry_id"],
                ["date_planned:min"],
            )
        )
        last = {}
        for followup in Followup.search(
            [("registry_id", "in", ids), ("state", "=", "done")],
            order="date_done desc, id desc",
        ):
            last.setdefault(followup.registry_id.id, followup)
        for registry in self:
            registry.next_followup_date = planned.get(registry, False)
            followup = last.get(registry.id, Followup)
            registry.last_followup_id = followup
            registry.last_classification = followup.classification

    @api.constrains("diagnosis_date", "date_registered")
    def _check_dates(self):
        today = fields.Date.context_today(self)
        for registry in self:
            if registry.diagnosis_date > today:
                raise ValidationError(
                    self.env._("The diagnosis date cannot be in the future.")
                )
            if registry.date_registered < registry.diagnosis_date:
                raise ValidationError(
                    self.env._("A patient cannot be registered before the diagnosis.")
                )

    @api.constrains("elder_id", "state")
    def _check_contract(self):
        for registry in self.filtered(lambda r: r.state == "active"):
            if not registry.sudo().team_id:
                raise ValidationError(
                    self.env._(
                        "%(elder)s has no active family-doctor contract: sign one before "
                        "registering a chronic disease.",
                        elder=registry.elder_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        registries = super().create(vals_list)
        registries._ensure_schedule()
        return registries

    def _ensure_schedule(self, today=None):
        """Plan a year ahead: routine follow-ups every protocol interval after
        the last planned one, and the yearly health check on each anniversary
        of the registration. Idempotent."""
        today = today or fields.Date.context_today(self)
        horizon = today + relativedelta(years=1)
        Followup = self.env["care.health.followup"].sudo()
        vals_list = []
        for registry in self.sudo().filtered(lambda r: r.state == "active"):
            interval = registry.protocol_id.interval_controlled or 90
            routine = registry.followup_ids.filtered(lambda f: f.kind == "routine")
            last = max(routine.mapped("date_planned") or [registry.date_registered])
            last = max(last, today - relativedelta(days=interval))
            nxt = last + relativedelta(days=interval)
            while nxt <= horizon:
                vals_list.append(
                    {
                        "registry_id": registry.id,
                        "kind": "routine",
                        "date_planned": nxt,
                        "user_id": False,
                    }
                )
                nxt += relativedelta(days=interval)
            yearly = set(
                registry.followup_ids.filtered(lambda f: f.kind == "annual").mapped(
                    "date_planned"
                )
            )
            year = 1
            check = registry.date_registered + relativedelta(years=year)
            while check <= horizon:
                if check >= today and check not in yearly:
                    vals_list.append(
                        {
                            "registry_id": registry.id,
                            "kind": "annual",
                            "date_planned": check,
                            "user_id": False,
                        }
                    )
                year += 1
                check = registry.date_registered + relativedelta(years=year)
        return Followup.create(vals_list)

    @api.model
    def _cron_plan_followups(self):
        self.sudo().search([("state", "=", "active")])._ensure_schedule()

    def action_close(self):
        self._check_health_user()
        self.sudo().write({"state": "closed"})
        self.sudo().followup_ids.filtered(lambda f: f.state == "planned").write(
            {"state": "cancelled"}
        )
        return True

    def _add_advice(self, advice, source):
        """Returned advice goes back into the plan (notes and chatter)."""
        for registry in self.sudo():
            stamp = fields.Date.context_today(self)
            entry = f"[{stamp}] {source}: {advice}"
            registry.plan_notes = (
                f"{registry.plan_notes}\n{entry}" if registry.plan_notes else entry
            )
            registry.message_post(body=entry)
