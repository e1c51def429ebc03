from odoo import api, fields, models
from odoo.exceptions import UserError


class CareDeviceBindWizard(models.TransientModel):
    """Bind a device to an elder from a scanned QR label or a typed serial."""

    _name = "care.device.bind.wizard"
    _description = "Bind a Device"

    code = fields.Char(
        "Scan or type",
        required=True,
        help="Scan the device's QR label, or type its IMEI / serial number.",
    )
    device_id = fields.Many2one("care.device", compute="_compute_device")
    elder_id = fields.Many2one("care.elder", required=True)
    note = fields.Char()

    @api.depends("code")
    def _compute_device(self):
        for wizard in self:
            wizard.device_id = self.env["care.device"]._from_code(wizard.code)

    def action_bind(self):
        self.ensure_one()
        device = self.env["care.device"]._from_code(self.code)
        if not device:
            raise UserError(
                self.env._(
                    "No device matches %s. Check the label or the number typed.",
                    self.code,
                )
            )
        self.env["care.device.binding"].create(
            {"device_id": device.id, "elder_id": self.elder_id.id, "note": self.note}
        )
        return {"type": "ir.actions.act_window_close"}
