"""Proof of visit (EVV): was the worker at the elder's home, on time?

Check-in and check-out are verified against the elder's home (WGS-84, the
partner's coordinates of the archive) and the planned start of the order:
within ``care_dispatch.evv_radius_m`` metres (default 100) and, for the
check-in, ``care_dispatch.evv_window_minutes`` minutes (default 15) either
side of the planned start. Anything else is an exception with its reasons,
which a dispatcher reviews: accepted with a note, or rejected (the visit is
then not redeemed from vouchers, what it was paid is given back, and it
counts against the provider)."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.elder_crm.tools import geo

DISPATCHER = "elder_crm.group_care_dispatcher"
EVV_STATES = [
    ("none", "Not checked in"),
    ("verified", "Verified"),
    ("exception", "Exception to review"),
    ("accepted", "Exception accepted"),
    ("rejected", "Rejected"),
]
EVV_FIELDS = (
    "care_evv_state",
    "care_evv_reason",
    "care_evv_distance_in",
    "care_evv_distance_out",
    "care_evv_minutes_off",
    "care_evv_review_note",
    "care_evv_reviewed_by",
    "care_evv_reviewed_at",
    "care_checkout_latitude",
    "care_checkout_longitude",
)


class FsmOrderEvv(models.Model):
    _inherit = "fsm.order"

    care_checkout_latitude = fields.Float(
        "Check-out latitude", digits=(10, 6), readonly=True, copy=False
    )
    care_checkout_longitude = fields.Float(
        "Check-out longitude", digits=(10, 6), readonly=True, copy=False
    )
    care_evv_state = fields.Selection(
        EVV_STATES,
        "Proof of visit",
        default="none",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    care_evv_reason = fields.Text("Exception", readonly=True, copy=False)
    care_evv_distance_in = fields.Integer(
        "Check-in distance (m)",
        readonly=True,
        copy=False,
        help="From the elder's home; -1 when there was no position to compare.",
    )
    care_evv_distance_out = fields.Integer(
        "Check-out distance (m)", readonly=True, copy=False
    )
    care_evv_minutes_off = fields.Integer(
        "Minutes from the planned start",
        readonly=True,
        copy=False,
        help="Negative: early; positive: late.",
    )
    care_evv_review_note = fields.Text("Review note", readonly=True, copy=False)
    care_evv_reviewed_by = fields.Many2one(
        "res.users", "Reviewed by", readonly=True, copy=False
    )
    care_evv_reviewed_at = fields.Datetime("Reviewed at", readonly=True, copy=False)

    @api.model
    def _care_guarded_fields(self):
        # the verification and its review are the system's
        return super()._care_guarded_fields() | set(EVV_FIELDS)

    # ------------------------------------------------------------------
    # Verification
    # ------------------------------------------------------------------
    def _care_evv_home(self):
        """(lat, lon) of the elder's home, or None when not on the map."""
        self.ensure_one()
        partner = self.care_elder_id.sudo().partner_id
        home = (partner.partner_latitude, partner.partner_longitude)
        return home if geo.valid(*home) else None

    def _care_evv_place(self, latitude, longitude):
        """(distance in m or -1, reason or None) of a position."""
        self.ensure_one()
        if not geo.valid(latitude, longitude):
            return -1, self.env._("no position")
        home = self._care_evv_home()
        if not home:
            return -1, self.env._("the elder's home is not on the map")
        distance = round(geo.distance_m(latitude, longitude, *home))
        radius = self._care_setting("evv_radius_m", 100)
        if distance > radius:
            return distance, self.env._(
                "%(distance)s m from the home (more than %(radius)s m)",
                distance=distance,
                radius=radius,
            )
        return distance, None

    def _care_evv_time(self, when):
        """(minutes from the planned start or 0, reason or None)."""
        self.ensure_one()
        planned = self.scheduled_date_start
        if not planned:
            return 0, None  # unplanned (as soon as possible): place only
        minutes = round((when - planned).total_seconds() / 60)
        window = self._care_setting("evv_window_minutes", 15)
        if minutes < -window:
            return minutes, self.env._(
                "%(minutes)s min early (window ±%(window)s min)",
                minutes=-minutes,
                window=window,
            )
        if minutes > window:
            return minutes, self.env._(
                "%(minutes)s min late (window ±%(window)s min)",
                minutes=minutes,
                window=window,
            )
        return minutes, None

    def _care_evv_checkin(self, latitude, longitude, when):
        """Verify a check-in; returns the values to write."""
        self.ensure_one()
        distance, place = self._care_evv_place(latitude, longitude)
        minutes, time = self._care_evv_time(when)
        reasons = [reason for reason in (place, time) if reason]
        return {
            "care_evv_distance_in": distance,
            "care_evv_minutes_off": minutes,
            "care_evv_state": "exception" if reasons else "verified",
            "care_evv_reason": self.env._("Check-in: %s", "; ".join(reasons))
            if reasons
            else False,
        }

    def _care_evv_checkout(self, latitude, longitude):
        self.ensure_one()
        distance, place = self._care_evv_place(latitude, longitude)
        vals = {
            "care_evv_distance_out": distance,
            "care_checkout_latitude": latitude
            if geo.valid(latitude, longitude)
            else 0.0,
            "care_checkout_longitude": longitude
            if geo.valid(latitude, longitude)
            else 0.0,
        }
        if place and (self.care_evv_state or "none") in (
            "none",
            "verified",
            "exception",
        ):
            reason = self.env._("Check-out: %s", place)
            vals["care_evv_state"] = "exception"
            vals["care_evv_reason"] = "\n".join(
                text for text in (self.care_evv_reason, reason) if text
            )
        return vals

    # ------------------------------------------------------------------
    # Review
    # ------------------------------------------------------------------
    def _care_evv_review(self, state, note):
        if not self.env.user.has_group(DISPATCHER):
            raise AccessError(
                self.env._("Only a dispatcher reviews the proof of visits.")
            )
        self.check_access("write")
        note = (note or "").strip() if isinstance(note, str) else ""
        if not note:
            raise UserError(self.env._("Say why in a note."))
        for order in self:
            if order.care_evv_state != "exception":
                raise UserError(
                    self.env._(
                        "%(order)s has no proof-of-visit exception to review.",
                        order=order.name,
                    )
                )
        self.sudo().write(
            {
                "care_evv_state": state,
                "care_evv_review_note": note[:2000],
                "care_evv_reviewed_by": self.env.user.id,
                "care_evv_reviewed_at": fields.Datetime.now(),
            }
        )
        self.sudo()._care_evv_reviewed()
        return True

    def action_care_evv_accept(self, note):
        """The dispatcher accepts the exception (e.g. GPS drift in a tower
        block, the elder asked to come early): the visit counts."""
        return self._care_evv_review("accepted", note)

    def action_care_evv_reject(self, note):
        """The visit is not accepted as carried out: not redeemed from the
        vouchers, and it counts against the provider."""
        return self._care_evv_review("rejected", note)

    def _care_evv_reviewed(self):
        """Hook after a review (care_vouchers redeems what was held)."""
        return True

    def _care_evv_hold(self):
        """Why the visit may not be paid from public money, or False. A visit
        waiting for review is paid as usual (the review is the dispatcher's
        daily work, the family's voucher should not wait on it); a rejected
        one is not, and what it was paid is given back (care_vouchers)."""
        self.ensure_one()
        if self.care_evv_state == "rejected":
            return self.env._("the proof of visit was rejected")
        return False
