from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL


class CareDeviceBinding(models.Model):
    _name = "care.device.binding"
    _inherit = ["care.guard.mixin"]
    _description = "Device Binding"
    _order = "date_from desc, id desc"
    _check_company_auto = True

    device_id = fields.Many2one(
        "care.device", required=True, ondelete="cascade", index=True, check_company=True
    )
    elder_id = fields.Many2one(
        "care.elder", required=True, ondelete="restrict", index=True, check_company=True
    )
    company_id = fields.Many2one(related="device_id.company_id", store=True)
    date_from = fields.Datetime(
        "Bound on", required=True, default=fields.Datetime.now, readonly=True
    )
    date_to = fields.Datetime("Unbound on", readonly=True)
    bound_by_id = fields.Many2one(
        "res.users", "Bound by", default=lambda self: self.env.user, readonly=True
    )
    unbound_by_id = fields.Many2one("res.users", "Unbound by", readonly=True)
    is_active = fields.Boolean("Current", compute="_compute_is_active", store=True)
    note = fields.Char()

    # the history: when and by whom, set by binding and unbinding only
    _care_protected_fields = ("date_from", "date_to", "bound_by_id", "unbound_by_id")

    def init(self):
        # one open binding per device, whatever the race
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS care_device_binding_one_open "
                "ON care_device_binding (device_id) WHERE date_to IS NULL"
            )
        )

    @api.depends("date_to")
    def _compute_is_active(self):
        for binding in self:
            binding.is_active = not binding.date_to

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for binding in self:
            if binding.date_to and binding.date_to < binding.date_from:
                raise ValidationError(
                    self.env._("A binding cannot end before it starts.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        Device = self.env["care.device"]
        for vals in vals_list:
            device = Device.browse(vals.get("device_id"))
            elder = self.env["care.elder"].browse(vals.get("elder_id"))
            if device.state in ("lost", "retired"):
                raise UserError(
                    self.env._(
                        "Device %(serial)s is marked %(state)s and cannot be bound.",
                        serial=device.serial,
                        state=dict(
                            device._fields["state"]._description_selection(self.env)
                        )[device.state],
                    )
                )
            open_binding = self.search(
                [("device_id", "=", device.id), ("date_to", "=", False)], limit=1
            )
            if open_binding:
                raise UserError(
                    self.env._(
                        "Device %(serial)s is already bound to %(elder)s since "
                        "%(date)s. Unbind it first.",
                        serial=device.serial,
                        elder=open_binding.elder_id.display_name,
                        date=fields.Datetime.to_string(open_binding.date_from),
                    )
                )
            if elder.state in ("deceased", "left"):
                raise UserError(
                    self.env._(
                        "%s is no longer served by the centre: a device cannot be "
                        "bound to them.",
                        elder.display_name,
                    )
                )
        bindings = super().create(vals_list)
        for binding in bindings:
            # the device's state and elder follow its bindings (guarded fields)
            binding.device_id.sudo().write(
                {"state": "bound", "elder_id": binding.elder_id.id, "offline": False}
            )
            # device admins may not edit elders; the note is the binding's trace
            binding.elder_id.sudo().message_post(
                body=self.env._(
                    "Device %(serial)s bound by %(user)s.",
                    serial=binding.device_id.serial,
                    user=self.env.user.name,
                )
            )
        return bindings

    def write(self, vals):
        if not self.env.su and ({"device_id", "elder_id"} & set(vals)):
            raise UserError(
                self.env._(
                    "A binding cannot be moved to another device or elder: "
                    "unbind the device and bind it again."
                )
            )
        return super().write(vals)

    def action_close(self):
        if not self.env.user.has_group("care_devices.group_care_device_admin"):
            raise AccessError(
                self.env._("Only device administrators may unbind devices.")
            )
        self.check_access("write")
        now = fields.Datetime.now()
        for binding in self.sudo().filtered(lambda b: not b.date_to):
            binding.write({"date_to": now, "unbound_by_id": self.env.uid})
            device = binding.device_id
            if device.state == "bound":
                device.write({"state": "stock", "elder_id": False})
            else:
                device.write({"elder_id": False})
            binding.elder_id.sudo().message_post(
                body=self.env._(
                    "Device %(serial)s unbound by %(user)s.",
                    serial=device.serial,
                    user=self.env.user.name,
                )
            )
        return True

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        raise UserError(
            self.env._(
                "The binding history is kept: unbind the device instead of deleting."
            )
        )
