from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import DispatchCase


@tagged("post_install", "-at_install")
class TestAccess(DispatchCase):
    def test_agent_logs_calls_and_orders_but_not_providers(self):
        call = self.env["care.call"].with_user(self.agent).create({"number": "1"})
        self.assertTrue(call.name.startswith("CALL"))
        self.assertTrue(self.env["care.provider"].with_user(self.agent).search([]))
        with self.assertRaises(AccessError):
            self.good.with_user(self.agent).write({"capacity": 99})
        with self.assertRaises(AccessError):
            self.env["care.service.category"].with_user(self.agent).create(
                {"name": "X", "duration": 1}
            )
        order = self.make_order()
        order.with_user(self.agent).action_care_dispatch()
        with self.assertRaises(AccessError):
            call.with_user(self.agent).unlink()

    def test_coordinator_manages_providers_not_calls(self):
        provider = self.make_provider("协调员新增")
        provider.with_user(self.coordinator).write({"capacity": 5})
        self.env["care.provider.qualification"].with_user(self.coordinator).create(
            {
                "provider_id": provider.id,
                "kind": "insurance",
                "date_expiry": "2099-01-01",
            }
        )
        with self.assertRaises(AccessError):
            self.env["care.call"].with_user(self.coordinator).search([])

    def test_reception_sees_no_calls_or_providers(self):
        with self.assertRaises(AccessError):
            self.env["care.call"].with_user(self.receptionist).search([])
        with self.assertRaises(AccessError):
            self.env["care.provider"].with_user(self.receptionist).search([])

    def test_other_company_is_invisible(self):
        other = self.env["res.company"].create({"name": "另一个中心"})
        stranger = (
            self.env["care.provider"]
            .with_company(other)
            .create(
                {
                    "name": "外地公司",
                    "company_id": other.id,
                    "category_ids": [(6, 0, self.housekeeping.ids)],
                    "territory_ids": [(6, 0, self.territory.ids)],
                }
            )
        )
        visible = self.env["care.provider"].with_user(self.agent).search([])
        self.assertNotIn(stranger, visible)
        self.assertIn(self.good, visible)
