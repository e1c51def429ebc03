from odoo.tests import TransactionCase, new_test_user

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT
from odoo.addons.elder_crm.tests.common import gbt_values


class ReceptionCase(TransactionCase):
    """Two receptionists, a manager, and the reception stages."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        groups = "base.group_user,elder_crm.group_care_reception"
        cls.wang = new_test_user(cls.env, login="rc_wang", groups=groups)
        cls.li = new_test_user(cls.env, login="rc_li", groups=groups)
        cls.manager = new_test_user(
            cls.env,
            login="rc_manager",
            groups="base.group_user,elder_crm.group_care_manager",
        )
        cls.team = cls.env["crm.team"].create(
            {"name": "接待组", "user_id": cls.manager.id}
        )
        cls.Lead = cls.env["crm.lead"]
        ref = cls.env.ref
        cls.stage_new = ref("crm.stage_lead1")
        cls.stage_questionnaire = ref("crm.stage_lead2")
        cls.stage_assessed = ref("crm.stage_lead3")
        cls.stage_toured = ref("care_reception.stage_toured")
        cls.stage_proposal = ref("care_reception.stage_proposal")
        cls.stage_won = ref("crm.stage_lead4")
        cls.package = ref("care_reception.package_home_standard")

    @classmethod
    def make_lead(cls, **vals):
        values = {
            "name": "张桂兰 入住咨询",
            "type": "opportunity",
            "contact_name": "李娜",
            "mobile": "13912345678",
            "care_prospect_name": "张桂兰",
            "care_prospect_birth_year": 1941,
            "care_relationship": "daughter",
            "care_form": "home",
            "user_id": cls.wang.id,
            "team_id": cls.team.id,
            "stage_id": cls.stage_new.id,
        }
        values.update(vals)
        return cls.Lead.create(values)

    def assess(self, lead, total=60):
        """A confirmed GB/T 42195 assessment started from the lead."""
        lead.action_care_new_assessment()
        assessment = (
            self.env["care.assessment"]
            .with_context(care_lead_id=lead.id)
            .create(
                {
                    "elder_id": lead.care_elder_id.id,
                    "assessment_type": "gbt42195",
                    **gbt_values(total),
                }
            )
        )
        assessment.action_confirm()
        return assessment
