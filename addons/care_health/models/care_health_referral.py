from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

REFERRAL_STATES = [
    ("draft", "Draft"),
    ("sent", "Sent"),
    ("accepted", "Accepted"),
    ("seen", "Seen"),
    ("returned", "Returned with Advice"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
# the state each action moves from
FLOW = {
    "sent": ("draft",),
    "accepted": ("sent",),
    "seen": ("sent", "accepted"),
    "returned": ("seen",),
    "closed": ("returned",),
    "cancelled": ("draft", "sent"),
}
FOLLOWUP_DAYS = 14


class CareHealthHospital(models.Model):
    _name = "care.health.hospital"
    _description = "Partner Hospital"
    _order = "name"

    name = fields.Char(required=True)
    level = fields.Selection(
        [
            ("secondary", "Secondary"),
            ("tertiary", "Tertiary"),
            ("specialist", "Specialist"),
        ]
    )
    phone = fields.Char()
    address = fields.Char()
    green_channel = fields.Boolean(help="Fast-track admission for premium contracts.")
    department_ids = fields.One2many(
        "care.health.department", "hospital_id", string="Departments"
    )
    active = fields.Boolean(default=True)


class CareHealthDepartment(models.Model):
    _name = "care.health.department"
    _description = "Hospital Department"
    _order = "hospital_id, name"

    name = fields.Char(required=True)
    hospital_id = fields.Many2one(
        "care.health.hospital", required=True, ondelete="cascade"
    )
    contact = fields.Char()

    @api.depends("name", "hospital_id.name")
    def _compute_display_name(self):
        for department in self:
            department.display_name = (
                f"{department.hospital_id.name} / {department.name}"
            )


class CareHealthReferral(models.Model):
    """A two-way referral (双向转诊): sent, accepted, seen, returned with advice
    that goes back into the plan, closed; followed up within 2 weeks."""

    _name = "care.health.referral"
    _description = "Referral"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "care.health.record.mixin",
        "care.guard.mixin",
    ]
    _order = "id desc"
    _care_protected_fields = ("state", "date_sent", "date_returned")

    name = fields.Char(
        required=True, copy=False, readonly=True, default=lambda self: self.env._("New")
    )
    registry_id = fields.Many2one(
        "care.health.registry", string="Registry Entry", index=True
    )
    followup_id = fields.Many2one(
        "care.health.followup", string="From Follow-up", readonly=True
    )
    hospital_id = fields.Many2one("care.health.hospital", tracking=True)
    department_id = fields.Many2one(
        "care.health.department",
        tracking=True,
        domain="[('hospital_id', '=', hospital_id)]",
    )
    urgency = fields.Selection(
        [("urgent", "Urgent"), ("planned", "Planned")],
        required=True,
        default="planned",
        tracking=True,
    )
    reason = fields.Text(required=True)
    summary = fields.Text(
        string="Summary Sent", help="History, treatment and readings sent along."
    )
    user_id = fields.Many2one(
        "res.users", string="Referring Doctor", default=lambda self: self.env.user
    )
    state = fields.Selection(
        REFERRAL_STATES, default="draft", required=True, tracking=True, index=True
    )
    date_sent = fields.Date(readonly=True)
    date_returned = fields.Date(readonly=True)
    advice = fields.Text(string="Returned Advice", tracking=True)
    reading_ids = fields.Many2many(
        "care.health.reading", compute="_compute_reading_ids", string="Latest Readings"
    )

    @api.depends("elder_id")
    def _compute_reading_ids(self):
        for referral in self:
            referral.reading_ids = (
                self.env["care.health.reading"].search(
                    [("elder_id", "=", referral.elder_id.id)], limit=5
                )
                if referral.elder_id
                else False
            )

    @api.constrains("hospital_id", "department_id")
    def _check_department(self):
        for referral in self:
            if (
                referral.department_id
                and referral.department_id.hospital_id != referral.hospital_id
            ):
                raise ValidationError(
                    self.env._(
                        "%(hospital)s has no department %(department)s.",
                        hospital=referral.hospital_id.name or "-",
                        department=referral.department_id.name,
                    )
                )

    @api.constrains("registry_id", "elder_id")
    def _check_registry(self):
        for referral in self:
            if (
                referral.registry_id
                and referral.registry_id.elder_id != referral.elder_id
            ):
                raise ValidationError(
                    self.env._("The registry entry belongs to another elder.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == self.env._("New"):
                vals["name"] = (
                    self.env["ir.sequence"].sudo().next_by_code("care.health.referral")
                )
        return super().create(vals_list)

    def _move(self, state, extra=None):
        self._check_move(state)
        self.sudo().write({"state": state, **(extra or {})})

    def _check_move(self, state):
        self._check_health_user()
        for referral in self:
            if referral.state not in FLOW[state]:
                labels = dict(self._fields["state"]._description_selection(self.env))
                raise UserError(
                    self.env._(
                        "Referral %(name)s is %(state)s: it cannot become %(new)s.",
                        name=referral.name,
                        state=labels[referral.state],
                        new=labels[state],
                    )
                )

    def action_send(self):
        self._check_move("sent")
        for referral in self:
            if not (referral.hospital_id and referral.department_id):
                raise UserError(
                    self.env._("Choose the hospital and the department before sending.")
                )
        today = fields.Date.context_today(self)
        self._move("sent", {"date_sent": today})
        for referral in self.sudo():
            referral.activity_feedback(["care_health.mail_activity_type_referral_send"])
            referral.activity_schedule(
                "care_health.mail_activity_type_referral_followup",
                date_deadline=today + relativedelta(days=FOLLOWUP_DAYS),
                user_id=(
                    referral.user_id or referral.team_id.leader_id or self.env.user
                ).id,
            )
        return True

    def action_accept(self):
        self._move("accepted")
        return True

    def action_seen(self):
        self._move("seen")
        return True

    def action_return(self):
        self._check_move("returned")
        for referral in self:
            if not referral.advice:
                raise UserError(self.env._("Enter the advice the hospital returned."))
        today = fields.Date.context_today(self)
        self._move("returned", {"date_returned": today})
        Followup = self.env["care.health.followup"].sudo()
        for referral in self.sudo():
            source = referral.hospital_id.name or referral.name
            if referral.registry_id:
                referral.registry_id._add_advice(referral.advice, source)
                due = today + relativedelta(days=FOLLOWUP_DAYS)
                if not Followup.search_count(
                    [
                        ("registry_id", "=", referral.registry_id.id),
                        ("state", "=", "planned"),
                        ("date_planned", "<=", due),
                    ]
                ):
                    Followup.create(
                        {
                            "registry_id": referral.registry_id.id,
                            "kind": "extra",
                            "date_planned": due,
                        }
                    )
        return True

    def action_close(self):
        self._move("closed")
        self.sudo().activity_feedback(
            ["care_health.mail_activity_type_referral_followup"]
        )
        return True

    def action_cancel(self):
        self._move("cancelled")
        self.sudo().activity_unlink(
            [
                "care_health.mail_activity_type_referral_send",
                "care_health.mail_activity_type_referral_followup",
            ]
        )
        return True
