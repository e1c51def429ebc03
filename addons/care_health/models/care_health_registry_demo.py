import random
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = ("秀英", "桂英", "建国", "玉兰", "淑珍", "志强", "凤兰", "国华", "德明", "丽华")
PATIENTS = 30
DEMO_SEED = 18


class CareHealthRegistry(models.Model):
    _inherit = "care.health.registry"

    @api.model
    def _demo_generate_patients(self):
        """Demo: 30 registered patients of the demo team with a year of
        follow-ups in every class, monthly home readings, a referral and
        open, late and handled interventions. Deterministic (fixed seed,
        dates relative to today), batched, and run once (the first patient's
        external id marks it done)."""
        if self.env.ref("care_health.demo_patient_01", raise_if_not_found=False):
            return False
        env = self.env(su=True)
        rng = random.Random(DEMO_SEED)  # noqa: S311 (demo values, not secrets)
        today = fields.Date.context_today(self)
        team = env.ref("care_health.team_demo")
        grids = env["care.community"].search([("kind", "=", "grid")], order="id")
        elders = env["care.elder"].create(
            [
                {
                    "name": SURNAMES[i] + GIVEN[i % len(GIVEN)],
                    "gender": "female" if i % 2 else "male",
                    "birth_date": today - relativedelta(years=62 + (i * 7) % 25),
                    "grid_id": grids[i % len(grids)].id if grids else False,
                }
                for i in range(PATIENTS)
            ]
        )
        env["ir.model.data"].create(
            [
                {
                    "module": "care_health",
                    "name": f"demo_patient_{i + 1:02d}",
                    "model": "care.elder",
                    "res_id": elder.id,
                    "noupdate": True,
                }
                for i, elder in enumerate(elders)
            ]
        )
        env["care.health.contract"].create(
            [
                {
                    "elder_id": elder.id,
                    "team_id": team.id,
                    "tier": "advanced",
                    "date_start": today - relativedelta(years=1, months=2),
                }
                for elder in elders
            ]
        )
        registered = today - relativedelta(years=1, months=1)
        # 0-19 hypertension, 20-29 type 2 diabetes
        registries = self.sudo().create(
            [
                {
                    "elder_id": elder.id,
                    "disease": "hypertension" if i < 20 else "diabetes",
                    "diagnosis_date": registered - relativedelta(years=3),
                    "source": "hospital" if i % 3 else "community",
                    "date_registered": registered,
                }
                for i, elder in enumerate(elders)
            ]
        )
        # profiles: controlled, once out of target, twice out (referral),
        # and one danger reading at the last visit
        Followup = env["care.health.followup"]
        previous = {}
        last_round = Followup
        for visit in range(4):
            vals_list = []
            for i, registry in enumerate(registries):
                if i % 5 == 4 and visit == 3:
                    continue  # a few patients miss the fourth visit
                done = today - timedelta(days=320 - 95 * visit + i % 10)
                profile = i % 4
                out = (
                    (profile == 2 and visit >= 2)
                    or (profile == 1 and visit == 2)
                    or (profile == 3 and visit == 1)
                )
                vals = {
                    "registry_id": registry.id,
                    "kind": "routine",
                    "state": "done",
                    "date_planned": done,
                    "date_done": done,
                    "user_id": team.leader_id.id,
                    "previous_id": previous.get(registry.id, False),
                    "adherence": "regular" if not out else "intermittent",
                    "side_effects": profile == 3 and visit == 3,
                }
                danger = i == 6 and visit == 3
                if registry.disease == "hypertension":
                    if danger:
                        vals.update(sbp=186, dbp=112)
                    elif out:
                        vals.update(sbp=rng.randint(142, 165), dbp=rng.randint(86, 98))
                    else:
                        vals.update(sbp=rng.randint(118, 138), dbp=rng.randint(70, 86))
                else:
                    vals["glucose"] = (
                        round(rng.uniform(7.2, 9.8), 1)
                        if out
                        else round(rng.uniform(5.2, 6.8), 1)
                    )
                vals_list.append(vals)
            created = Followup.create(vals_list)
            previous.update({f.registry_id.id: f.id for f in created})
            last_round = created
        # the last visits' referrals (and the follow-ups they ask for)
        last_round.filtered(
            lambda f: f.classification in ("referral", "danger")
        )._apply_outcome()
        referrals = env["care.health.referral"].search(
            [("elder_id", "in", elders.ids)], order="id"
        )
        hospital = env.ref("care_health.hospital_demo")
        for referral in referrals[:1]:
            referral.write(
                {
                    "hospital_id": hospital.id,
                    "department_id": env.ref(
                        "care_health.department_cardiology_demo"
                    ).id,
                }
            )
            referral.action_send()
        # monthly home readings, the last three of two patients high
        readings = []
        for i, elder in enumerate(elders[:20]):
            for month in range(12, 0, -1):
                day = today - relativedelta(months=month) + timedelta(days=i % 7)
                readings.append(
                    {
                        "elder_id": elder.id,
                        "source": "home",
                        "measured_at": datetime.combine(day, time(1, 30)),
                        "sbp": rng.randint(118, 142),
                        "dbp": rng.randint(70, 88),
                        "heart_rate": rng.randint(60, 88),
                    }
                )
        for elder in elders[2:4]:
            for days in (5, 3, 1):
                readings.append(
                    {
                        "elder_id": elder.id,
                        "source": "home",
                        "measured_at": datetime.combine(
                            today - timedelta(days=days), time(0, 30)
                        ),
                        "sbp": 148,
                        "dbp": 92,
                    }
                )
        env["care.health.reading"].create(readings)
        # one late and one handled intervention on the glucose rule
        rule = env.ref("care_health.trend_rule_glucose")
        now = fields.Datetime.now()
        env["care.health.intervention"].create(
            [
                {
                    "elder_id": elders[21].id,
                    "rule_id": rule.id,
                    "deadline": now - timedelta(hours=20),
                    "user_id": team.leader_id.id,
                },
                {
                    "elder_id": elders[22].id,
                    "rule_id": rule.id,
                    "deadline": now - timedelta(days=40),
                    "state": "done",
                    "date_done": now - timedelta(days=41),
                    "outcome": "medication",
                    "check_call": True,
                    "user_id": team.leader_id.id,
                },
            ]
        )
        return True
