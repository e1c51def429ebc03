from odoo import fields, models


class CareSmsReceipt(models.Model):
    """A delivery receipt as received: its key makes a replay a no-op."""

    _name = "care.sms.receipt"
    _description = "SMS Delivery Receipt"
    _order = "id desc"

    key = fields.Char(required=True, index=True)
    provider = fields.Char(required=True)
    provider_ref = fields.Char("Provider reference")
    message_id = fields.Many2one(
        "care.sms.message", ondelete="cascade", index="btree_not_null"
    )
    company_id = fields.Many2one(related="message_id.company_id", store=True)
    delivered = fields.Boolean()
    reason = fields.Char()

    _sql_constraints = [
        ("key_unique", "unique(key)", "This receipt was already received."),
    ]
