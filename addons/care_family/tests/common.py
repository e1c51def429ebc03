import base64
import re
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
)
ID_NUMBER = "110105193807113425"


class FamilyCase(HttpCase):
    """Two elders, each with a completed visit (photo, signature) and a
    family member with a portal login: A follows elder A, B follows elder B."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.manager = new_test_user(
            cls.env,
            login="fam_manager",
            groups="base.group_user,elder_crm.group_care_manager",
        )
        territory = cls.env["res.territory"].create({"name": "家属测试片区"})
        street = cls.env["care.community"].create(
            {"name": "家属测试街道", "kind": "street", "territory_id": territory.id}
        )
        community = cls.env["care.community"].create(
            {"name": "家属测试社区", "kind": "community", "parent_id": street.id}
        )
        cls.grid = cls.env["care.community"].create(
            {"name": "家属网格", "kind": "grid", "parent_id": community.id}
        )
        cls.housekeeping = cls.env.ref("care_dispatch.cat_housekeeping")
        cls.provider = cls.env["care.provider"].create(
            {
                "name": "家属测试服务公司",
                "category_ids": [(6, 0, cls.housekeeping.ids)],
                "territory_ids": [(6, 0, territory.ids)],
                "qualification_ids": [
                    (
                        0,
                        0,
                        {
                            "kind": "business_licence",
                            "name": "LIC-FAM",
                            "date_expiry": fields.Date.today() + timedelta(days=365),
                        },
                    )
                ],
            }
        )
        cls.provider.action_approve()
        cls.worker = cls.env["fsm.person"].create(
            {"name": "护理员赵敏", "care_provider_id": cls.provider.id}
        )
        cls.elder_a, cls.member_a, cls.line_a = cls.make_family(
            "甲老人", "甲家属", "fam_a", id_number=ID_NUMBER
        )
        cls.elder_b, cls.member_b, cls.line_b = cls.make_family(
            "乙老人", "乙家属", "fam_b"
        )
        cls.visit_a = cls.make_visit(cls.elder_a)
        cls.visit_b = cls.make_visit(cls.elder_b)
        cls.photo_a = cls.visit_a_photo = cls.env["ir.attachment"].search(
            [("res_model", "=", "fsm.order"), ("res_id", "=", cls.visit_a.id)]
        )

    @classmethod
    def make_family(cls, elder_name, member_name, login, **elder_vals):
        elder = cls.env["care.elder"].create(
            {
                "name": elder_name,
                "street": "红庙北里6号楼",
                "city": "朝阳区",
                "grid_id": cls.grid.id,
                "allergies": "青霉素过敏",
                "visitor_notes": "仅限员工：钥匙在门垫下",
                "contact_ids": [
                    (0, 0, {"name": member_name, "relationship": "daughter"})
                ],
                **elder_vals,
            }
        )
        contact = elder.contact_ids
        user = new_test_user(
            cls.env,
            login=login,
            groups="base.group_portal",
            partner_id=contact.partner_id.id,
        )
        line = cls.env["care.family.access"].create(
            {
                "contact_id": contact.id,
                "perm_schedule": True,
                "consent": "elder",
                "consent_date": fields.Date.today(),
            }
        )
        return elder, user, line

    @classmethod
    def make_visit(cls, elder):
        now = fields.Datetime.now()
        order = (
            cls.env["fsm.order"]
            .with_context(care_record_past=True)
            .create(
                {
                    "care_elder_id": elder.id,
                    "care_category_id": cls.housekeeping.id,
                    "request_early": now - timedelta(days=2, hours=3),
                    "request_late": now - timedelta(days=2),
                    "care_provider_id": cls.provider.id,
                    "care_dispatched_at": now - timedelta(days=3),
                    "person_id": cls.worker.id,
                    "care_checkin_at": now - timedelta(days=2, hours=2),
                    "care_checkout_at": now - timedelta(days=2, hours=1),
                    "date_end": now - timedelta(days=2, hours=1),
                    "signature": PNG,
                }
            )
        )
        cls.env["ir.attachment"].create(
            {
                "name": "after.png",
                "datas": PNG,
                "res_model": "fsm.order",
                "res_id": order.id,
            }
        )
        order.action_complete()
        return order

    # ------------------------------------------------------------------
    def login(self, user):
        self.authenticate(user.login, user.login)

    def get(self, path):
        return self.url_open(path, allow_redirects=False)

    def csrf(self, elder):
        page = self.get(f"/my/elder/{elder.id}")
        self.assertEqual(page.status_code, 200)
        match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        self.assertTrue(match, "the page has a CSRF token")
        return match.group(1)

    def post(self, path, data, token=None):
        data = dict(data)
        if token:
            data["csrf_token"] = token
        return self.url_open(path, data=data, allow_redirects=False)
