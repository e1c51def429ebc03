from odoo import fields, models

CATEGORIES = [
    ("price", "Price"),
    ("care", "Care capability"),
    ("environment", "Environment and food"),
    ("distance", "Distance"),
    ("family", "Family disagreement"),
    ("trust", "Trust and safety"),
    ("other", "Other"),
]


class CareObjection(models.Model):
    """The objection library: what families object to and how to answer."""

    _name = "care.objection"
    _description = "Objection"
    _order = "category, sequence, id"

    name = fields.Char("Objection", required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    category = fields.Selection(CATEGORIES, required=True, default="other")
    reply = fields.Html("Suggested reply", translate=True)
    attachment_ids = fields.Many2many(
        "ir.attachment", string="Evidence", help="Certificates, photos, price lists."
    )


class CareLeadObjection(models.Model):
    """An objection a family raised, and how it ended."""

    _name = "care.lead.objection"
    _inherit = ["care.guard.mixin"]
    _description = "Objection Raised"
    _order = "date desc, id desc"

    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade", index=True)
    objection_id = fields.Many2one("care.objection", required=True)
    category = fields.Selection(related="objection_id.category", store=True)
    reply = fields.Html(related="objection_id.reply")
    note = fields.Char("What the family said")
    outcome = fields.Selection(
        [
            ("open", "Open"),
            ("resolved", "Resolved"),
            ("unresolved", "Not resolved"),
        ],
        required=True,
        default="open",
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    user_id = fields.Many2one(
        "res.users", "Raised to", default=lambda self: self.env.user
    )
    company_id = fields.Many2one(related="lead_id.company_id", store=True)
