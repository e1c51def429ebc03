from datetime import date

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import VoucherCase


@tagged("post_install", "-at_install")
class TestLedger(VoucherCase):
    def lines(self, entitlement, kind=None):
        domain = [("entitlement_id", "=", entitlement.id)]
        if kind:
            domain.append(("kind", "=", kind))
        return self.env["care.voucher.line"].search(domain)

    def test_entitlement_needs_approval(self):
        Entitlement = self.env["care.voucher.entitlement"]
        entitlement = Entitlement.create(
            {"elder_id": self.elder.id, "programme_id": self.programme.id}
        )
        with self.assertRaisesRegex(UserError, "approving document"):
            entitlement.action_approve()
        self.assertEqual(entitlement.state, "applied")
        # an application is not issued anything
        self.assertEqual(self.programme._issue_month(self.this_month), 0)
        with self.assertRaisesRegex(UserError, "starts as an application"):
            Entitlement.create(
                {
                    "elder_id": self.elder.id,
                    "programme_id": self.make_programme(name="另一个").id,
                    "state": "active",
                }
            )
        entitlement.approval_ref = "朝民养批〔2026〕9号"
        entitlement.action_approve()
        self.assertEqual(entitlement.state, "active")
        self.assertEqual(entitlement.approved_by_id, self.env.user)
        with self.assertRaisesRegex(ValidationError, "already has an entitlement"):
            Entitlement.create(
                {"elder_id": self.elder.id, "programme_id": self.programme.id}
            )
        # not eligible: no category of the programme, no level
        self.elder.subsidy_category_ids = False
        other = Entitlement.create(
            {
                "elder_id": self.elder.id,
                "programme_id": self.make_programme(name="第三个").id,
                "approval_ref": "x",
            }
        )
        with self.assertRaisesRegex(UserError, "not eligible"):
            other.action_approve()

    def test_issuance_exactly_once(self):
        entitlement = self.entitle()
        self.assertEqual(self.programme._issue_month(self.this_month), 1)
        self.assertEqual(self.programme._issue_month(self.this_month), 0, "re-run")
        [line] = self.lines(entitlement, "issue")
        self.assertEqual((line.amount, line.period), (100.0, self.this_month))
        self.assertEqual(self.balance(entitlement), 100.0)
        # the database refuses a second issue line, whoever tries
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    """INSERT INTO care_voucher_line (entitlement_id, elder_id,
                       programme_id, company_id, kind, period, date, amount)
                       SELECT entitlement_id, elder_id, programme_id, company_id,
                              kind, period, date, amount
                         FROM care_voucher_line WHERE id = %s""",
                    (line.id,),
                )
        # 90+ now as well: once finance confirms it, the highest amount
        # (programme rule), or the sum
        self.elder.subsidy_category_ids = self.age_80 | self.age_90
        entitlement.with_user(self.finance).action_confirm_basis()
        next_month = date(
            self.this_month.year + self.this_month.month // 12,
            self.this_month.month % 12 + 1,
            1,
        )
        self.programme._issue_month(next_month)
        self.assertEqual(self.lines(entitlement, "issue")[0].amount, 150.0)
        self.assertEqual(entitlement.monthly_amount, 150.0)
        self.programme.stacking = "sum"
        entitlement.invalidate_recordset(["monthly_amount"])
        self.assertEqual(entitlement.monthly_amount, 250.0)

    def test_rollover_rules(self):
        expire = self.entitle()
        self.programme._issue_month(date(2026, 10, 1))
        self.assertEqual(self.programme._close_month(date(2026, 10, 1)), 1)
        self.assertEqual(self.lines(expire, "expire").amount, -100.0)
        self.assertEqual(self.balance(expire), 0.0)
        self.assertEqual(
            self.programme._close_month(date(2026, 10, 1)), 0, "closed once"
        )

        elder = self.env["care.elder"].create(
            {
                "name": "周末",
                "street": "红庙北里1号",
                "subsidy_category_ids": [(6, 0, self.age_80.ids)],
            }
        )
        yearly = self.make_programme(name="年内结转", rollover="carry_within_year")
        carry = self.entitle(yearly, elder)
        for month in (11, 12):
            yearly._issue_month(date(2026, month, 1))
        self.assertEqual(yearly._close_month(date(2026, 11, 1)), 0, "carried")
        self.assertEqual(carry._balances(date(2026, 12, 5))[carry.id], 200.0)
        self.assertEqual(yearly._close_month(date(2026, 12, 1)), 1)
        self.assertEqual(self.lines(carry, "expire").amount, -200.0)

        capped = self.make_programme(
            name="封顶结转",
            rollover="carry_capped",
            carry_cap_amount=30,
            carry_cap_percent=10,
        )
        kept = self.entitle(capped, elder)
        capped._issue_month(date(2026, 11, 1))
        capped._close_month(date(2026, 11, 1))
        # the greater of 30 and 10 % of 100: 30 carried, 70 expired
        self.assertEqual(self.lines(kept, "expire").amount, -70.0)
        self.assertEqual(kept._balances(date(2026, 11, 30))[kept.id], 30.0)
        capped.carry_cap_percent = 50  # now 50 % of 100 beats 30
        capped._issue_month(date(2026, 12, 1))
        capped._close_month(date(2026, 12, 1))
        self.assertEqual(kept._balances(date(2026, 12, 31))[kept.id], 50.0)

    def test_cron_closes_after_the_claim_window(self):
        self.programme.date_start = date(2026, 9, 1)
        entitlement = self.entitle()
        self.programme._issue_month(date(2026, 9, 1))
        self.programme._issue_month(date(2026, 10, 1))
        with self.freeze("2026-10-10"):
            self.env["care.voucher.programme"]._cron_close_months()
        self.assertFalse(self.programme.closed_until, "10 days of claims for September")
        with self.freeze("2026-10-11"):
            self.env["care.voucher.programme"]._cron_close_months()
        self.assertEqual(self.programme.closed_until, date(2026, 9, 1))
        self.assertEqual(self.lines(entitlement, "expire").period, date(2026, 9, 1))

    def freeze(self, day):
        from freezegun import freeze_time

        return freeze_time(day)

    def test_ending_is_automatic(self):
        entitlement = self.entitle()
        self.elder.write({"state": "deceased", "date_deceased": "2026-11-01"})
        self.assertEqual(entitlement.state, "ended")
        self.assertIn("Deceased", entitlement.end_reason)
        self.assertEqual(self.programme._issue_month(self.this_month), 0)

        other = self.env["care.elder"].create(
            {
                "name": "李四",
                "street": "红庙北里2号",
                "subsidy_category_ids": [(6, 0, self.age_80.ids)],
            }
        )
        second = self.entitle(elder=other)
        # losing the category moves money: finance confirms it, then it ends
        other.subsidy_category_ids = False
        self.assertEqual(second.state, "active")
        self.assertTrue(second.basis_to_review)
        second.with_user(self.finance).action_confirm_basis()
        self.assertEqual(second.state, "ended")

    def test_posted_lines_are_never_edited(self):
        entitlement = self.entitle()
        self.programme._issue_month(self.this_month)
        line = self.lines(entitlement)
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            line.amount = 1000
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            line.unlink()
        # not even by finance, with the posting code's context key forged
        with self.assertRaisesRegex(UserError, "not typed in"):
            self.env["care.voucher.line"].with_user(self.finance).with_context(
                care_voucher_posting=True
            ).create(
                {
                    "entitlement_id": entitlement.id,
                    "elder_id": self.elder.id,
                    "programme_id": self.programme.id,
                    "company_id": self.env.company.id,
                    "kind": "adjust",
                    "amount": 5,
                    "period": self.this_month,
                }
            )
        with self.assertRaisesRegex(UserError, "not typed in"):
            self.env["care.voucher.line"].create(
                {
                    "entitlement_id": entitlement.id,
                    "elder_id": self.elder.id,
                    "programme_id": self.programme.id,
                    "company_id": self.env.company.id,
                    "kind": "adjust",
                    "amount": 5,
                    "period": self.this_month,
                }
            )
        self.assertEqual(self.balance(entitlement), 100.0)

    def test_bad_programme_input(self):
        with self.assertRaisesRegex(ValidationError, "who is eligible"):
            self.make_programme(name="无条件", amount_ids=False)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.make_programme(name="负数", monthly_cap=-5)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.make_programme(name="超过100", covered_share=120)
        with self.assertRaisesRegex(ValidationError, "ends before it starts"):
            self.make_programme(name="倒序", date_end=date(2019, 1, 1))
        self.assertFalse(
            self.env["care.voucher.programme"].search(
                [("name", "in", ("负数", "超过100"))]
            )
        )

    def test_access(self):
        entitlement = self.entitle()
        self.programme._issue_month(self.this_month)
        # agents read balances
        as_agent = entitlement.with_user(self.agent)
        self.assertEqual(as_agent.balance, 100.0)
        self.assertEqual(as_agent.balance_at()[0]["balance"], 100.0)
        with self.assertRaises(AccessError):
            self.env["care.voucher.entitlement"].with_user(self.agent).create(
                {"elder_id": self.elder.id, "programme_id": self.programme.id}
            )
        with self.assertRaises(AccessError):
            self.programme.with_user(self.agent).write({"covered_share": 100})
        # finance manages programmes and entitlements, never ledger lines
        self.programme.with_user(self.finance).write({"monthly_cap": 50})
        with self.assertRaises(UserError):  # AccessError or "post a reversal"
            self.lines(entitlement).with_user(self.finance).unlink()
        # reception sees no vouchers
        with self.assertRaises(AccessError):
            self.env["care.voucher.line"].with_user(self.receptionist).search([])
        # another company's programmes are invisible
        other = self.env["res.company"].create({"name": "另一个中心"})
        foreign = self.make_programme(name="外地", company_id=other.id)
        visible = self.env["care.voucher.programme"].with_user(self.finance).search([])
        self.assertNotIn(foreign, visible)
