from odoo import api, fields, models


class CareLeadStageHistory(models.Model):
    """When a lead entered and left each stage, recorded as it happens.

    One open row (no ``date_out``) per active lead: the stage it is in. A
    lead lost in a stage closes its row as a drop-off there.
    """

    _name = "care.lead.stage.history"
    _inherit = ["care.guard.mixin"]
    _description = "Lead Stage History"
    _order = "date_in desc, id desc"

    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade", index=True)
    stage_id = fields.Many2one("crm.stage", required=True, index=True)
    user_id = fields.Many2one("res.users", "Receptionist")
    team_id = fields.Many2one("crm.team")
    source_id = fields.Many2one("utm.source")
    company_id = fields.Many2one("res.company")
    date_in = fields.Datetime("Entered", required=True, index=True)
    date_out = fields.Datetime("Left")
    hours = fields.Float("Hours in stage", compute="_compute_hours", store=True)
    dropped = fields.Boolean("Lost here")
    first_stage = fields.Boolean(
        "Entry stage", readonly=True, help="The stage the lead was registered in."
    )

    _sql_constraints = [
        (
            "dates",
            "CHECK(date_out IS NULL OR date_out >= date_in)",
            "A lead cannot leave a stage before it entered it.",
        ),
    ]

    def init(self):
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS care_lead_stage_history_open "
            "ON care_lead_stage_history (lead_id) WHERE date_out IS NULL"
        )

    @api.depends("date_in", "date_out")
    def _compute_hours(self):
        for row in self:
            row.hours = (
                (row.date_out - row.date_in).total_seconds() / 3600
                if row.date_out and row.date_in
                else 0.0
            )

    @api.model
    def _open(self, leads, when):
        known = {
            lead.id
            for [lead] in self.sudo()._read_group(
                [("lead_id", "in", leads.ids)], ["lead_id"]
            )
        }
        self.sudo().create(
            [
                {
                    "lead_id": lead.id,
                    "stage_id": lead.stage_id.id,
                    "user_id": lead.user_id.id,
                    "team_id": lead.team_id.id,
                    "source_id": lead.source_id.id,
                    "company_id": lead.company_id.id,
                    "date_in": when,
                    "first_stage": lead.id not in known,
                }
                for lead in leads
                if lead.stage_id
            ]
        )

    @api.model
    def _close(self, leads, when, dropped=False):
        rows = self.sudo().search(
            [("lead_id", "in", leads.ids), ("date_out", "=", False)]
        )
        rows.write({"date_out": when, "dropped": dropped})
        rows.flush_recordset()  # before the next open row is inserted
