from odoo import api, fields, models

FAMILY_FIELDS = ("care_from_family", "care_family_partner_id")


class FsmOrder(models.Model):
    _inherit = "fsm.order"

    care_from_family = fields.Boolean(
        "From family",
        readonly=True,
        copy=False,
        index=True,
        help="Requested by a family member on the portal.",
    )
    care_family_partner_id = fields.Many2one(
        "res.partner",
        "Requested by (family)",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    care_family_rating_ids = fields.One2many(
        "care.family.rating", "order_id", "Family rating"
    )

    @api.model
    def _care_guarded_fields(self):
        # set by the portal's code only
        return super()._care_guarded_fields() | set(FAMILY_FIELDS)


class CareCallback(models.Model):
    _inherit = "care.callback"

    care_from_family = fields.Boolean(
        "From family",
        readonly=True,
        copy=False,
        help="The family's rating on the portal.",
    )

    @api.model
    def _care_guarded_fields(self):
        return super()._care_guarded_fields() | {"care_from_family"}
