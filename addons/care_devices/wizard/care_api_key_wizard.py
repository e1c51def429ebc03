from odoo import api, fields, models


class CareApiKeyWizard(models.TransientModel):
    """Shows a freshly generated API key once; it is not stored anywhere else.

    The plaintext is wiped as soon as the wizard has been read (the form
    shows it once); what is left is the key's hash on the key record.
    """

    _name = "care.api.key.wizard"
    _description = "New Device API Key"
    _transient_max_hours = 0.1

    key_id = fields.Many2one(
        "care.device.api.key", "API key", required=True, readonly=True
    )
    key = fields.Char("Secret key", readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        # only the key's own action puts a secret here (it runs as superuser)
        if not self.env.su:
            for vals in vals_list:
                vals.pop("key", None)
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            vals.pop("key", None)
        return super().write(vals)

    def read(self, fields=None, load="_classic_read"):
        result = super().read(fields, load=load)
        if fields is None or "key" in fields:
            shown = self.sudo().filtered("key")
            if shown:
                shown.write({"key": False})
        return result
