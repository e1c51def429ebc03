from odoo import api, fields, models


class CareTourRoute(models.Model):
    """A tour route template: the stops to show and what to prepare, chosen
    for a lead by its reception tags (e.g. nursing area and rehab room for a
    family looking for disability care)."""

    _name = "care.tour.route"
    _description = "Tour Route"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    tag_ids = fields.Many2many(
        "crm.tag", string="For tags", help="Chosen for leads carrying these tags."
    )
    stops = fields.Text(translate=True, help="One stop per line, in order.")
    checklist = fields.Text(translate=True, help="What to prepare, one item per line.")
    duration = fields.Float("Duration (h)", default=1.0)

    _sql_constraints = [
        ("duration_positive", "CHECK(duration > 0)", "A tour takes some time."),
    ]

    @api.model
    def _for_tags(self, tags):
        """The route sharing most tags with ``tags``; the first route on a tie."""
        routes = self.search([("tag_ids", "in", tags.ids)]) if tags else self.browse()
        if not routes:
            # no route for these tags: the first one (``_order``), if any
            return self.search([], limit=1)
        return max(routes, key=lambda r: (len(r.tag_ids & tags), -r.sequence, -r.id))
