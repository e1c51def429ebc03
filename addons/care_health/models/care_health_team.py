from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .care_health_common import GROUP_MEMBER, check_health_user

TIERS = [
    ("basic", "Basic"),
    ("advanced", "Advanced"),
    ("premium", "Premium (1+1+1)"),
]


class CareHealthTeam(models.Model):
    _name = "care.health.team"
    _description = "Family-Doctor Team"
    _inherit = ["mail.thread"]
    _order = "name"

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    leader_id = fields.Many2one(
        "res.users",
        string="Team Leader",
        required=True,
        tracking=True,
        help="Receives the escalations of late interventions.",
    )
    member_ids = fields.Many2many(
        "res.users",
        "care_health_team_user_rel",
        "team_id",
        "user_id",
        string="Members",
        help="Family doctors, health managers and nutritionists of the team; "
        "the leader is always a member.",
    )
    contract_ids = fields.One2many(
        "care.health.contract", "team_id", string="Contracts"
    )
    contract_count = fields.Integer(compute="_compute_counts")
    intervention_ontime_rate = fields.Float(
        string="Interventions within Deadline (%)",
        compute="_compute_intervention_ontime_rate",
        digits=(5, 1),
        help="Share of the interventions of the last 90 days whose deadline has "
        "passed or that are closed, handled within their deadline.",
    )

    patient_count = fields.Integer(
        string="Registered Patients", compute="_compute_indicators"
    )
    completion_rate = fields.Float(
        string="Follow-up Completion (%)",
        compute="_compute_indicators",
        digits=(5, 1),
        help="Share of the registered patients with at least four follow-ups done "
        "in the last 12 months (the national indicator).",
    )
    control_rate = fields.Float(
        string="Control Rate (%)",
        compute="_compute_indicators",
        digits=(5, 1),
        help="Share of the patients followed up in the last 12 months who were "
        "controlled at their last follow-up.",
    )

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "A team with this name already exists.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        teams = super().create(vals_list)
        teams._add_leader_to_members()
        return teams

    def write(self, vals):
        res = super().write(vals)
        if "leader_id" in vals or "member_ids" in vals:
            self._add_leader_to_members()
        return res

    def _add_leader_to_members(self):
        for team in self:
            if team.leader_id not in team.member_ids:
                team.member_ids = [(4, team.leader_id.id)]

    @api.constrains("member_ids", "leader_id")
    def _check_members_health_group(self):
        for team in self:
            outsiders = (team.member_ids | team.leader_id).filtered(
                lambda u: not u.has_group(GROUP_MEMBER)
            )
            if outsiders:
                raise ValidationError(
                    self.env._(
                        "%(users)s must be in the Health Team Member group to join "
                        "the team %(team)s.",
                        users=", ".join(outsiders.mapped("name")),
                        team=team.name,
                    )
                )

    def _compute_counts(self):
        data = dict(
            self.env["care.health.contract"]._read_group(
                [("team_id", "in", self.ids), ("state", "=", "active")],
                ["team_id"],
                ["__count"],
            )
        )
        for team in self:
            team.contract_count = data.get(team, 0)

    def _compute_indicators(self):
        today = fields.Date.context_today(self)
        data = self._indicators(today - relativedelta(years=1), today)
        for team in self:
            row = data.get(team.id, {})
            team.patient_count = row.get("patients", 0)
            team.completion_rate = row.get("completion_rate", 0.0)
            team.control_rate = row.get("control_rate", 0.0)

    def _indicators(self, date_from, date_to, disease=None):
        """National indicators per team over [date_from, date_to], in one
        query: registered patients, the share with at least four follow-ups
        done (completion), the share controlled at the last follow-up among
        those followed up (control)."""
        if not self.ids:
            return {}
        query = SQL(
            """
            WITH reg AS (
                SELECT r.id, r.team_id
                  FROM care_health_registry r
                 WHERE r.team_id IN %(teams)s
                   AND r.state = 'active'
                   AND r.date_registered <= %(date_to)s
                   AND (%(disease)s IS NULL OR r.disease = %(disease)s)
            ), done AS (
                SELECT f.registry_id, count(*) AS n,
                       (array_agg(f.classification ORDER BY f.date_done DESC, f.id DESC))[1] AS last
                  FROM care_health_followup f
                  JOIN reg ON reg.id = f.registry_id
                 WHERE f.state = 'done' AND f.date_done BETWEEN %(date_from)s AND %(date_to)s
                 GROUP BY f.registry_id
            )
            SELECT reg.team_id,
                   count(*) AS patients,
                   count(*) FILTER (WHERE done.n >= 4) AS complete,
                   count(done.registry_id) AS followed,
                   count(*) FILTER (WHERE done.last = 'controlled') AS controlled
              FROM reg LEFT JOIN done ON done.registry_id = reg.id
             GROUP BY reg.team_id
            """,
            teams=tuple(self.ids),
            date_from=date_from,
            date_to=date_to,
            disease=disease,
        )
        self.env["care.health.registry"].flush_model()
        self.env["care.health.followup"].flush_model()
        self.env.cr.execute(query)
        result = {}
        for team_id, patients, complete, followed, controlled in self.env.cr.fetchall():
            result[team_id] = {
                "patients": patients,
                "complete": complete,
                "followed": followed,
                "controlled": controlled,
                "completion_rate": 100.0 * complete / patients if patients else 0.0,
                "control_rate": 100.0 * controlled / followed if followed else 0.0,
            }
        return result

    def _compute_intervention_ontime_rate(self):
        since = fields.Datetime.subtract(fields.Datetime.now(), days=90)
        now = fields.Datetime.now()
        Intervention = self.env["care.health.intervention"]
        domain = [
            ("team_id", "in", self.ids),
            ("create_date", ">=", since),
            "|",
            ("state", "=", "done"),
            ("deadline", "<", now),
        ]
        totals = dict(Intervention._read_group(domain, ["team_id"], ["__count"]))
        ontime = dict(
            Intervention._read_group(
                [*domain, ("on_time", "=", True)], ["team_id"], ["__count"]
            )
        )
        for team in self:
            total = totals.get(team, 0)
            team.intervention_ontime_rate = (
                100.0 * ontime.get(team, 0) / total if total else 0.0
            )

    def action_view_contracts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "care_health.action_care_health_contract"
        )
        action["domain"] = [("team_id", "=", self.id)]
        action["context"] = {"default_team_id": self.id}
        return action


class CareHealthContract(models.Model):
    _name = "care.health.contract"
    _description = "Family-Doctor Contract"
    _inherit = ["mail.thread", "care.guard.mixin"]
    _order = "date_start desc, id desc"
    _care_protected_fields = ("state",)

    name = fields.Char(compute="_compute_name", store=True)
    elder_id = fields.Many2one(
        "care.elder",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
    )
    company_id = fields.Many2one(related="elder_id.company_id", store=True, index=True)
    team_id = fields.Many2one(
        "care.health.team", required=True, index=True, tracking=True
    )
    tier = fields.Selection(
        TIERS, string="Service Tier", required=True, default="basic", tracking=True
    )
    date_start = fields.Date(
        string="Signed On",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
    )
    date_end = fields.Date(string="Ends On", tracking=True)
    doctor_id = fields.Many2one("res.users", string="Family Doctor", tracking=True)
    health_manager_id = fields.Many2one("res.users", tracking=True)
    nutritionist_id = fields.Many2one("res.users", tracking=True)
    state = fields.Selection(
        [("active", "Active"), ("closed", "Closed")],
        default="active",
        required=True,
        tracking=True,
        index=True,
    )

    @api.depends("elder_id.name", "team_id.name")
    def _compute_name(self):
        for contract in self:
            contract.name = (
                f"{contract.elder_id.name or ''} / {contract.team_id.name or ''}"
            )

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for contract in self:
            if contract.date_end and contract.date_end < contract.date_start:
                raise ValidationError(
                    self.env._(
                        "A contract cannot end (%(end)s) before it starts (%(start)s).",
                        end=contract.date_end,
                        start=contract.date_start,
                    )
                )

    @api.constrains("elder_id", "state")
    def _check_one_active(self):
        for contract in self.filtered(lambda c: c.state == "active"):
            count = self.sudo().search_count(
                [("elder_id", "=", contract.elder_id.id), ("state", "=", "active")]
            )
            if count > 1:
                raise ValidationError(
                    self.env._(
                        "%(elder)s already has an active family-doctor contract: close "
                        "it before signing a new one.",
                        elder=contract.elder_id.name,
                    )
                )

    @api.constrains(
        "tier", "doctor_id", "health_manager_id", "nutritionist_id", "team_id"
    )
    def _check_tier_members(self):
        for contract in self:
            people = (
                contract.doctor_id
                | contract.health_manager_id
                | contract.nutritionist_id
            )
            strangers = people - contract.team_id.member_ids
            if strangers:
                raise ValidationError(
                    self.env._(
                        "%(users)s are not members of the team %(team)s.",
                        users=", ".join(strangers.mapped("name")),
                        team=contract.team_id.name,
                    )
                )
            if contract.tier == "premium" and not (
                contract.doctor_id
                and contract.health_manager_id
                and contract.nutritionist_id
            ):
                raise ValidationError(
                    self.env._(
                        "A premium (1+1+1) contract names a family doctor, a health "
                        "manager and a nutritionist."
                    )
                )

    def action_close(self):
        check_health_user(self.env, leader=True)
        self.check_access("write")
        self.sudo().write(
            {"state": "closed", "date_end": fields.Date.context_today(self)}
        )
        return True

    def action_reopen(self):
        check_health_user(self.env, leader=True)
        self.check_access("write")
        self.sudo().write({"state": "active", "date_end": False})
        return True

    @api.model
    def _cron_close_expired(self):
        today = fields.Date.context_today(self)
        self.sudo().search([("state", "=", "active"), ("date_end", "<", today)]).write(
            {"state": "closed"}
        )
