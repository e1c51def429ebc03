from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    elder_ids = fields.One2many("care.elder", "partner_id", string="Elder Archive")
    care_contact_ids = fields.One2many(
        "care.elder.contact", "partner_id", string="Contact of Elders"
    )

    def write(self, vals):
        if "phone" in vals or "mobile" in vals:
            linked = self.filtered(lambda p: p.elder_ids or p.care_contact_ids)
            if linked:
                # the same rules as on the elder form: a number the lookup
                # cannot read is refused, not silently lost
                vals = self.env["care.elder"]._format_phone_vals(dict(vals))
        return super().write(vals)
