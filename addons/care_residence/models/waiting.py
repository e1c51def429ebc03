from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.elder_crm.models.care_elder import GBT_LEVELS

from .residence import RECEPTION, ROOM_TYPES, check_group

WAITING_STATES = [
    ("waiting", "Waiting"),
    ("reserved", "Bed Reserved"),
    ("admitted", "Admitted"),
    ("cancelled", "Cancelled"),
]


class CareResidencePriorityRule(models.Model):
    """The waiting list's rule as data: an elder's policy category gives
    points; the list is ordered by points, then by the date of the request."""

    _name = "care.residence.priority.rule"
    _description = "Waiting List Priority Rule"
    _order = "points desc"

    subsidy_category_id = fields.Many2one(
        "care.subsidy.category", "Policy Category", required=True, ondelete="cascade"
    )
    points = fields.Integer(required=True, default=10)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda s: s.env.company
    )

    _sql_constraints = [
        (
            "category_company_uniq",
            "UNIQUE (subsidy_category_id, company_id)",
            "A policy category has one priority per company.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        self.env["care.residence.waiting"]._recompute_priorities()
        return rules

    def write(self, vals):
        result = super().write(vals)
        self.env["care.residence.waiting"]._recompute_priorities()
        return result


class CareResidenceWaiting(models.Model):
    _name = "care.residence.waiting"
    _description = "Waiting List Entry"
    _inherit = ["mail.thread", "care.guard.mixin"]
    _order = "priority desc, date_request, id"
    _check_company_auto = True
    _care_protected_fields = ("state", "stay_id")

    elder_id = fields.Many2one(
        "care.elder", required=True, index=True, check_company=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda s: s.env.company
    )
    lead_id = fields.Many2one("crm.lead", "Reception Lead", index=True)
    gender = fields.Selection(related="elder_id.gender", string="Sex")
    date_request = fields.Date(
        "Requested On", required=True, default=fields.Date.context_today
    )
    expected_date = fields.Date("Expected Move-in")
    room_type = fields.Selection(ROOM_TYPES, "Room Type Wanted")
    gbt_level = fields.Selection(GBT_LEVELS, "Care Level Wanted")
    dementia_unit = fields.Boolean("Needs the Dementia Unit")
    note = fields.Text()
    priority = fields.Integer(
        compute="_compute_priority",
        store=True,
        help="Points of the elder's policy categories (see the priority rules).",
    )
    state = fields.Selection(
        WAITING_STATES, default="waiting", required=True, index=True, tracking=True
    )
    stay_id = fields.Many2one("care.residence.stay", readonly=True)
    waiting_days = fields.Integer(compute="_compute_waiting_days")

    _sql_constraints = [
        (
            "elder_open_uniq",
            "EXCLUDE (elder_id WITH =) WHERE (state IN ('waiting', 'reserved'))",
            "This elder is already on the waiting list.",
        ),
    ]

    @api.depends("elder_id.subsidy_category_ids", "company_id")
    def _compute_priority(self):
        # the policy's rules: a handful of rows, all of which apply
        rules = self.env["care.residence.priority.rule"].sudo().search([])  # pylint: disable=no-search-all
        for entry in self:
            categories = entry.elder_id.sudo().subsidy_category_ids
            entry.priority = sum(
                rule.points
                for rule in rules
                if rule.company_id == entry.company_id
                and rule.subsidy_category_id in categories
            )

    def _recompute_priorities(self):
        entries = self.sudo().search([("state", "=", "waiting")])
        self.env.add_to_compute(self._fields["priority"], entries)
        entries.flush_recordset()

    def _compute_waiting_days(self):
        today = fields.Date.context_today(self)
        for entry in self:
            entry.waiting_days = (today - entry.date_request).days

    @api.model_create_multi
    def create(self, vals_list):
        check_group(self.env, RECEPTION)
        return super().create(vals_list)

    def write(self, vals):
        check_group(self.env, RECEPTION)
        return super().write(vals)

    def action_cancel(self):
        check_group(self.env, RECEPTION)
        self.check_access("write")
        if any(entry.state != "waiting" for entry in self):
            raise UserError(self.env._("Only a waiting entry can be cancelled."))
        self.sudo().write({"state": "cancelled"})
        return True

    def _reserve(self, bed, date_start, stay_type="long", date_end=False):
        """Reserve ``bed`` for this entry's elder (reception)."""
        check_group(self.env, RECEPTION)
        self.check_access("write")
        self.ensure_one()
        if self.state != "waiting":
            raise UserError(self.env._("This entry is not waiting for a bed."))
        stay = self.env["care.residence.stay"].create(
            {
                "elder_id": self.elder_id.id,
                "company_id": self.company_id.id,
                "bed_id": bed.id,
                "date_start": date_start,
                "date_end": date_end,
                "stay_type": stay_type,
                "waiting_id": self.id,
            }
        )
        self.sudo().write({"state": "reserved", "stay_id": stay.id})
        return stay

    def action_open_reserve(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reserve a Bed"),
            "res_model": "care.residence.reserve",
            "view_mode": "form",
            "target": "new",
            "context": {"default_waiting_id": self.id},
        }
