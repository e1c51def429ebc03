from odoo import api, fields, models

RELATIONSHIPS = [
    ("spouse", "Spouse"),
    ("son", "Son"),
    ("daughter", "Daughter"),
    ("son_in_law", "Son-in-law"),
    ("daughter_in_law", "Daughter-in-law"),
    ("grandchild", "Grandchild"),
    ("sibling", "Sibling"),
    ("relative", "Other relative"),
    ("guardian", "Guardian"),
    ("neighbour", "Neighbour"),
    ("friend", "Friend"),
    ("caregiver", "Hired caregiver"),
    ("community_worker", "Community worker"),
    ("other", "Other"),
]


class CareElderContact(models.Model):
    """A family member or other contact of an elder.

    Each contact is a ``res.partner`` of its own, so the same daughter can be
    the contact of both parents and her number pops both files.
    """

    _name = "care.elder.contact"
    _inherit = ["care.guard.mixin"]
    _description = "Elder Family Contact"
    _order = "elder_id, is_emergency desc, sequence, id"
    _check_company_auto = True

    elder_id = fields.Many2one(
        "care.elder", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="elder_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Contact", required=True, ondelete="restrict", index=True
    )
    name = fields.Char(related="partner_id.name", readonly=False)
    phone = fields.Char(related="partner_id.phone", readonly=False)
    mobile = fields.Char(related="partner_id.mobile", readonly=False)
    relationship = fields.Selection(RELATIONSHIPS, required=True, default="daughter")
    is_emergency = fields.Boolean(string="Emergency Contact", default=True)
    sequence = fields.Integer(
        string="Call Order",
        default=10,
        help="Emergency contacts are called in this order.",
    )
    is_decision_maker = fields.Boolean(string="Decision Maker")
    lives_with_elder = fields.Boolean(string="Lives with the Elder")
    note = fields.Char()
    mobile_sanitized = fields.Char(
        compute="_compute_numbers_sanitized", store=True, index=True, copy=False
    )
    landline_sanitized = fields.Char(
        compute="_compute_numbers_sanitized", store=True, index=True, copy=False
    )

    _sql_constraints = [
        (
            "elder_partner_unique",
            "unique(elder_id, partner_id)",
            "This person is already a contact of the elder.",
        ),
    ]

    @api.depends("partner_id.phone", "partner_id.mobile")
    def _compute_numbers_sanitized(self):
        elders = self.env["care.elder"]
        for contact in self:
            contact.mobile_sanitized = elders._sanitize_number(contact.mobile)
            contact.landline_sanitized = elders._sanitize_number(contact.phone)

    @api.model_create_multi
    def create(self, vals_list):
        Elder = self.env["care.elder"]
        partner_vals = []
        for vals in vals_list:
            Elder._format_phone_vals(vals)
            if not vals.get("partner_id"):
                partner_vals.append(
                    {
                        "name": vals.get("name") or self.env._("Unnamed contact"),
                        "phone": vals.pop("phone", False),
                        "mobile": vals.pop("mobile", False),
                    }
                )
        partners = iter(self.env["res.partner"].create(partner_vals))
        for vals in vals_list:
            if not vals.get("partner_id"):
                vals["partner_id"] = next(partners).id
                vals.pop("name", None)
        return super().create(vals_list)

    def write(self, vals):
        vals = self.env["care.elder"]._format_phone_vals(dict(vals))
        return super().write(vals)

    @api.model
    def _care_import_prepare(self, values):
        """As write formats them (the elder's import compares the lines)."""
        return self.env["care.elder"]._format_phone_vals(values)
