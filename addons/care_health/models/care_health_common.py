from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

GROUP_MEMBER = "care_health.group_health_member"
GROUP_LEADER = "care_health.group_health_leader"

BP_CLASSES = [
    ("normal", "Normal"),
    ("high_normal", "High-normal"),
    ("grade_1", "Grade 1 hypertension"),
    ("grade_2", "Grade 2 hypertension"),
    ("grade_3", "Grade 3 hypertension"),
    ("isolated_systolic", "Isolated systolic hypertension"),
]

# plausible ranges: a value outside is a typing error, not a reading
SBP_RANGE = (50, 300)
DBP_RANGE = (20, 200)
GLUCOSE_MAX = 60.0


def bp_class(sbp, dbp):
    """Blood pressure class of an office reading (mmHg), Chinese hypertension
    guideline: the higher class of systolic and diastolic wins; a systolic of
    140 or more with a diastolic below 90 is isolated systolic hypertension."""
    if not sbp or not dbp:
        return False
    if sbp >= 140 and dbp < 90:
        return "isolated_systolic"
    if sbp >= 180 or dbp >= 110:
        return "grade_3"
    if sbp >= 160 or dbp >= 100:
        return "grade_2"
    if sbp >= 140 or dbp >= 90:
        return "grade_1"
    if sbp >= 120 or dbp >= 80:
        return "high_normal"
    return "normal"


def check_bp_values(env, sbp, dbp):
    """The message refusing an impossible blood pressure, or False."""
    if not sbp and not dbp:
        return False
    if not sbp or not dbp:
        return env._("Enter both the systolic and the diastolic pressure.")
    if not (SBP_RANGE[0] <= sbp <= SBP_RANGE[1]):
        return env._(
            "A systolic pressure of %(value)s mmHg is impossible (%(low)s to %(high)s).",
            value=sbp,
            low=SBP_RANGE[0],
            high=SBP_RANGE[1],
        )
    if not (DBP_RANGE[0] <= dbp <= DBP_RANGE[1]):
        return env._(
            "A diastolic pressure of %(value)s mmHg is impossible (%(low)s to %(high)s).",
            value=dbp,
            low=DBP_RANGE[0],
            high=DBP_RANGE[1],
        )
    if sbp <= dbp:
        return env._(
            "The systolic pressure (%(sbp)s) must be higher than the diastolic "
            "pressure (%(dbp)s).",
            sbp=sbp,
            dbp=dbp,
        )
    return False


def check_glucose_value(env, glucose):
    if glucose is False or glucose is None:
        return False
    if glucose <= 0 or glucose > GLUCOSE_MAX:
        return env._(
            "A blood glucose of %(value)s mmol/L is impossible (above 0, at most %(high)s).",
            value=glucose,
            high=GLUCOSE_MAX,
        )
    return False


def check_health_user(env, leader=False):
    """Refuse a caller outside the health team (or, with ``leader``, outside
    its leaders): the first line of every public action."""
    group = GROUP_LEADER if leader else GROUP_MEMBER
    if not env.su and not env.user.has_group(group):
        raise AccessError(
            env._("Only the health team may do this.")
            if not leader
            else env._("Only a health team leader may do this.")
        )


class CareHealthRecordMixin(models.AbstractModel):
    """Health data of one elder: only the health team reads it (ir.rule on
    the elder's active contracts), and the actions check the caller's group
    before they write with sudo."""

    _name = "care.health.record.mixin"
    _description = "Health record of an elder"

    elder_id = fields.Many2one(
        "care.elder", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="elder_id.company_id", store=True, index=True, string="Company"
    )
    team_id = fields.Many2one(
        "care.health.team",
        compute="_compute_team_id",
        store=True,
        index=True,
    )

    @api.depends(
        "elder_id.health_contract_ids.state", "elder_id.health_contract_ids.team_id"
    )
    def _compute_team_id(self):
        for record in self:
            contracts = record.elder_id.sudo().health_contract_ids.filtered(
                lambda c: c.state == "active"
            )
            record.team_id = contracts[:1].team_id

    # the patient a record belongs to is set once: moving a record to
    # another elder would put it in another team's file
    _care_immutable_fields = ("elder_id",)

    def write(self, vals):
        if not self.env.su:
            for name in self._care_immutable_fields:
                if name in vals and any(
                    record[name].id != vals[name] for record in self if record[name]
                ):
                    raise UserError(
                        self.env._(
                            "%(field)s cannot be changed once the record is saved.",
                            field=self._fields[name]._description_string(self.env),
                        )
                    )
        return super().write(vals)

    def _check_health_user(self, leader=False):
        """Refuse a caller outside the health team (or its leaders), then
        one the record rules of these records refuse."""
        check_health_user(self.env, leader=leader)
        self.check_access("write")
