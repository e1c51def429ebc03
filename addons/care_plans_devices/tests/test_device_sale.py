from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.care_plans.tests.common import PlanCase


@tagged("post_install", "-at_install")
class TestDeviceSale(PlanCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.watch = cls.env["product.product"].create(
            {
                "name": "4G 定位手表",
                "is_storable": True,
                "tracking": "serial",
                "list_price": 599,
            }
        )
        cls.sim = cls.env["product.product"].create(
            {"name": "老人卡 月租", "type": "service", "list_price": 19}
        )
        cls.model = cls.env["care.device.model"].create(
            {
                "name": "W8",
                "vendor": "测试厂商",
                "device_type": "watch",
                "product_id": cls.watch.id,
                "sim_product_id": cls.sim.id,
            }
        )
        cls.stock = cls.env.ref("stock.warehouse0").lot_stock_id
        cls.device_admin = cls.env["res.users"].create(
            {
                "name": "设备管理员",
                "login": "pl_devices",
                "groups_id": [
                    (4, cls.env.ref("base.group_user").id),
                    (4, cls.env.ref("care_devices.group_care_device_admin").id),
                ],
            }
        )

    def receive(self, serial):
        lot = self.env["stock.lot"].create(
            {"name": serial, "product_id": self.watch.id}
        )
        self.env["stock.quant"]._update_available_quantity(
            self.watch, self.stock, 1, lot_id=lot
        )
        return lot

    def sell(self, lot):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.daughter.id,
                "care_elder_id": self.elder.id,
                "order_line": [(0, 0, {"product_id": self.watch.id})],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        # the only serial in stock is reserved for the delivery
        self.assertEqual(picking.move_line_ids.lot_id, lot)
        picking.move_ids.picked = True
        return picking

    @freeze_time("2026-03-02 02:00:00")
    def test_sale_delivery_activation_return(self):
        subscription = self.sign()
        lot = self.receive("W8-0001")
        device = self.env["care.device"].search([("serial", "=", "W8-0001")])
        self.assertEqual((device.care_lot_id, device.state), (lot, "stock"))
        picking = self.sell(lot)
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(device.care_sold_to_id, self.elder)
        self.assertEqual(device.state, "stock", "bound at activation, not before")
        with self.assertRaises(AccessError):
            device.with_user(self.agent).action_care_activate()
        self.assertEqual(device.state, "stock")
        device.with_user(self.device_admin).action_care_activate()
        self.assertEqual((device.state, device.elder_id), ("bound", self.elder))
        sim_line = device.care_sim_line_id
        self.assertEqual(sim_line.contract_id, subscription.contract_id)
        self.assertEqual(sim_line.price_unit, 19.0)
        # given back: unbound, the tariff stops
        wizard = (
            self.env["stock.return.picking"]
            .with_context(active_id=picking.id, active_model="stock.picking")
            .create({})
        )
        wizard.product_return_moves.quantity = 1
        back = self.env["stock.picking"].browse(
            wizard.action_create_returns()["res_id"]
        )
        back.move_ids.picked = True
        back.button_validate()
        self.assertEqual(back.state, "done")
        self.assertEqual(
            (device.state, device.elder_id), ("stock", self.env["care.elder"])
        )
        self.assertFalse(device.care_sold_to_id)
        self.assertTrue(sim_line.date_end)

    def test_bound_serial_cannot_be_sold_again(self):
        lot = self.receive("W8-0002")
        device = self.env["care.device"].search([("serial", "=", "W8-0002")])
        other = self.env["care.elder"].create(
            {"name": "别的老人", "grid_id": self.grid.id}
        )
        self.env["care.device.binding"].create(
            {"device_id": device.id, "elder_id": other.id}
        )
        picking = self.sell(lot)
        with self.assertRaisesRegex(UserError, "W8-0002 is already bound"):
            picking.button_validate()
        self.assertNotEqual(picking.state, "done")
        self.assertFalse(device.care_sold_to_id)
        self.assertEqual(device.elder_id, other)
