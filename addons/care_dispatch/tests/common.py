from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, new_test_user

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT


class DispatchCase(TransactionCase):
    """A territory over a community, an elder living there, three providers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        ref = cls.env.ref
        cls.agent = new_test_user(
            cls.env,
            login="cc_agent",
            groups="base.group_user,elder_crm.group_care_dispatcher",
        )
        cls.coordinator = new_test_user(
            cls.env,
            login="cc_coordinator",
            groups="base.group_user,care_dispatch.group_care_provider_coordinator",
        )
        cls.receptionist = new_test_user(
            cls.env,
            login="cc_reception",
            groups="base.group_user,elder_crm.group_care_reception",
        )
        cls.territory = cls.env["res.territory"].create({"name": "测试片区"})
        cls.elsewhere = cls.env["res.territory"].create({"name": "别的片区"})
        cls.street = cls.env["care.community"].create(
            {"name": "测试街道", "kind": "street", "territory_id": cls.territory.id}
        )
        cls.community = cls.env["care.community"].create(
            {"name": "测试社区", "kind": "community", "parent_id": cls.street.id}
        )
        cls.grid = cls.env["care.community"].create(
            {"name": "第一网格", "kind": "grid", "parent_id": cls.community.id}
        )
        cls.elder = cls.env["care.elder"].create(
            {
                "name": "王秀兰",
                "mobile": "+86 138 0000 1111",
                "street": "红庙北里6号楼3单元502室",
                "city": "朝阳区",
                "grid_id": cls.grid.id,
                "allergies": "青霉素",
                "mobility": "walker",
                "contact_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "李娜",
                            "mobile": "+86 139 0000 2222",
                            "relationship": "daughter",
                        },
                    )
                ],
            }
        )
        cls.housekeeping = ref("care_dispatch.cat_housekeeping")
        cls.rehab = ref("care_dispatch.cat_rehab")
        cls.today = fields.Date.today()
        cls.good = cls.make_provider("好服务公司", rating=4.5)
        cls.cheap = cls.make_provider("便宜服务公司", rating=4.5, price=50)
        cls.poor = cls.make_provider("一般服务公司", rating=2.5)

    @classmethod
    def make_provider(
        cls,
        name,
        rating=0.0,
        price=None,
        categories=None,
        territory=None,
        licence_days=365,
        approve=True,
        **vals,
    ):
        categories = categories or cls.housekeeping
        provider = cls.env["care.provider"].create(
            {
                "name": name,
                "category_ids": [(6, 0, categories.ids)],
                "territory_ids": [(6, 0, (territory or cls.territory).ids)],
                "qualification_ids": [
                    (
                        0,
                        0,
                        {
                            "kind": "business_licence",
                            "name": f"LIC-{name}",
                            "date_expiry": cls.today + timedelta(days=licence_days),
                        },
                    )
                ],
                "price_ids": [(0, 0, {"category_id": categories[0].id, "price": price})]
                if price is not None
                else [],
                **vals,
            }
        )
        if approve:
            provider.action_approve()
        if rating:
            provider.rating = rating
        return provider

    @classmethod
    def make_order(cls, category=None, **vals):
        return cls.env["fsm.order"].create(
            {
                "care_elder_id": cls.elder.id,
                "care_category_id": (category or cls.housekeeping).id,
                **vals,
            }
        )
