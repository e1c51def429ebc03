from odoo.tests import TransactionCase, new_test_user

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

from ..models.care_assessment import GBT_ITEMS

GROUPS = {
    "reception": "elder_crm.group_care_reception",
    "dispatcher": "elder_crm.group_care_dispatcher",
    "emergency": "elder_crm.group_care_emergency",
    "finance": "elder_crm.group_care_finance",
    "manager": "elder_crm.group_care_manager",
}

# valid resident ID numbers (GB 11643 check characters verified)
ID_1949_F = "11010519491231002X"
ID_1880_M = "440524188001010014"


def gbt_values(total):
    """Item values (as selection keys) summing to ``total`` (0-90)."""
    values = {}
    remaining = 90 - total
    for fname, _code, _dim, _label, selection in GBT_ITEMS:
        top = int(selection[0][0])
        cut = min(top, remaining)
        remaining -= cut
        values[fname] = str(top - cut)
    assert remaining == 0
    return values


class ElderCareCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.users = {
            role: new_test_user(
                cls.env, login=f"care_{role}", groups=f"base.group_user,{group}"
            )
            for role, group in GROUPS.items()
        }
        cls.Elder = cls.env["care.elder"]
        cls.Assessment = cls.env["care.assessment"]

    @classmethod
    def make_elder(cls, **vals):
        vals.setdefault("name", "测试老人")
        return cls.env["care.elder"].create(vals)

    @classmethod
    def make_gbt(cls, elder, total, confirm=True, **vals):
        assessment = cls.env["care.assessment"].create(
            {
                "elder_id": elder.id,
                "assessment_type": "gbt42195",
                **gbt_values(total),
                **vals,
            }
        )
        if confirm:
            assessment.action_confirm()
        return assessment
