"""The money section of the family's elder page: voucher balances with this
month's burn-down, and the co-payment invoices with Odoo's portal payment.

Only for a member whose access line grants *money*; everything is read as
the system after that check, and only plain values reach the template. An
invoice is reachable only through ``/my/elder/<elder>/copay/<invoice>``,
which checks the line and that the invoice is one of that elder's
co-payments before handing the invoice's portal link (with its token)."""

import calendar

import pytz
from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.http import request
from odoo.tools import SQL, format_date, formatLang

from odoo.addons.care_family.controllers.portal import DEFAULT_TZ, CareFamilyPortal
from odoo.addons.care_vouchers.models.care_voucher_programme import month_start

INVOICES_SHOWN = 12
# the burn-down's box (SVG user units)
CHART_WIDTH, CHART_HEIGHT = 300, 60
SHOWN_ENTITLEMENTS = ("approved", "active", "suspended")


class CareFamilyVouchersPortal(CareFamilyPortal):
    def _care_extra_sections(self, line):
        values = super()._care_extra_sections(line)
        values["money"] = self._care_money(line) if line.perm_money else None
        return values

    def _care_money(self, line):
        return {
            "vouchers": self._care_vouchers(line),
            "invoices": self._care_invoices(line),
        }

    def _care_amount(self, amount, currency):
        return formatLang(request.env, amount, currency_obj=currency)

    def _care_vouchers(self, line):
        """Each running entitlement of the elder: balance, issued and used
        this month, booked, and the balance day by day this month."""
        env = request.env
        entitlements = (
            env["care.voucher.entitlement"]
            .sudo()
            .search(
                [
                    ("elder_id", "=", line.elder_id.id),
                    ("state", "in", SHOWN_ENTITLEMENTS),
                ],
                order="id",
            )
        )
        if not entitlements:
            return []
        tz = pytz.timezone(env.user.tz or DEFAULT_TZ)
        today = pytz.utc.localize(fields.Datetime.now()).astimezone(tz).date()
        first = month_start(today)
        days = calendar.monthrange(first.year, first.month)[1]
        env["care.voucher.line"].flush_model()
        # what the month starts with: the balance of the months before and
        # this month's issue
        env.cr.execute(
            SQL(
                """
                SELECT entitlement_id,
                       COALESCE(SUM(amount) FILTER (WHERE period < %(first)s), 0)
                       + COALESCE(SUM(amount) FILTER (WHERE period = %(first)s
                                                      AND kind = 'issue'), 0)
                  FROM care_voucher_line
                 WHERE entitlement_id IN %(ids)s
              GROUP BY entitlement_id
                """,
                first=first,
                ids=tuple(entitlements.ids),
            )
        )
        starts = dict(env.cr.fetchall())
        # then what this month's services used (and corrections), day by day
        env.cr.execute(
            SQL(
                """
                SELECT entitlement_id,
                       (date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date,
                       SUM(amount)
                  FROM care_voucher_line
                 WHERE entitlement_id IN %(ids)s
                   AND period = %(first)s AND kind != 'issue'
              GROUP BY 1, 2
                """,
                tz=tz.zone,
                first=first,
                ids=tuple(entitlements.ids),
            )
        )
        moves = {}
        for entitlement_id, day, amount in env.cr.fetchall():
            day = min(max(day, first), today)
            entries = moves.setdefault(entitlement_id, {})
            entries[day] = entries.get(day, 0.0) + amount
        states = dict(entitlements._fields["state"]._description_selection(env))
        result = []
        for entitlement in entitlements:
            currency = entitlement.currency_id
            start = starts.get(entitlement.id, 0.0)
            month_moves = moves.get(entitlement.id, {})
            remaining, values = start, []
            for number in range(1, today.day + 1):
                remaining += month_moves.get(first.replace(day=number), 0.0)
                values.append(remaining)
            top = max([*values, start]) or 1.0
            step = CHART_WIDTH / max(days - 1, 1)
            points = " ".join(
                f"{index * step:.1f},"
                f"{CHART_HEIGHT - 5 - max(value, 0.0) / top * (CHART_HEIGHT - 10):.1f}"
                for index, value in enumerate(values)
            )
            result.append(
                {
                    "programme": entitlement.programme_id.name,
                    "state": states.get(entitlement.state, ""),
                    "balance": self._care_amount(entitlement.balance, currency),
                    "opening": self._care_amount(start, currency),
                    "issued": self._care_amount(entitlement.month_issued, currency),
                    "used": self._care_amount(entitlement.month_redeemed, currency),
                    "booked": self._care_amount(entitlement.month_booked, currency),
                    "points": points,
                    "month": first.strftime("%Y-%m"),
                }
            )
        return result

    def _care_invoices(self, line):
        env = request.env
        moves = env["care.family.access"]._care_copay_moves(line.elder_id)
        states = dict(
            env["account.move"]._fields["payment_state"]._description_selection(env)
        )
        return [
            {
                "id": move.id,
                "name": move.name,
                "date": format_date(env, move.invoice_date)
                if move.invoice_date
                else "",
                "total": self._care_amount(move.amount_total, move.currency_id),
                "due": self._care_amount(move.amount_residual, move.currency_id),
                "state": states.get(move.payment_state, ""),
                "paid": move.payment_state in ("paid", "in_payment", "reversed"),
                "to_pay": move._has_to_be_paid(),
            }
            for move in moves[:INVOICES_SHOWN]
        ]

    @http.route(
        "/my/elder/<int:elder_id>/copay/<int:move_id>", type="http", auth="user"
    )
    def care_copay_invoice(self, elder_id, move_id, pay=None, **kw):
        """The portal page of one of the elder's co-payment invoices (to see
        or pay it), for a member with the money permission; 404 otherwise."""
        line = self._care_line(elder_id, "money")
        move = (
            request.env["care.family.access"]
            ._care_copay_moves(line.elder_id)
            .filtered(lambda m: m.id == move_id)
        )
        if not move:
            raise NotFound()
        if pay and move._has_to_be_paid():
            url = move.get_portal_url(anchor="portal_pay", query_string="&payment=True")
        else:
            url = move.get_portal_url()
        return request.redirect(url, local=True)
