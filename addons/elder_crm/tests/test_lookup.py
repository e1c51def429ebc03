from odoo.tests import tagged

from .common import ElderCareCase

MOBILE_FORMS = [
    "+86 138-0013-8000",
    "+86 138 0013 8000",
    "+8613800138000",
    "0086 13800138000",
    "0086-138-0013-8000",
    "86 13800138000",
    "8613800138000",
    "13800138000",
    "138 0013 8000",
    "138-0013-8000",
    " (138) 0013 8000 ",
]
LANDLINE_FORMS = [
    "010-65123456",
    "010 6512 3456",
    "(010) 6512-3456",
    "+86 10 6512 3456",
    "0086 10 65123456",
    "+86 (0)10 6512 3456",
]


@tagged("post_install", "-at_install")
class TestLookup(ElderCareCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.daughter = cls.env["res.partner"].create(
            {"name": "李娜", "mobile": "139 1000 2000"}
        )
        cls.father = cls.make_elder(
            name="李建国",
            mobile="138 0013 8000",
            phone="010-6512 3456",
            living_situation="spouse",
            contact_ids=[
                (
                    0,
                    0,
                    {
                        "partner_id": cls.daughter.id,
                        "relationship": "daughter",
                        "sequence": 1,
                        "is_decision_maker": True,
                    },
                ),
                (
                    0,
                    0,
                    {
                        "name": "李强",
                        "relationship": "son",
                        "mobile": "137 0000 1111",
                        "sequence": 2,
                    },
                ),
                (
                    0,
                    0,
                    {
                        "name": "王阿姨",
                        "relationship": "caregiver",
                        "phone": "010-8888 6666",
                        "is_emergency": False,
                    },
                ),
            ],
        )
        cls.mother = cls.make_elder(
            name="张桂英",
            mobile="138 0013 9000",
            contact_ids=[
                (0, 0, {"partner_id": cls.daughter.id, "relationship": "daughter"})
            ],
        )

    def test_every_mobile_form_finds_the_elder(self):
        for number in MOBILE_FORMS:
            with self.subTest(number=number):
                cards = self.Elder.lookup_phone(number)
                self.assertEqual([c["id"] for c in cards], [self.father.id])
                self.assertEqual(cards[0]["match"]["via"], "elder")

    def test_every_landline_form_finds_the_elder(self):
        for number in LANDLINE_FORMS:
            with self.subTest(number=number):
                self.assertEqual(
                    [c["id"] for c in self.Elder.lookup_phone(number)], [self.father.id]
                )

    def test_family_number_pops_the_elder_and_says_who(self):
        cards = self.Elder.lookup_phone("0086 137-0000-1111")
        self.assertEqual(len(cards), 1)
        self.assertEqual(cards[0]["id"], self.father.id)
        self.assertEqual(cards[0]["match"]["via"], "family")
        self.assertEqual(cards[0]["match"]["contact_name"], "李强")
        self.assertEqual(cards[0]["match"]["relationship"], "son")

    def test_landline_of_a_non_emergency_contact(self):
        cards = self.Elder.lookup_phone("(010)88886666")
        self.assertEqual([c["id"] for c in cards], [self.father.id])

    def test_shared_daughter_pops_both_parents(self):
        cards = self.Elder.lookup_phone("+86 139 1000 2000")
        self.assertEqual({c["id"] for c in cards}, {self.father.id, self.mother.id})
        self.assertTrue(all(c["match"]["via"] == "family" for c in cards))

    def test_card_content(self):
        self.make_gbt(self.father, 60)
        card = self.Elder.lookup_phone("13800138000")[0]
        self.assertEqual(card["name"], "李建国")
        self.assertEqual(card["code"], self.father.code)
        self.assertEqual(card["level"], "2")
        self.assertEqual(card["service_tier"], "paid")
        self.assertEqual(
            [c["name"] for c in card["emergency_contacts"]],
            ["李娜", "李强"],
            "emergency contacts in call order, non-emergency contacts left out",
        )
        self.assertTrue(card["emergency_contacts"][0]["decision_maker"])

    def test_unknown_and_garbage_numbers(self):
        for number in ("13911112222", "hello", "", "12", False, None, 13800138000):
            with self.subTest(number=number):
                self.assertEqual(self.Elder.lookup_phone(number), [])

    def test_flags_follow_access_rights(self):
        dementia = self.env.ref("elder_crm.condition_dementia")
        self.father.write(
            {
                "condition_ids": [(4, dementia.id)],
                "living_situation": "alone",
                "subsidy_category_ids": [
                    (4, self.env.ref("elder_crm.subsidy_category_age_80").id)
                ],
            }
        )
        Elder = self.Elder.with_user(self.users["emergency"])
        flags = Elder.lookup_phone("13800138000")[0]["flags"]
        self.assertIn("Dementia", flags)
        self.assertIn("Lives alone", flags)
        flags = self.Elder.with_user(self.users["dispatcher"]).lookup_phone(
            "13800138000"
        )[0]["flags"]
        self.assertNotIn("Dementia", flags)
        self.assertIn("Lives alone", flags)

    def test_ad8_flag_for_medical_groups_only(self):
        answers = dict.fromkeys(
            ("ad8_judgment", "ad8_interest", "ad8_repeats", "ad8_learning"), "yes"
        )
        answers.update(
            dict.fromkeys(
                ("ad8_month", "ad8_finances", "ad8_appointments", "ad8_daily"), "no"
            )
        )
        self.env["care.assessment"].create(
            {"elder_id": self.father.id, "assessment_type": "ad8", **answers}
        ).action_confirm()
        self.assertTrue(self.father.ad8_positive)
        for role in ("reception", "emergency", "manager"):
            with self.subTest(role=role):
                card = self.Elder.with_user(self.users[role]).lookup_phone(
                    "13800138000"
                )[0]
                self.assertIn("AD8 positive", card["flags"])
        for role in ("dispatcher", "finance"):
            with self.subTest(role=role):
                card = self.Elder.with_user(self.users[role]).lookup_phone(
                    "13800138000"
                )[0]
                self.assertNotIn("AD8 positive", card["flags"])
                self.assertFalse(
                    {"ad8_positive", "ad8_score", "has_dementia"} & set(card)
                )

    def test_other_company_elders_not_popped(self):
        other = self.env["res.company"].create({"name": "另一家服务中心"})
        self.make_elder(name="别家老人", mobile="135 5555 6666", company_id=other.id)
        Elder = self.Elder.with_user(self.users["dispatcher"])
        self.assertEqual(Elder.lookup_phone("13555556666"), [])

    def test_search_view_phone_filter(self):
        found = self.Elder.search([("phone_lookup", "=", "0086 139 1000 2000")])
        self.assertEqual(found, self.father | self.mother)
