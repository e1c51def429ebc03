import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

# setting (ir.config_parameter care_dispatch.<key>), default
THRESHOLDS = {
    "review_min_rating": 3.0,
    "review_min_on_time": 80.0,
    "review_max_complaints": 20.0,
    "review_min_evv": 95.0,
}


class CareProviderScorecard(models.Model):
    """The provider's scorecard over the last days (default 90), kept daily."""

    _inherit = "care.provider"

    score_orders = fields.Integer("Orders (period)", readonly=True)
    score_on_time = fields.Float(
        "On-time start (%)",
        readonly=True,
        help="Visits checked in before the end of the requested window.",
    )
    score_completion = fields.Float(
        "Completion (%)",
        readonly=True,
        help="Dispatched orders completed, not cancelled.",
    )
    score_complaints = fields.Float(
        "Complaints (%)", readonly=True, help="Callbacks that raised a complaint."
    )
    score_evidence = fields.Float(
        "Evidence complete (%)",
        readonly=True,
        help="Completed visits that still have the evidence their service asks "
        "for (check-in and check-out, photo, signature).",
    )
    score_evv = fields.Float(
        "Visits verified (%)",
        readonly=True,
        help="Checked-in visits whose proof of visit (place and time) was "
        "verified without exception; rejected visits count against it.",
    )
    needs_review = fields.Boolean(
        "To review",
        readonly=True,
        index=True,
        tracking=True,
        help="Below a threshold of the scorecard (settings).",
    )
    score_date = fields.Date("Scorecard of", readonly=True)

    @api.model
    def _care_guarded_fields(self):
        # the scorecard is the cron's result
        return super()._care_guarded_fields() | {
            "score_orders",
            "score_on_time",
            "score_completion",
            "score_complaints",
            "score_evidence",
            "score_evv",
            "needs_review",
            "score_date",
        }

    @api.model
    def _cron_update_scorecards(self, days=90):
        """Every provider's figures over the period, in a few grouped queries;
        a provider newly below a threshold is flagged to the coordinators.

        The period ends now, whenever the cron last ran; a provider whose
        scorecard cannot be saved is logged and reported to the dispatch
        lead, the others are updated."""
        since = fields.Datetime.now() - timedelta(days=days)
        providers = self.search([("state", "in", ("approved", "suspended"))])
        if not providers:
            return providers
        self.env.flush_all()  # orders, categories, photos, callbacks
        cr = self.env.cr
        cr.execute(
            """
            SELECT o.care_provider_id,
                   COUNT(*),
                   COUNT(*) FILTER (WHERE s.is_closed AND s.id != %(cancelled)s),
                   COUNT(*) FILTER (WHERE s.id = %(cancelled)s),
                   COUNT(*) FILTER (WHERE o.care_checkin_at IS NOT NULL),
                   COUNT(*) FILTER (WHERE o.care_checkin_at IS NOT NULL
                                     AND (o.request_late IS NULL
                                          OR o.care_checkin_at <= o.request_late)),
                   COUNT(*) FILTER (
                       WHERE s.is_closed AND s.id != %(cancelled)s
                         AND (NOT COALESCE(c.needs_checkin, FALSE)
                              OR (o.care_checkin_at IS NOT NULL
                                  AND o.care_checkout_at IS NOT NULL))
                         AND (NOT COALESCE(c.needs_photo, FALSE)
                              OR EXISTS (SELECT 1 FROM ir_attachment a
                                          WHERE a.res_model = 'fsm.order'
                                            AND a.res_id = o.id
                                            AND a.res_field IS NULL
                                            AND a.mimetype LIKE 'image/%%'))
                         AND (NOT COALESCE(c.needs_signature, FALSE)
                              OR EXISTS (SELECT 1 FROM ir_attachment a
                                          WHERE a.res_model = 'fsm.order'
                                            AND a.res_id = o.id
                                            AND a.res_field = 'signature'))),
                   COUNT(*) FILTER (WHERE o.care_checkin_at IS NOT NULL
                                     AND o.care_evv_state = 'verified')
              FROM fsm_order o
              JOIN fsm_stage s ON s.id = o.stage_id
         LEFT JOIN care_service_category c ON c.id = o.care_category_id
             WHERE o.care_provider_id IN %(ids)s
               AND o.care_dispatched_at >= %(since)s
          GROUP BY o.care_provider_id
            """,
            {
                "ids": tuple(providers.ids),
                "since": since,
                "cancelled": self.env.ref("fieldservice.fsm_stage_cancelled").id,
            },
        )
        orders = {row[0]: row[1:] for row in cr.fetchall()}
        complaints = {}
        for provider, complained, count in (
            self.env["care.callback"]
            .sudo()
            ._read_group(
                [("provider_id", "in", providers.ids), ("date", ">=", since)],
                ["provider_id", "is_complaint"],
                ["__count"],
            )
        ):
            called, bad = complaints.get(provider.id, (0, 0))
            complaints[provider.id] = (
                called + count,
                bad + (count if complained else 0),
            )
        setting = self.env["fsm.order"]._care_setting
        min_rating, min_on_time, max_complaints, min_evv = (
            setting(key, THRESHOLDS[key])
            for key in (
                "review_min_rating",
                "review_min_on_time",
                "review_max_complaints",
                "review_min_evv",
            )
        )
        today = fields.Date.context_today(self)
        flagged = self.browse()
        failed = self.browse()
        for provider in providers.sudo():
            total, done, cancelled, visited, on_time, evidenced, verified = orders.get(
                provider.id, (0, 0, 0, 0, 0, 0, 0)
            )
            called, complained = complaints.get(provider.id, (0, 0))
            vals = {
                "score_orders": total,
                "score_completion": 100.0 * done / (done + cancelled)
                if done + cancelled
                else 0.0,
                "score_on_time": 100.0 * on_time / visited if visited else 0.0,
                "score_complaints": 100.0 * complained / called if called else 0.0,
                "score_evidence": 100.0 * evidenced / done if done else 0.0,
                "score_evv": 100.0 * verified / visited if visited else 0.0,
                "score_date": today,
            }
            review = bool(
                (called and provider.rating and provider.rating < min_rating)
                or (visited and vals["score_on_time"] < min_on_time)
                or (called and vals["score_complaints"] > max_complaints)
                or (visited and vals["score_evv"] < min_evv)
            )
            vals["needs_review"] = review
            newly = review and not provider.needs_review
            try:
                with self.env.cr.savepoint():
                    provider.write(vals)
            except Exception:
                _logger.exception("Scorecard of provider %s not saved", provider.id)
                failed |= provider
                continue
            if newly:
                flagged |= provider
        if failed:
            self.env["fsm.order"]._care_report_failures(
                self.env._("Provider scorecards not updated"), failed.mapped("name")
            )
        coordinators = self.env.ref(
            "care_dispatch.group_care_provider_coordinator"
        ).users.filtered(lambda u: not u.share)
        for provider in flagged:
            provider.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=(coordinators[:1] or self.env.user).id,
                summary=self.env._("Review %s", provider.name),
                note=Markup("<p>%s</p>")
                % self.env._(
                    "Rating %(rating)s, on time %(on_time)s%%, complaints "
                    "%(complaints)s%% over the last %(days)s days.",
                    rating=round(provider.rating, 1),
                    on_time=round(provider.score_on_time),
                    complaints=round(provider.score_complaints),
                    days=days,
                ),
            )
        return flagged
