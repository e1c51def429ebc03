import datetime

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models import care_elder as care_elder_module
from ..tools import id_number as idn
from .common import ID_1880_M, ID_1949_F, ElderCareCase

MASK_1949_F = "110105************"
MASK_1880_M = "440524************"


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
        self.assertEqual(idn.mask(ID_1949_F), MASK_1949_F)

    def test_mask_hides_what_birth_date_and_sex_do_not_tell(self):
        """Birth date and sex are shown to all staff: the mask must leave more
        than one number fitting them, i.e. hide the sequence and check."""
        masked = idn.mask(ID_1949_F)
        self.assertEqual(len(masked), 18)
        self.assertEqual(masked[6:], "*" * 12)
        birth = idn.birth_date(ID_1949_F)
        candidates = [
            masked[:6] + birth.strftime("%Y%m%d") + f"{seq:03d}" for seq in range(1000)
        ]
        candidates = [
            number + idn.check_char(number)
            for number in candidates
            if idn.gender(number + "0") == idn.gender(ID_1949_F)
        ]
        self.assertIn(ID_1949_F, candidates)
        self.assertEqual(len(candidates), 500)


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

    def test_duplicate_refused_without_naming_the_elder_for_non_managers(self):
        first = self.make_elder(name="张一", id_number=ID_1949_F)
        Elder = self.Elder.with_user(self.users["reception"])
        with (
            mute_logger("odoo.addons.elder_crm.models.care_elder"),
            self.assertRaisesRegex(ValidationError, "already registered") as ctx,
        ):
            Elder.create({"name": "张二", "id_number_display": ID_1949_F})
        message = str(ctx.exception)
        self.assertNotIn("张一", message)
        self.assertNotIn(first.code, message)
        self.assertNotIn("110105", message)
        self.assertFalse(self.Elder.search([("name", "=", "张二")]))

    def test_duplicate_refusals_are_logged_and_throttled(self):
        self.make_elder(name="张一", id_number=ID_1949_F)
        self.addCleanup(care_elder_module._id_refusals.clear)
        Elder = self.Elder.with_user(self.users["dispatcher"])
        logger = "odoo.addons.elder_crm.models.care_elder"
        for _attempt in range(care_elder_module.ID_REFUSAL_LIMIT):
            with (
                self.assertLogs(logger, "WARNING") as logs,
                self.assertRaisesRegex(ValidationError, "already registered"),
            ):
                Elder.create({"name": "猜号", "id_number_display": ID_1949_F})
            self.assertIn("already registered", logs.output[0])
        # from now on any number is refused, registered or not: no oracle
        for number in (ID_1949_F, ID_1880_M):
            with (
                self.assertLogs(logger, "WARNING"),
                self.assertRaisesRegex(AccessError, "suspended"),
            ):
                Elder.create({"name": "猜号", "id_number_display": number})
        self.assertFalse(self.Elder.search([("name", "=", "猜号")]))
        # other users and managers are not affected
        elder = self.Elder.with_user(self.users["reception"]).create(
            {"name": "新老人", "id_number_display": ID_1880_M}
        )
        self.assertEqual(elder.sudo().id_number, ID_1880_M)
        # a name without a number is still registered by the throttled user
        self.assertTrue(Elder.create({"name": "无证老人"}))

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
                    elder.with_user(self.users[role]).id_number_display, MASK_1949_F
                )

    def test_reception_enters_number_through_display_field(self):
        Elder = self.Elder.with_user(self.users["reception"])
        elder = Elder.create(
            {"name": "刘大爷", "id_number_display": "440524188001010014"}
        )
        self.assertEqual(elder.sudo().id_number, ID_1880_M)
        self.assertEqual(elder.id_number_display, MASK_1880_M)
        # saving the masked value back changes nothing
        elder.write({"id_number_display": MASK_1880_M})
        self.assertEqual(elder.sudo().id_number, ID_1880_M)
        # any other value is refused, the right number as much as a wrong
        # one (an answer that differed would confirm guesses)
        for value in (ID_1880_M, ID_1949_F, "440524********0015", False):
            with (
                self.subTest(value=value),
                self.assertRaisesRegex(AccessError, "care manager"),
            ):
                elder.write({"id_number_display": value})
        self.assertEqual(elder.sudo().id_number, ID_1880_M)
        # a care manager corrects it
        elder.with_user(self.users["manager"]).write({"id_number_display": ID_1949_F})
        self.assertEqual(elder.sudo().id_number, ID_1949_F)
        self.assertEqual(elder.birth_date, datetime.date(1949, 12, 31))

    def test_search_by_full_number_for_managers_only(self):
        elder = self.make_elder(id_number=ID_1949_F)
        found = self.Elder.with_user(self.users["manager"]).search(
            [("id_number_display", "=", "11010519491231002x")]
        )
        self.assertEqual(found, elder)
        export = self.env.ref("base.group_allow_export")
        for role in ("reception", "dispatcher", "emergency", "finance"):
            # with the right to export, the worst case
            self.users[role].groups_id += export
            Elder = self.Elder.with_user(self.users[role])
            for domain in (
                [("id_number_display", "=", ID_1949_F)],
                [("id_number_display", "ilike", "110105")],
                [("id_number", "=", ID_1949_F)],
                [("id_number", "=like", "110105%")],
            ):
                with (
                    self.subTest(role=role, domain=domain),
                    self.assertRaises(AccessError),
                ):
                    Elder.search_count(domain)
            with self.subTest(role=role), self.assertRaises(AccessError):
                Elder.search([], order="id_number")
            with self.subTest(role=role), self.assertRaises(AccessError):
                Elder.read_group([], ["id"], ["id_number"])
            with self.subTest(role=role), self.assertRaises(AccessError):
                Elder.browse(elder.id).export_data(["id_number"])
            exported = Elder.browse(elder.id).export_data(
                ["name", "id_number_display", "birth_date"]
            )["datas"][0]
            self.assertEqual(exported[1], MASK_1949_F)

    def test_birth_date_and_sex_follow_the_id_number(self):
        elder = self.make_elder(id_number=ID_1949_F)
        for vals in (
            {"birth_date": datetime.date(1950, 1, 1)},
            {"gender": "male"},
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(ValidationError, "come from their ID number"),
                self.env.cr.savepoint(),
            ):
                elder.write(vals)
        self.assertEqual(
            (elder.birth_date, elder.gender), (datetime.date(1949, 12, 31), "female")
        )
        # without a number they are typed in
        other = self.make_elder(birth_date=datetime.date(1950, 1, 1))
        other.write({"gender": "male", "birth_date": datetime.date(1951, 2, 3)})
        self.assertEqual(
            (other.birth_date, other.gender), (datetime.date(1951, 2, 3), "male")
        )

    def test_search_refusal_is_a_clear_message(self):
        with self.assertRaisesRegex(UserError, "name, phone number or archive number"):
            self.Elder.with_user(self.users["reception"]).search(
                [("id_number_display", "=", ID_1949_F)]
            )
