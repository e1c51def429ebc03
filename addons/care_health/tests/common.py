from datetime import date

from odoo.tests import TransactionCase, new_test_user

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT


class HealthCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        mk = lambda login, groups: new_test_user(  # noqa: E731
            cls.env, login=login, groups=f"base.group_user,{groups}"
        )
        cls.member_a = mk("hl_member_a", "care_health.group_health_member")
        cls.member_b = mk("hl_member_b", "care_health.group_health_member")
        cls.leader = mk("hl_leader", "care_health.group_health_leader")
        cls.reception = mk("hl_reception", "elder_crm.group_care_reception")
        cls.dispatcher = mk("hl_dispatcher", "elder_crm.group_care_dispatcher")
        cls.finance = mk("hl_finance", "elder_crm.group_care_finance")
        cls.emergency = mk("hl_emergency", "elder_crm.group_care_emergency")
        Team = cls.env["care.health.team"]
        cls.team_a = Team.create(
            {
                "name": "HL Team A",
                "leader_id": cls.leader.id,
                "member_ids": [(6, 0, cls.member_a.ids)],
            }
        )
        cls.team_b = Team.create(
            {
                "name": "HL Team B",
                "leader_id": cls.leader.id,
                "member_ids": [(6, 0, cls.member_b.ids)],
            }
        )
        cls.elder_a = cls.make_elder("甲老人", cls.team_a)
        cls.elder_b = cls.make_elder("乙老人", cls.team_b)
        cls.Registry = cls.env["care.health.registry"]
        cls.Followup = cls.env["care.health.followup"]
        cls.Reading = cls.env["care.health.reading"]
        cls.Intervention = cls.env["care.health.intervention"]
        cls.Referral = cls.env["care.health.referral"]
        cls.Screening = cls.env["care.health.screening"]

    @classmethod
    def make_elder(cls, name, team=None, **vals):
        elder = cls.env["care.elder"].create({"name": name, **vals})
        if team:
            cls.env["care.health.contract"].create(
                {
                    "elder_id": elder.id,
                    "team_id": team.id,
                    "date_start": date(2020, 1, 1),
                }
            )
        return elder

    @classmethod
    def register(cls, elder, disease="hypertension", registered=None):
        return cls.env["care.health.registry"].create(
            {
                "elder_id": elder.id,
                "disease": disease,
                "diagnosis_date": date(2019, 1, 1),
                "source": "hospital",
                "date_registered": registered or date(2020, 1, 1),
            }
        )

    def followup(self, registry, **vals):
        vals.setdefault("date_planned", date(2026, 1, 10))
        return self.Followup.create(
            {"registry_id": registry.id, "kind": "extra", **vals}
        )
