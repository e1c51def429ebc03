from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

SELLERS = "care_devices.group_care_device_admin,elder_crm.group_care_reception"


class CareDeviceModel(models.Model):
    _inherit = "care.device.model"

    product_id = fields.Many2one(
        "product.product",
        "Product sold",
        domain="[('is_storable', '=', True), ('tracking', '=', 'serial')]",
        help="The storable product, tracked by serial number, sold for this "
        "model: each serial received is a device.",
    )
    sim_product_id = fields.Many2one(
        "product.product",
        "SIM tariff",
        domain="[('type', '=', 'service')]",
        help="The carrier's monthly tariff added to the elder's plan contract "
        "when a device sold is activated (its sales price, each month).",
    )


class CareDevice(models.Model):
    _inherit = "care.device"

    care_lot_id = fields.Many2one("stock.lot", "Serial (stock)", readonly=True)
    care_sold_to_id = fields.Many2one(
        "care.elder",
        "Sold to",
        readonly=True,
        index="btree_not_null",
        help="Delivered to this elder, bound at activation.",
    )
    care_sim_line_id = fields.Many2one(
        "contract.line",
        "SIM tariff line",
        readonly=True,
        groups="elder_crm.group_care_finance",
    )

    @api.model
    def _care_guarded_fields(self):
        return super()._care_guarded_fields() | {
            "care_lot_id",
            "care_sold_to_id",
            "care_sim_line_id",
        }

    def action_care_activate(self):
        """Bind delivered devices to the elder they were sold to and add the
        SIM tariff to the elder's plan contract. Callable over XML-RPC by
        device administrators and reception."""
        if not self.env.su and not self.env.user.has_groups(SELLERS):
            raise AccessError(
                self.env._("Only device administrators and reception activate.")
            )
        self.check_access("read")
        for device in self.sudo():
            if not device.care_sold_to_id:
                raise UserError(
                    self.env._(
                        "Device %(serial)s was not sold to anybody.",
                        serial=device.serial,
                    )
                )
            if device.state == "bound":
                raise UserError(
                    self.env._(
                        "Device %(serial)s is already bound to %(elder)s.",
                        serial=device.serial,
                        elder=device.elder_id.name,
                    )
                )
            self.env["care.device.binding"].sudo().create(
                {"device_id": device.id, "elder_id": device.care_sold_to_id.id}
            )
            device._care_add_sim_tariff()
        return True

    def _care_add_sim_tariff(self):
        self.ensure_one()
        tariff = self.model_id.sim_product_id
        elder = self.care_sold_to_id
        if not tariff:
            return
        today = fields.Date.context_today(self)
        subscription = (
            self.env["care.plan.subscription"]
            .sudo()
            ._care_running_on(elder, today)
            .get(elder)
        )
        if not subscription or subscription.state != "active":
            return
        contract = subscription.contract_id
        contract.write(
            {
                "contract_line_ids": [
                    Command.create(
                        {
                            "product_id": tariff.id,
                            "name": self.env._(
                                "%(tariff)s, SIM of %(serial)s #START# – #END#",
                                tariff=tariff.name,
                                serial=self.serial,
                            ),
                            "quantity": 1.0,
                            "uom_id": tariff.uom_id.id,
                            "automatic_price": False,
                            "price_unit": tariff.list_price,
                            "recurring_rule_type": "monthly",
                            "recurring_interval": 1,
                            "recurring_invoicing_type": "pre-paid",
                            "date_start": max(
                                contract.recurring_next_date or today, today
                            ),
                        }
                    )
                ]
            }
        )
        self.care_sim_line_id = contract.contract_line_ids.sorted("id")[-1]

    def _care_returned(self):
        """A device given back: unbound, its SIM tariff stops."""
        today = fields.Date.context_today(self)
        now = fields.Datetime.now()
        for device in self:
            binding = device.binding_ids.filtered(lambda b: not b.date_to)
            if binding:
                binding.write({"date_to": now, "unbound_by_id": self.env.uid})
                device.write({"state": "stock", "elder_id": False})
                binding.elder_id.message_post(
                    body=self.env._(
                        "Device %(serial)s returned and unbound.", serial=device.serial
                    )
                )
            line = device.care_sim_line_id
            if line and (not line.date_end or line.date_end > today):
                end = max(today, line.last_date_invoiced or today)
                if line.date_start > end:
                    line.write({"date_end": line.date_start, "is_canceled": True})
                else:
                    line.date_end = end
            device.write({"care_sold_to_id": False, "care_sim_line_id": False})
        return True
