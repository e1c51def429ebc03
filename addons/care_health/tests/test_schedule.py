from datetime import date

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from .common import HealthCase

D0 = date(2026, 3, 1)


class TestSchedule(HealthCase):
    def planned(self, registry, kind=None):
        domain = [("registry_id", "=", registry.id), ("state", "=", "planned")]
        if kind:
            domain.append(("kind", "=", kind))
        return self.Followup.search(domain, order="date_planned").mapped("date_planned")

    def test_national_cadence(self):
        """At least four routine follow-ups a year plus the yearly check."""
        with freeze_time(D0):
            registry = self.register(self.elder_a, "hypertension", registered=D0)
        routine = self.planned(registry, "routine")
        self.assertEqual(
            routine, [D0 + relativedelta(days=d) for d in (90, 180, 270, 360)]
        )
        self.assertEqual(self.planned(registry, "annual"), [date(2027, 3, 1)])
        with freeze_time(D0):
            self.assertEqual(registry.next_followup_date, D0 + relativedelta(days=90))
        # idempotent
        with freeze_time(D0):
            self.assertFalse(registry._ensure_schedule())
        # 100 days later the daily cron plans one more routine follow-up
        with freeze_time(D0 + relativedelta(days=100)):
            self.env["care.health.registry"]._cron_plan_followups()
        self.assertEqual(
            self.planned(registry, "routine")[-1], D0 + relativedelta(days=450)
        )
        self.assertEqual(len(self.planned(registry, "annual")), 1)
        # a year later, the second yearly check
        with freeze_time(D0 + relativedelta(years=1, days=1)):
            registry._ensure_schedule()
        self.assertIn(date(2028, 3, 1), self.planned(registry, "annual"))

    def test_cadence_follows_protocol(self):
        self.env.ref("care_health.protocol_diabetes").interval_controlled = 60
        with freeze_time(D0):
            registry = self.register(self.elder_a, "diabetes", registered=D0)
        self.assertEqual(len(self.planned(registry, "routine")), 6)

    def test_closed_registry_cancels_plan(self):
        with freeze_time(D0):
            registry = self.register(self.elder_a, "hypertension", registered=D0)
        registry.with_user(self.member_a).action_close()
        self.assertFalse(self.planned(registry))
        self.assertEqual(registry.state, "closed")

    def test_registry_needs_contract(self):
        elder = self.make_elder("无签约老人")
        count = self.Registry.search_count([])
        with (
            self.assertRaisesRegex(Exception, "no active family-doctor contract"),
            self.cr.savepoint(),
        ):
            self.register(elder)
        self.assertEqual(self.Registry.search_count([]), count)

    def test_registry_bad_dates_refused(self):
        with self.assertRaisesRegex(Exception, "future"), self.cr.savepoint():
            self.Registry.create(
                {
                    "elder_id": self.elder_a.id,
                    "disease": "diabetes",
                    "diagnosis_date": date.today() + relativedelta(days=3),
                    "source": "hospital",
                }
            )
        self.assertFalse(self.Registry.search([("elder_id", "=", self.elder_a.id)]))

    def test_contract_constraints(self):
        Contract = self.env["care.health.contract"]
        with (
            self.assertRaisesRegex(Exception, "already has an active"),
            self.cr.savepoint(),
        ):
            Contract.create({"elder_id": self.elder_a.id, "team_id": self.team_b.id})
        elder = self.make_elder("丙老人")
        with self.assertRaisesRegex(Exception, "cannot end"), self.cr.savepoint():
            Contract.create(
                {
                    "elder_id": elder.id,
                    "team_id": self.team_a.id,
                    "date_start": date(2026, 2, 1),
                    "date_end": date(2026, 1, 1),
                }
            )
        with self.assertRaisesRegex(Exception, "premium"), self.cr.savepoint():
            Contract.create(
                {"elder_id": elder.id, "team_id": self.team_a.id, "tier": "premium"}
            )
        with self.assertRaisesRegex(Exception, "not members"), self.cr.savepoint():
            Contract.create(
                {
                    "elder_id": elder.id,
                    "team_id": self.team_a.id,
                    "doctor_id": self.member_b.id,
                }
            )
        self.assertFalse(Contract.search([("elder_id", "=", elder.id)]))

    def test_contract_expiry_cron(self):
        elder = self.make_elder("丁老人")
        contract = self.env["care.health.contract"].create(
            {
                "elder_id": elder.id,
                "team_id": self.team_a.id,
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 6, 30),
            }
        )
        with freeze_time(date(2026, 6, 30)):
            self.env["care.health.contract"]._cron_close_expired()
        self.assertEqual(contract.state, "active")
        with freeze_time(date(2026, 7, 1)):
            self.env["care.health.contract"]._cron_close_expired()
        self.assertEqual(contract.state, "closed")

    def test_team_needs_health_members(self):
        with (
            self.assertRaisesRegex(Exception, "Health Team Member"),
            self.cr.savepoint(),
        ):
            self.env["care.health.team"].create(
                {
                    "name": "Bad",
                    "leader_id": self.leader.id,
                    "member_ids": [(4, self.reception.id)],
                }
            )
        self.assertIn(self.leader, self.team_a.member_ids, "the leader is a member")
