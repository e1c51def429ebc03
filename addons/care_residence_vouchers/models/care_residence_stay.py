from dateutil.relativedelta import relativedelta

from odoo import models
from odoo.tools import SQL, float_round

from odoo.addons.care_vouchers.models.care_voucher_programme import month_start


class CareResidenceStay(models.Model):
    _inherit = "care.residence.stay"

    def _voucher_entitlements(self, period):
        """The elder's active entitlements of residential programmes valid
        and open for the month ``period``, in the programmes' order."""
        self.ensure_one()
        period_end = period + relativedelta(months=1, days=-1)
        entitlements = (
            self.env["care.voucher.entitlement"]
            .sudo()
            .search(
                [
                    ("elder_id", "=", self.elder_id.id),
                    ("company_id", "=", self.company_id.id),
                    ("state", "=", "active"),
                    ("programme_id.channel", "=", "residential"),
                    ("date_start", "<=", period_end),
                    "|",
                    ("date_end", "=", False),
                    ("date_end", ">=", period),
                ]
            )
        )
        return entitlements.filtered(
            lambda e: (
                e.programme_id._valid_in(period)
                and not (
                    e.programme_id.closed_until
                    and e.programme_id.closed_until >= period
                )
            )
        ).sorted(lambda e: (e.programme_id.sequence, e.programme_id.id))

    def _voucher_cover(self, entitlement, period, base):
        """What ``entitlement`` pays of ``base`` for ``period``: min(its
        balance up to the month, base × covered share, what the monthly cap
        leaves), never below zero: the same rule as a service order's. The
        caller holds the entitlement's lock."""
        programme = entitlement.programme_id
        self.env["care.voucher.line"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT COALESCE(SUM(amount), 0),
                       COALESCE(SUM(amount) FILTER (WHERE period <= %(period)s), 0),
                       COALESCE(-SUM(amount) FILTER (
                           WHERE period = %(period)s AND kind IN ('redeem', 'reverse')
                       ), 0)
                  FROM care_voucher_line
                 WHERE entitlement_id = %(entitlement)s
                """,
                entitlement=entitlement.id,
                period=period,
            )
        )
        total, through_period, redeemed = self.env.cr.fetchone()
        candidates = [min(total, through_period), base * programme.covered_share / 100]
        if programme.monthly_cap:
            candidates.append(programme.monthly_cap - redeemed)
        return float_round(
            max(min(candidates), 0.0),
            precision_rounding=self.currency_id.rounding,
        )

    def _fee_invoices(self, month_start_day, lines):
        """Each residential programme of the elder pays its share of the
        month (redeemed from the elder's balance, one ledger line each) on an
        invoice to its funding body; the payer's invoice shows the share
        deducted. The payer never owes less than zero."""
        payer, *others = super()._fee_invoices(month_start_day, lines)
        partner, payer_lines = payer[0], list(payer[1])
        period = month_start(month_start_day)
        currency = self.currency_id
        remaining = currency.round(
            sum(vals["price_unit"] * vals.get("quantity", 1) for vals in payer_lines)
        )
        product = self.env.ref("care_residence_vouchers.product_voucher_share")
        Line = self.env["care.voucher.line"]
        shares = []
        for entitlement in self._voucher_entitlements(period):
            if currency.compare_amounts(remaining, 0) <= 0:
                break
            entitlement._lock()
            covered = self._voucher_cover(entitlement, period, remaining)
            if currency.compare_amounts(covered, 0) <= 0:
                continue
            programme = entitlement.programme_id
            label = self.env._(
                "%(programme)s: share of the residence fee of %(elder)s, %(month)s",
                programme=programme.name,
                elder=self.elder_id.name,
                month=period.strftime("%Y-%m"),
            )
            Line._post(
                entitlement,
                "redeem",
                -covered,
                period,
                residence_stay_id=self.id,
                name=label,
            )
            remaining = currency.round(remaining - covered)
            share_line = {
                "product_id": product.id,
                "name": label,
                "quantity": 1,
                "tax_ids": [(6, 0, [])],
            }
            payer_lines.append(share_line | {"price_unit": -covered})
            shares.append(
                (programme.funding_partner_id, [share_line | {"price_unit": covered}])
            )
        return [(partner, payer_lines), *others, *shares]
