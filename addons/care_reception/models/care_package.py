from odoo import api, fields, models

from odoo.addons.elder_crm.models.care_elder import GBT_LEVELS

CARE_FORMS = [
    ("home", "Home care"),
    ("day", "Day care"),
    ("residential", "Residential care"),
]


class CarePackage(models.Model):
    """A care package offered to families: what it includes, what it costs,
    which ability levels (GB/T 42195) it fits."""

    _name = "care.package"
    _description = "Care Package"
    _order = "care_form, level_min, monthly_price, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    care_form = fields.Selection(CARE_FORMS, required=True, default="home")
    service_level = fields.Selection(
        [
            ("basic", "Basic"),
            ("standard", "Standard"),
            ("enhanced", "Enhanced"),
            ("specialised", "Specialised"),
        ],
        required=True,
        default="standard",
    )
    monthly_price = fields.Monetary(required=True)
    level_min = fields.Selection(GBT_LEVELS, "From level", required=True, default="0")
    level_max = fields.Selection(GBT_LEVELS, "To level", required=True, default="4")
    inclusions = fields.Html(translate=True)
    lead_count = fields.Integer(compute="_compute_lead_count")

    _sql_constraints = [
        (
            "price_positive",
            "CHECK(monthly_price >= 0)",
            "The monthly price cannot be negative.",
        ),
        (
            "level_range",
            "CHECK(level_min <= level_max)",
            "The lowest level a package fits must not be above the highest.",
        ),
    ]

    def _compute_lead_count(self):
        counts = dict(
            self.env["crm.lead"]._read_group(
                [("care_package_id", "in", self.ids)],
                ["care_package_id"],
                ["__count"],
            )
        )
        for package in self:
            package.lead_count = counts.get(package, 0)

    @api.model
    def _match(self, level, care_form, company=None):
        """The package for an ability level and care form: the cheapest that fits."""
        if level is False or level is None or not care_form:
            return self.browse()
        company = company or self.env.company
        return self.search(
            [
                ("care_form", "=", care_form),
                ("level_min", "<=", level),
                ("level_max", ">=", level),
                ("company_id", "=", company.id),
            ],
            order="monthly_price, id",
            limit=1,
        )

    def _neighbours(self):
        """This package with the next cheaper and the next dearer of its form."""
        self.ensure_one()
        same = self.search(
            [
                ("care_form", "=", self.care_form),
                ("company_id", "=", self.company_id.id),
            ],
            order="monthly_price, id",
        )
        index = list(same).index(self)
        return same[max(index - 1, 0) : index + 2]
