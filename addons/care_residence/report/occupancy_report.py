from odoo import fields, models, tools
from odoo.tools import SQL


class CareResidenceOccupancyReport(models.Model):
    """Occupancy per day and floor: beds, beds occupied by admitted stays
    (hospital leave holds the bed), the rate."""

    _name = "care.residence.occupancy.report"
    _description = "Occupancy Report"
    _auto = False
    _order = "date desc"
    _rec_name = "date"

    date = fields.Date(readonly=True)
    floor_id = fields.Many2one("care.residence.floor", readonly=True)
    building_id = fields.Many2one("care.residence.building", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    beds = fields.Integer(readonly=True)
    occupied = fields.Integer(readonly=True)
    occupancy_rate = fields.Float("Occupancy (%)", readonly=True, aggregator="avg")
    target = fields.Float("Target (%)", readonly=True, aggregator="avg")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
CREATE OR REPLACE VIEW %s AS (
    -- a bed line adds one occupant on its first day and removes one on its
    -- "to" (the first day away): the occupancy of a floor on a day is the
    -- running sum of these moves (a few rows per stay, not one per night)
    WITH lines AS (
        SELECT bed.floor_id, line.date_from, line.date_to
        FROM care_residence_stay_line line
        JOIN care_residence_bed bed ON bed.id = line.bed_id
        WHERE line.stay_state IN ('admitted', 'discharged')
    ),
    days AS (
        SELECT generate_series(
            COALESCE((SELECT MIN(date_from) FROM lines), CURRENT_DATE),
            CURRENT_DATE,
            interval '1 day'
        )::date AS day
    ),
    beds AS (
        SELECT floor_id, building_id, company_id, COUNT(*) AS beds
        FROM care_residence_bed GROUP BY floor_id, building_id, company_id
    ),
    moves AS (
        SELECT floor_id, day, SUM(delta) AS delta FROM (
            SELECT floor_id, date_from AS day, 1 AS delta FROM lines
            UNION ALL
            SELECT floor_id, date_to, -1 FROM lines WHERE date_to IS NOT NULL
        ) AS m
        GROUP BY floor_id, day
    )
    SELECT
        -- a stable id from the day and the floor
        (running.day - DATE '2000-01-01')::bigint * 10000000 + running.floor_id
            AS id,
        running.day AS date,
        beds.floor_id,
        beds.building_id,
        beds.company_id,
        beds.beds,
        running.occupied,
        100.0 * running.occupied / NULLIF(beds.beds, 0) AS occupancy_rate,
        building.occupancy_target AS target
    FROM (
        SELECT days.day, beds.floor_id,
               SUM(COALESCE(moves.delta, 0)) OVER (
                   PARTITION BY beds.floor_id ORDER BY days.day
               ) AS occupied
        FROM days
        CROSS JOIN beds
        LEFT JOIN moves ON moves.floor_id = beds.floor_id AND moves.day = days.day
    ) AS running
    JOIN beds ON beds.floor_id = running.floor_id
    JOIN care_residence_building building ON building.id = beds.building_id
)
""",
                SQL.identifier(self._table),
            )
        )
