from odoo import api, fields, models


class CareResidenceForecast(models.TransientModel):
    _name = "care.residence.forecast"
    _description = "Occupancy Forecast"

    date = fields.Date(required=True, default=fields.Date.context_today)
    line_ids = fields.One2many(
        "care.residence.forecast.line",
        "forecast_id",
        compute="_compute_lines",
        store=True,
        readonly=True,
    )

    @api.depends("date")
    def _compute_lines(self):
        for forecast in self:
            rows = self.env["care.residence.stay"]._forecast(
                self.env.company, forecast.date
            )
            forecast.line_ids = [(5, 0, 0)] + [(0, 0, row) for row in rows]


class CareResidenceForecastLine(models.TransientModel):
    _name = "care.residence.forecast.line"
    _description = "Occupancy Forecast Line"
    _order = "days"

    forecast_id = fields.Many2one(
        "care.residence.forecast", required=True, ondelete="cascade"
    )
    days = fields.Integer("In (days)")
    beds = fields.Integer()
    out_of_service = fields.Integer()
    occupied_now = fields.Integer("Occupied Today")
    leaving = fields.Integer("Planned Discharges")
    arriving = fields.Integer("Reservations")
    taken = fields.Integer("Expected Taken")
    free = fields.Integer("Expected Free")
    waiting = fields.Integer("Waiting List Due")
    free_after_list = fields.Integer("Free After the List")
    rate = fields.Float("Expected Occupancy (%)")
