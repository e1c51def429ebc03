from odoo import fields, models


class CareApiKeyWizard(models.TransientModel):
    """Shows a freshly generated API key once; it is not stored anywhere else."""

    _name = "care.api.key.wizard"
    _description = "New Device API Key"
    _transient_max_hours = 0.1

    key_id = fields.Many2one(
        "care.device.api.key", "API key", required=True, readonly=True
    )
    key = fields.Char("Secret key", readonly=True)
