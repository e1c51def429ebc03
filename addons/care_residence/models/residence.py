from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from odoo.addons.elder_crm.models.care_elder import GBT_LEVELS

RECEPTION = "elder_crm.group_care_reception"
MANAGER = "elder_crm.group_care_manager"
FINANCE = "elder_crm.group_care_finance"

ROOM_TYPES = [
    ("single", "Single"),
    ("double", "Double"),
    ("multi", "Multi-bed"),
]
BED_STATES = [
    ("free", "Free"),
    ("reserved", "Reserved"),
    ("occupied", "Occupied"),
    ("out_of_service", "Out of Service"),
]
# kanban colour index of each state (web's colour palette)
BED_COLORS = {"free": 10, "reserved": 3, "occupied": 4, "out_of_service": 1}


def check_group(env, xmlid):
    """Refuse a caller outside ``xmlid`` (before any sudo)."""
    if not env.su and not env.user.has_group(xmlid):
        group = env.ref(xmlid).sudo()
        raise AccessError(
            env._(
                "Only the %(group)s group may do this.",
                group=group.full_name,
            )
        )


class CareResidenceBuilding(models.Model):
    _name = "care.residence.building"
    _description = "Residence Building"
    _order = "sequence, name"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda s: s.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    floor_ids = fields.One2many("care.residence.floor", "building_id", "Floors")
    meal_price = fields.Monetary(
        "Monthly Meals (伙食费)", help="Meals of a full month, per resident."
    )
    deposit_amount = fields.Monetary(
        "Deposit (押金)", help="Invoiced at admission, refunded at discharge."
    )
    occupancy_target = fields.Float("Occupancy Target (%)", default=90.0)
    bed_count = fields.Integer(compute="_compute_bed_count")
    active = fields.Boolean(default=True)

    def _compute_bed_count(self):
        counts = dict(
            self.env["care.residence.bed"]._read_group(
                [("building_id", "in", self.ids)], ["building_id"], ["__count"]
            )
        )
        for building in self:
            building.bed_count = counts.get(building, 0)


class CareResidenceFloor(models.Model):
    _name = "care.residence.floor"
    _description = "Residence Floor"
    _order = "building_id, sequence, name"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    building_id = fields.Many2one(
        "care.residence.building", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="building_id.company_id", store=True, index=True
    )
    room_ids = fields.One2many("care.residence.room", "floor_id", "Rooms")

    @api.depends("name", "building_id.name")
    def _compute_display_name(self):
        for floor in self:
            floor.display_name = f"{floor.building_id.name} / {floor.name}"


class CareResidenceRoom(models.Model):
    _name = "care.residence.room"
    _description = "Residence Room"
    _order = "floor_id, name"

    name = fields.Char(required=True)
    floor_id = fields.Many2one(
        "care.residence.floor", required=True, ondelete="cascade", index=True
    )
    building_id = fields.Many2one(
        related="floor_id.building_id", store=True, index=True
    )
    company_id = fields.Many2one(related="floor_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    room_type = fields.Selection(ROOM_TYPES, required=True, default="double")
    has_bathroom = fields.Boolean("Private Bathroom")
    accessible = fields.Boolean()
    dementia_unit = fields.Boolean(
        help="A secured unit for residents living with dementia."
    )
    sex_restriction = fields.Selection(
        [("male", "Men only"), ("female", "Women only")],
        help="Shared rooms: only residents of this sex. Without it, a shared room "
        "takes the sex of its current residents.",
    )
    monthly_price = fields.Monetary(
        "Monthly Bed Fee (床位费)", help="A bed of this room for a full month."
    )
    bed_ids = fields.One2many("care.residence.bed", "room_id", "Beds")

    _sql_constraints = [
        (
            "price_positive",
            "CHECK (monthly_price >= 0)",
            "A room's monthly fee cannot be negative.",
        ),
    ]

    @api.depends("name", "floor_id.display_name")
    def _compute_display_name(self):
        for room in self:
            room.display_name = f"{room.floor_id.display_name} / {room.name}"


class CareResidenceCareLevel(models.Model):
    """The price table: a GB/T 42195 ability level to a monthly care fee."""

    _name = "care.residence.care.level"
    _description = "Care Level Price"
    _order = "gbt_level"

    name = fields.Char(required=True, translate=True)
    gbt_level = fields.Selection(GBT_LEVELS, "Ability Level", required=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda s: s.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    monthly_price = fields.Monetary("Monthly Care Fee (护理费)", required=True)

    _sql_constraints = [
        (
            "level_company_uniq",
            "UNIQUE (gbt_level, company_id)",
            "Each ability level has one care fee per company.",
        ),
        (
            "price_positive",
            "CHECK (monthly_price >= 0)",
            "A care fee cannot be negative.",
        ),
    ]


class CareResidenceBed(models.Model):
    _name = "care.residence.bed"
    _description = "Residence Bed"
    _inherit = ["care.guard.mixin"]
    _rec_name = "full_name"
    _order = "building_id, floor_id, room_id, name"

    name = fields.Char(required=True)
    room_id = fields.Many2one(
        "care.residence.room", required=True, ondelete="restrict", index=True
    )
    floor_id = fields.Many2one(related="room_id.floor_id", store=True, index=True)
    building_id = fields.Many2one(related="room_id.building_id", store=True, index=True)
    company_id = fields.Many2one(related="room_id.company_id", store=True, index=True)
    room_type = fields.Selection(related="room_id.room_type", store=True)
    dementia_unit = fields.Boolean(related="room_id.dementia_unit", store=True)
    sex_restriction = fields.Selection(related="room_id.sex_restriction")
    out_of_service = fields.Boolean(
        help="Closed for repairs or cleaning; from and to bound the period."
    )
    oos_from = fields.Date("Out of Service From")
    oos_to = fields.Date("Out of Service To", help="Last day out of service.")
    oos_reason = fields.Char("Out of Service Reason")
    line_ids = fields.One2many("care.residence.stay.line", "bed_id", "Occupancy")
    # results of the stays, reservations and the out-of-service period (the
    # guard mixin refuses them from clients); refreshed daily by the cron
    state = fields.Selection(
        BED_STATES, compute="_compute_state", store=True, index=True
    )
    stay_id = fields.Many2one(
        "care.residence.stay",
        "Current Stay",
        compute="_compute_state",
        store=True,
        help="The stay occupying the bed, or else the next reservation.",
    )
    elder_id = fields.Many2one(
        "care.elder", "Resident", compute="_compute_state", store=True, index=True
    )
    # copied here for the bed board (a 2,000-bed board reads them in one
    # query instead of through the stays and the elders' partners)
    elder_name = fields.Char("Resident Name", compute="_compute_state", store=True)
    elder_gender = fields.Selection(
        [("male", "Male"), ("female", "Female")],
        string="Sex",
        compute="_compute_state",
        store=True,
    )
    gbt_level = fields.Selection(
        GBT_LEVELS, string="Care Level", compute="_compute_state", store=True
    )
    full_name = fields.Char(compute="_compute_full_name", store=True, index=True)
    color = fields.Integer(compute="_compute_color")

    _sql_constraints = [
        (
            "name_room_uniq",
            "UNIQUE (room_id, name)",
            "A bed's name is unique in its room.",
        ),
        (
            "oos_dates",
            "CHECK (oos_to IS NULL OR oos_from IS NULL OR oos_to >= oos_from)",
            "A bed cannot be back in service before it went out of service.",
        ),
    ]

    @api.depends("name", "room_id.name")
    def _compute_full_name(self):
        for bed in self:
            bed.full_name = f"{bed.room_id.name}-{bed.name}"

    def _out_of_service_between(self, date_from, date_to):
        """Whether the bed is out of service on a day of [date_from, date_to)
        (date_to False: open)."""
        self.ensure_one()
        if not self.out_of_service:
            return False
        starts_after = date_to and self.oos_from and self.oos_from >= date_to
        ended_before = self.oos_to and self.oos_to < date_from
        return not (starts_after or ended_before)

    @api.depends(
        "out_of_service",
        "oos_from",
        "oos_to",
        "line_ids.date_from",
        "line_ids.date_to",
        "line_ids.stay_id.state",
        "line_ids.stay_id.care_level_id",
        "line_ids.stay_id.elder_id.name",
        "line_ids.stay_id.elder_id.gender",
    )
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for bed in self:
            lines = bed.line_ids.filtered(
                lambda ln: (
                    ln.stay_id.state in ("reserved", "admitted")
                    and (not ln.date_to or ln.date_to > today)
                )
            ).sorted("date_from")
            current = lines.filtered(
                lambda ln: ln.stay_id.state == "admitted" and ln.date_from <= today
            )[:1]
            upcoming = lines.filtered(lambda ln: ln.stay_id.state == "reserved")[:1]
            if bed._out_of_service_between(today, today + timedelta(days=1)):
                bed.state = "out_of_service"
            elif current:
                bed.state = "occupied"
            elif upcoming:
                bed.state = "reserved"
            else:
                bed.state = "free"
            stay = (current or upcoming).stay_id
            bed.stay_id = stay
            bed.elder_id = stay.elder_id
            bed.elder_name = stay.elder_id.name
            bed.elder_gender = stay.elder_id.gender
            bed.gbt_level = stay.gbt_level

    def _compute_color(self):
        for bed in self:
            bed.color = BED_COLORS.get(bed.state, 0)

    @api.constrains("out_of_service", "oos_from", "oos_to")
    def _check_out_of_service(self):
        for bed in self.filtered("out_of_service"):
            for line in bed.line_ids.filtered(
                lambda ln: ln.stay_id.state in ("reserved", "admitted")
            ):
                if bed._out_of_service_between(line.date_from, line.date_to):
                    raise ValidationError(
                        self.env._(
                            "Bed %(bed)s is held for %(elder)s in that period: it "
                            "cannot go out of service then.",
                            bed=bed.display_name,
                            elder=line.stay_id.elder_id.name,
                        )
                    )

    def write(self, vals):
        if {"out_of_service", "oos_from", "oos_to", "room_id"} & set(vals):
            check_group(self.env, MANAGER)
        return super().write(vals)

    @api.model
    def _cron_refresh_states(self):
        """Bed states depend on today: a reservation starts, a respite ends."""
        # every bed: any of them may change state with the date (a few
        # thousand at most in a group of homes; recomputed in one pass)
        beds = self.search([])  # pylint: disable=no-search-all
        names = (
            "state",
            "stay_id",
            "elder_id",
            "elder_name",
            "elder_gender",
            "gbt_level",
        )
        for fname in names:
            self.env.add_to_compute(self._fields[fname], beds)
        beds.flush_recordset()


class CareResidenceBuildingDemo(models.Model):
    _inherit = "care.residence.building"

    @api.model
    def _care_demo_home(self):
        """Demo data: 40 beds, 32 residents admitted over the past year, four
        discharges, a respite stay, a reservation, a bed out of service and a
        waiting list of the archive's elders."""
        from .demo import make_demo_home

        make_demo_home(self.env)
