"""Issue 14 item 18: one reading of a phone number in the whole suite,
whatever the company's country."""

from odoo.tests import tagged

from .common import ReceptionCase

FORMS = ("+86 166-5133-4871", "0086 16651334871", "166 5133 4871", "16651334871")


@tagged("post_install", "-at_install")
class TestPhoneNumbers(ReceptionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the demo company is in the US: numbers were read as American
        cls.env.company.country_id = cls.env.ref("base.us")

    def test_every_form_finds_the_one_lead(self):
        lead = self.make_lead(mobile="166 5133 4871")
        self.assertEqual(lead.phone_sanitized, "+8616651334871")
        for form in FORMS:
            with self.subTest(form=form):
                self.assertEqual(self.Lead._care_find_open_lead(form), lead)
                self.assertEqual(
                    self.env["care.elder"]._sanitize_number(form), lead.phone_sanitized
                )

    def test_every_form_typed_on_a_lead_is_the_same_number(self):
        leads = self.Lead.browse()
        for index, form in enumerate(FORMS):
            leads |= self.make_lead(name=f"咨询 {index}", mobile=form)
        self.assertEqual(set(leads.mapped("phone_sanitized")), {"+8616651334871"})
        # CRM's similar leads see them as one family
        self.assertEqual(leads[0].duplicate_lead_ids, leads)

    def test_a_lead_in_another_country_still_reads_chinese_numbers(self):
        lead = self.make_lead(
            mobile="16651334871", country_id=self.env.ref("base.us").id
        )
        self.assertEqual(lead.phone_sanitized, "+8616651334871")
        # a foreign number typed with its prefix stays foreign
        foreign = self.make_lead(name="海外子女", mobile="+1 650-555-0123")
        self.assertEqual(foreign.phone_sanitized, "+16505550123")
