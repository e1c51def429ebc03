from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ID_1949_F, ElderCareCase

MEDICAL = (
    "condition_ids",
    "medications",
    "treatment_plan",
    "hospital_id",
    "doctor_id",
    "payment_method_ids",
)


@tagged("post_install", "-at_install")
class TestAccess(ElderCareCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.elder = cls.make_elder(
            name="钱老伯",
            id_number=ID_1949_F,
            allergies="青霉素",
            medications="二甲双胍",
            condition_ids=[(4, cls.env.ref("elder_crm.condition_diabetes").id)],
        )
        cls.assessment = cls.make_gbt(cls.elder, 60)

    def as_(self, role):
        return self.elder.with_user(self.users[role])

    def test_everyone_reads_the_social_archive(self):
        for role in self.users:
            with self.subTest(role=role):
                elder = self.as_(role)
                self.assertEqual(elder.name, "钱老伯")
                self.assertEqual(elder.gbt_level, "2")

    def test_full_id_number_only_for_managers(self):
        self.assertEqual(self.as_("manager").id_number, ID_1949_F)
        for role in ("reception", "dispatcher", "emergency", "finance"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                self.as_(role).read(["id_number"])

    def test_medical_fields(self):
        for role in ("reception", "emergency", "manager"):
            with self.subTest(role=role):
                self.assertEqual(self.as_(role).medications, "二甲双胍")
        for role in ("dispatcher", "finance"):
            for fname in MEDICAL:
                with (
                    self.subTest(role=role, field=fname),
                    self.assertRaises(AccessError),
                ):
                    self.as_(role).read([fname])

    def test_dementia_and_ad8_results_for_medical_groups_only(self):
        derived = ("has_dementia", "ad8_score", "ad8_positive")
        for role in ("reception", "emergency", "manager"):
            with self.subTest(role=role):
                self.as_(role).read(list(derived))
        for role in ("dispatcher", "finance"):
            elder = self.as_(role)
            for fname in derived:
                with (
                    self.subTest(role=role, field=fname),
                    self.assertRaises(AccessError),
                ):
                    elder.read([fname])
                with (
                    self.subTest(role=role, field=fname, op="search"),
                    self.assertRaises(AccessError),
                ):
                    self.Elder.with_user(self.users[role]).search_count(
                        [(fname, "=", True)]
                    )
                with (
                    self.subTest(role=role, field=fname, op="group"),
                    self.assertRaises(AccessError),
                ):
                    self.Elder.with_user(self.users[role]).read_group(
                        [], ["id"], [fname]
                    )
            # the fields the role is offered leave them out
            offered = self.Elder.with_user(self.users[role]).fields_get()
            self.assertFalse(set(derived) & set(offered))
            self.assertNotIn("id_number", offered)
            self.assertNotIn("assessment_ids", offered)

    def test_allergies_for_safety_roles(self):
        for role in ("reception", "dispatcher", "emergency"):
            with self.subTest(role=role):
                self.assertEqual(self.as_(role).allergies, "青霉素")
        with self.assertRaises(AccessError):
            self.as_("finance").read(["allergies"])

    def test_who_creates_and_writes_elders(self):
        for role in ("reception", "dispatcher", "manager"):
            with self.subTest(role=role):
                elder = self.Elder.with_user(self.users[role]).create(
                    {"name": f"新老人{role}"}
                )
                elder.write({"hobbies": "京剧"})
        for role in ("emergency", "finance"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                self.Elder.with_user(self.users[role]).create({"name": "不允许"})
        self.as_("emergency").write({"visitor_notes": "左耳听力差"})
        with self.assertRaises(AccessError):
            self.as_("finance").write({"hobbies": "下棋"})

    def test_only_managers_delete(self):
        elder = self.make_elder(name="待删除")
        for role in ("reception", "dispatcher", "emergency", "finance"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                elder.with_user(self.users[role]).unlink()
        elder.with_user(self.users["manager"]).unlink()
        self.assertFalse(elder.exists())

    def test_assessments(self):
        Assessment = self.env["care.assessment"]
        self.assertEqual(
            self.assessment.with_user(self.users["emergency"]).total_score, 60
        )
        with self.assertRaises(AccessError):
            Assessment.with_user(self.users["emergency"]).create(
                {"elder_id": self.elder.id}
            )
        for role in ("dispatcher", "finance"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                self.assessment.with_user(self.users[role]).read(["total_score"])
        draft = Assessment.with_user(self.users["reception"]).create(
            {"elder_id": self.elder.id}
        )
        self.assertEqual(draft.state, "draft")

    def test_configuration_is_for_managers(self):
        Category = self.env["care.subsidy.category"]
        self.assertTrue(Category.with_user(self.users["finance"]).search([]))
        with self.assertRaises(AccessError):
            Category.with_user(self.users["reception"]).create(
                {"name": "X", "code": "x"}
            )
        Category.with_user(self.users["manager"]).create(
            {"name": "X", "code": "x_test"}
        )

    def test_family_contacts(self):
        Contact = self.env["care.elder.contact"]
        contact = Contact.with_user(self.users["dispatcher"]).create(
            {"elder_id": self.elder.id, "name": "钱小妹", "mobile": "139 2222 3333"}
        )
        self.assertEqual(contact.partner_id.name, "钱小妹")
        with self.assertRaises(AccessError):
            Contact.with_user(self.users["finance"]).create(
                {"elder_id": self.elder.id, "name": "X"}
            )

    def test_multi_company(self):
        other = self.env["res.company"].create({"name": "另一家服务中心"})
        foreign = self.make_elder(name="别家老人", company_id=other.id)
        Elder = self.Elder.with_user(self.users["manager"])
        self.assertNotIn(foreign, Elder.search([]))
        with self.assertRaises(AccessError):
            foreign.with_user(self.users["manager"]).read(["name"])
