from odoo import api, fields, models


class CareCommunity(models.Model):
    """Street (街道) > community (社区) > grid (网格) hierarchy."""

    _name = "care.community"
    _inherit = ["care.guard.mixin"]
    _description = "Community or Grid"
    _parent_store = True
    _rec_name = "complete_name"
    # an import names a grid or community by its name or its full path
    _rec_names_search = ["complete_name", "name"]
    _order = "complete_name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=False)
    complete_name = fields.Char(
        compute="_compute_complete_name", store=True, recursive=True
    )
    kind = fields.Selection(
        [("street", "Street"), ("community", "Community"), ("grid", "Grid")],
        required=True,
        default="community",
    )
    parent_id = fields.Many2one(
        "care.community",
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("care.community", "parent_id", string="Children")
    grid_worker_id = fields.Many2one("res.partner")
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    active = fields.Boolean(default=True)

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for record in self:
            if record.parent_id:
                record.complete_name = (
                    f"{record.parent_id.complete_name} / {record.name}"
                )
            else:
                record.complete_name = record.name
