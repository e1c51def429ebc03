"""The bed board's two server calls: its data in one read, and the drop of a
waiting-list entry onto a free bed."""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.elder_crm.models.care_elder import GBT_LEVELS

from .residence import BED_STATES, RECEPTION, ROOM_TYPES, check_group

BOARD_COLUMNS = [
    "full_name",
    "floor_id",
    "building_id",
    "room_type",
    "dementia_unit",
    "state",
    "elder_name",
    "elder_gender",
    "gbt_level",
    "stay_id",
    "room_id",
]
WAITING_FIELDS = [
    "elder_id",
    "priority",
    "date_request",
    "expected_date",
    "room_type",
    "gbt_level",
    "dementia_unit",
]


def _as_id(env, value):
    """A record id sent by a client, or a clear refusal (not a crash)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise UserError(env._("Invalid record reference: %(value)s.", value=value))
    return value


def _labels(field, env):
    return dict(field._description_selection(env))


class CareResidenceBedBoard(models.Model):
    _inherit = "care.residence.bed"

    @api.model
    def get_board_data(self, building_id=False):
        """Everything the bed board shows, in a few queries whatever the
        number of beds: the beds (stored columns only, under the caller's
        record rules), their floors and homes, the open waiting list and the
        labels. Compact dicts, no null values (XML-RPC)."""
        self.check_access("read")
        domain = (
            [("building_id", "=", _as_id(self.env, building_id))] if building_id else []
        )
        # the columns below are read in SQL: pending computations first
        self.flush_model(BOARD_COLUMNS)
        self.env["care.residence.room"].flush_model(["sex_restriction"])
        query = self._search(domain)
        room = query.left_join(
            "care_residence_bed", "room_id", "care_residence_room", "id", "room_id"
        )
        query.order = SQL(
            "care_residence_bed.floor_id, care_residence_bed.full_name, "
            "care_residence_bed.id"
        )
        self.env.cr.execute(
            query.select(
                SQL(
                    "care_residence_bed.id, care_residence_bed.full_name, "
                    "care_residence_bed.floor_id, care_residence_bed.building_id, "
                    "care_residence_bed.room_type, care_residence_bed.dementia_unit, "
                    "care_residence_bed.state, care_residence_bed.elder_name, "
                    "care_residence_bed.elder_gender, care_residence_bed.gbt_level, "
                    "care_residence_bed.stay_id, care_residence_bed.room_id, %s",
                    SQL.identifier(room, "sex_restriction"),
                )
            )
        )
        beds = [
            {
                "id": row[0],
                "name": row[1] or "",
                "floor": row[2],
                "building": row[3],
                "room_type": row[4] or "",
                "dementia": bool(row[5]),
                "state": row[6] or "free",
                "elder": row[7] or "",
                "sex": row[8] or "",
                "level": row[9] or "",
                "stay": row[10] or False,
                "room": row[11],
                "room_sex": row[12] or "",
            }
            for row in self.env.cr.fetchall()
        ]
        floor_ids = sorted({bed["floor"] for bed in beds})
        floors = self.env["care.residence.floor"].search_fetch(
            [("id", "in", floor_ids)], ["name", "sequence", "building_id"]
        )
        buildings = self.env["care.residence.building"].search_fetch([], ["name"])
        Bed, Waiting = self, self.env["care.residence.waiting"]
        can_reserve = self.env.user.has_group(RECEPTION)
        waiting = []
        if Waiting.has_access("read"):
            entries = Waiting.search_fetch(
                [("state", "=", "waiting")],
                WAITING_FIELDS,
                limit=500,
            )
            # one read of the elders' names, sexes and levels for all entries
            entries.elder_id.fetch(["name", "gender", "gbt_level"])
            waiting = [
                {
                    "id": entry.id,
                    "elder": entry.elder_id.name or "",
                    "sex": entry.elder_id.gender or "",
                    "level": entry.elder_id.gbt_level or entry.gbt_level or "",
                    "priority": entry.priority,
                    "date_request": fields.Date.to_string(entry.date_request),
                    "expected_date": fields.Date.to_string(entry.expected_date) or "",
                    "room_type": entry.room_type or "",
                    "dementia": entry.dementia_unit,
                }
                for entry in entries
            ]
        return {
            "buildings": [{"id": b.id, "name": b.name} for b in buildings],
            "floors": [
                {"id": f.id, "name": f.name, "building": f.building_id.id}
                for f in floors
            ],
            "beds": beds,
            "waiting": waiting,
            "can_reserve": can_reserve,
            "labels": {
                "state": _labels(Bed._fields["state"], self.env),
                "level": dict(GBT_LEVELS) | _labels(Bed._fields["gbt_level"], self.env),
                "room_type": _labels(Bed._fields["room_type"], self.env),
                "sex": _labels(Bed._fields["elder_gender"], self.env),
            },
            "states": [key for key, _label in BED_STATES],
            "room_types": [key for key, _label in ROOM_TYPES],
        }


class CareResidenceWaitingBoard(models.Model):
    _inherit = "care.residence.waiting"

    def action_board_reserve(self, bed_id, date_start=False):
        """The bed board's drop: reserve bed ``bed_id`` for this entry from
        ``date_start`` (default today), exactly as the Reserve wizard does
        (a long stay; the bed's row is locked, the bed must be in service,
        free and of the elder's sex, the entry waiting). Returns the new
        stay's id."""
        check_group(self.env, RECEPTION)
        self.check_access("write")
        if len(self) != 1:
            raise UserError(self.env._("Drop one waiting-list entry on one bed."))
        bed = self.env["care.residence.bed"].browse(_as_id(self.env, bed_id)).exists()
        if not bed:
            raise UserError(self.env._("This bed does not exist any more."))
        bed.check_access("read")
        if self.state != "waiting":
            raise UserError(
                self.env._(
                    "%(elder)s is no longer waiting for a bed.",
                    elder=self.elder_id.name,
                )
            )
        try:
            date_start = fields.Date.to_date(date_start)
        except (TypeError, ValueError):
            raise UserError(
                self.env._("Invalid date: %(value)s.", value=date_start)
            ) from None
        date_start = date_start or fields.Date.context_today(self)
        stay = self._reserve(bed, date_start)
        return stay.id
