import datetime

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..tools import id_number as idn
from .common import ID_1880_M, ID_1949_F, ElderCareCase


@tagged("post_install", "-at_install")
class TestIdNumberTool(ElderCareCase):
    def test_check_characters(self):
        self.assertEqual(idn.check_char("11010519491231002"), "X")
        self.assertEqual(idn.check_char("44052418800101001"), "4")

    def test_normalize_accepts_lower_case_x_and_spaces(self):
        self.assertEqual(idn.normalize("110105 19491231 002x"), ID_1949_F)

    def test_normalize_converts_15_digits(self):
        # 110105 491231 002 -> century 19 inserted, check character computed
        self.assertEqual(idn.normalize("110105491231002"), ID_1949_F)

    def test_normalize_refuses(self):
        cases = {
            "11010519491231002": "format",  # 17 characters
            "1101051949123100X2": "format",  # X not last
            "110105194913310023": "date",  # month 13
            "110105194902300029": "date",  # 30 February
            "11010519491231002Y": "format",
            "110105194912310021": "checksum",
        }
        for value, code in cases.items():
            with self.subTest(value=value), self.assertRaises(idn.IdNumberError) as ctx:
                idn.normalize(value)
            self.assertEqual(ctx.exception.code, code)

    def test_future_birth_date_refused(self):
        number = "11010520990101001"
        number += idn.check_char(number)
        with self.assertRaises(idn.IdNumberError) as ctx:
            idn.normalize(number, today=datetime.date(2026, 1, 1))
        self.assertEqual(ctx.exception.code, "future")

    def test_derivations_and_mask(self):
        self.assertEqual(idn.birth_date(ID_1949_F), datetime.date(1949, 12, 31))
        self.assertEqual(idn.gender(ID_1949_F), "female")
        self.assertEqual(idn.gender(ID_1880_M), "male")
        self.assertEqual(idn.mask(ID_1949_F), "110105********002X")


@tagged("post_install", "-at_install")
class TestElderIdNumber(ElderCareCase):
    def test_birth_date_gender_age_derived(self):
        elder = self.make_elder(id_number="11010519491231002x")
        self.assertEqual(elder.id_number, ID_1949_F)
        self.assertEqual(elder.birth_date, datetime.date(1949, 12, 31))
        self.assertEqual(elder.gender, "female")
        today = datetime.date.today()
        expected = today.year - 1949 - ((today.month, today.day) < (12, 31))
        self.assertEqual(elder.age, expected)

    def test_15_digit_number_converted(self):
        elder = self.make_elder(id_number="110105491231002")
        self.assertEqual(elder.id_number, ID_1949_F)

    def test_invalid_number_refused_nothing_saved(self):
        count = self.Elder.search_count([])
        with self.assertRaisesRegex(ValidationError, "check digit"):
            self.make_elder(name="王错号", id_number="110105194912310021")
        self.assertEqual(self.Elder.search_count([]), count)
        self.assertFalse(self.env["res.partner"].search([("name", "=", "王错号")]))

    def test_invalid_number_refused_on_write(self):
        elder = self.make_elder(id_number=ID_1949_F)
        with self.assertRaisesRegex(ValidationError, "18 characters"):
            elder.write({"id_number": "12345"})
        self.assertEqual(elder.id_number, ID_1949_F)

    def test_duplicate_in_same_company_refused(self):
        first = self.make_elder(name="张一", id_number=ID_1949_F)
        partners = self.env["res.partner"].search_count([])
        # refused before anything is written (no savepoint needed to undo it)
        with self.assertRaisesRegex(ValidationError, first.code):
            self.make_elder(name="张二", id_number="11010519491231002x")
        self.assertEqual(self.Elder.search_count([("name", "=", "张二")]), 0)
        self.assertEqual(self.env["res.partner"].search_count([]), partners)
        second = self.make_elder(name="张三")
        with self.assertRaisesRegex(ValidationError, "张一"):
            second.write({"id_number": ID_1949_F})
        self.assertFalse(second.id_number)
        pair = self.make_elder(name="丙") | self.make_elder(name="丁")
        with self.assertRaisesRegex(ValidationError, "more than one"):
            pair.write({"id_number": ID_1880_M})
        self.assertFalse(any(pair.mapped("id_number")))
        with self.assertRaisesRegex(ValidationError, "more than one"):
            self.Elder.create(
                [
                    {"name": "甲", "id_number": ID_1880_M},
                    {"name": "乙", "id_number": ID_1880_M},
                ]
            )

    def test_same_number_in_other_company_allowed(self):
        other = self.env["res.company"].create({"name": "另一家服务中心"})
        self.make_elder(id_number=ID_1949_F)
        elder = self.make_elder(id_number=ID_1949_F, company_id=other.id)
        self.assertEqual(elder.company_id, other)

    def test_masked_for_non_managers_full_for_managers(self):
        elder = self.make_elder(id_number=ID_1949_F)
        self.assertEqual(
            elder.with_user(self.users["manager"]).id_number_display, ID_1949_F
        )
        for role in ("reception", "dispatcher", "emergency", "finance"):
            with self.subTest(role=role):
                self.assertEqual(
                    elder.with_user(self.users[role]).id_number_display,
                    "110105********002X",
                )

    def test_reception_enters_number_through_display_field(self):
        Elder = self.Elder.with_user(self.users["reception"])
        elder = Elder.create(
            {"name": "刘大爷", "id_number_display": "440524188001010014"}
        )
        self.assertEqual(elder.sudo().id_number, ID_1880_M)
        self.assertEqual(elder.id_number_display, "440524********0014")
        # saving the masked value back changes nothing
        elder.write({"id_number_display": "440524********0014"})
        self.assertEqual(elder.sudo().id_number, ID_1880_M)
        with self.assertRaises(ValidationError):
            elder.write({"id_number_display": "440524********0015"})
        self.assertEqual(elder.sudo().id_number, ID_1880_M)

    def test_search_by_full_number(self):
        elder = self.make_elder(id_number=ID_1949_F)
        found = self.Elder.with_user(self.users["reception"]).search(
            [("id_number_display", "=", "11010519491231002x")]
        )
        self.assertEqual(found, elder)
