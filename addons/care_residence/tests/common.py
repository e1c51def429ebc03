from contextlib import contextmanager
from datetime import date, timedelta

from odoo import fields
from odoo.tests import TransactionCase, new_test_user

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT
from odoo.addons.elder_crm.tests.common import gbt_values


class ResidenceCase(TransactionCase):
    """A building of its own: a single room (3000), a women's double room
    (2000), a double room without restriction (2000); three elders assessed
    at level 2 (two women, one man); one user per role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # one calendar for the code, its SQL reports (CURRENT_DATE of the
        # UTC session) and the test users (no tz): the tests do not depend on
        # the hour they run at
        cls.env = cls.env(
            context=dict(cls.env.context, tz="UTC", **DISABLED_MAIL_CONTEXT)
        )
        cls.today = fields.Date.context_today(cls.env["care.residence.bed"])
        user = "base.group_user,"
        cls.reception = new_test_user(
            cls.env,
            login="res_reception",
            groups=user + "elder_crm.group_care_reception",
        )
        cls.manager = new_test_user(
            cls.env, login="res_manager", groups=user + "elder_crm.group_care_manager"
        )
        cls.finance = new_test_user(
            cls.env, login="res_finance", groups=user + "elder_crm.group_care_finance"
        )
        cls.dispatcher = new_test_user(
            cls.env,
            login="res_dispatcher",
            groups=user + "elder_crm.group_care_dispatcher",
        )
        cls.company = cls.env.company
        cls.building = cls.env["care.residence.building"].create(
            {
                "name": "测试颐养院",
                "meal_price": 1200,
                "deposit_amount": 5000,
            }
        )
        cls.floor = cls.env["care.residence.floor"].create(
            {"name": "一层", "building_id": cls.building.id}
        )
        Room, Bed = cls.env["care.residence.room"], cls.env["care.residence.bed"]
        cls.single = Room.create(
            {
                "name": "T01",
                "floor_id": cls.floor.id,
                "room_type": "single",
                "monthly_price": 3000,
            }
        )
        cls.women = Room.create(
            {
                "name": "T02",
                "floor_id": cls.floor.id,
                "room_type": "double",
                "sex_restriction": "female",
                "monthly_price": 2000,
            }
        )
        cls.shared = Room.create(
            {
                "name": "T03",
                "floor_id": cls.floor.id,
                "room_type": "double",
                "monthly_price": 2000,
            }
        )
        cls.bed_single = Bed.create({"name": "A", "room_id": cls.single.id})
        cls.bed_w1 = Bed.create({"name": "A", "room_id": cls.women.id})
        cls.bed_w2 = Bed.create({"name": "B", "room_id": cls.women.id})
        cls.bed_s1 = Bed.create({"name": "A", "room_id": cls.shared.id})
        cls.bed_s2 = Bed.create({"name": "B", "room_id": cls.shared.id})
        cls.mother = cls.make_elder("测试秀英", "female")
        cls.aunt = cls.make_elder("测试桂兰", "female")
        cls.uncle = cls.make_elder("测试建国", "male")
        cls.daughter = cls.env["res.partner"].create({"name": "测试女儿"})
        cls.level_2 = cls.env.ref("care_residence.care_level_2")

    @classmethod
    def make_elder(cls, name, gender, total=50):
        elder = cls.env["care.elder"].create({"name": name, "gender": gender})
        assessment = cls.env["care.assessment"].create(
            {
                "elder_id": elder.id,
                "assessment_type": "gbt42195",
                "date": date(2025, 12, 1),
                **gbt_values(total),
            }
        )
        assessment.action_confirm()
        return elder

    def reserve(self, elder, bed, start, end=False, stay_type="long", user=None):
        Stay = self.env["care.residence.stay"].with_user(user or self.reception)
        return Stay.create(
            {
                "elder_id": elder.id,
                "bed_id": bed.id,
                "date_start": start,
                "date_end": end,
                "stay_type": stay_type,
            }
        ).with_env(self.env)

    def admitted(self, elder, bed, start, **kw):
        stay = self.reserve(elder, bed, start, **kw)
        stay.with_user(self.manager).action_admit(start)
        return stay.with_env(self.env)

    def days(self, n):
        return self.today + timedelta(days=n)

    def count(self, model):
        return self.env[model].sudo().search_count([])

    @contextmanager
    def refused(self, exception, pattern):
        """Refused with ``exception`` whose message matches ``pattern``,
        in a savepoint (as a refused RPC call rolls its transaction back)."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertRegex(str(caught.exception), pattern)
