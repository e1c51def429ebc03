"""The family's pages on Odoo's portal.

Every route finds the caller's access line for (caller, elder, permission)
first (``care.family.access._care_portal_line``) and answers 404 without it:
an elder that is not theirs does not exist for them. Only after that check is
the back office read, as the system, and only the whitelisted values below
reach the templates (never ID numbers, staff notes or health details the line
does not grant).
"""

import datetime
import logging

import pytz
from markupsafe import Markup
from psycopg2 import IntegrityError
from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools import format_date, format_datetime, html2plaintext

from odoo.addons.portal.controllers.portal import CustomerPortal

_logger = logging.getLogger(__name__)

PAST_VISITS = 20
BOOK_DAYS_AHEAD = 90
COMMENT_SIZE = 1000
NOTE_SIZE = 500
# open requests a member may have per elder (a phone left in a child's hands
# does not flood the call centre)
OPEN_REQUESTS = 5
MESSAGE_SIZE = 1000
MESSAGES_SHOWN = 20
MESSAGES_PER_DAY = 20
# part of the day -> (first hour, last hour), local time
SLOTS = {"morning": (8, 12), "afternoon": (13, 18)}
DEFAULT_TZ = "Asia/Shanghai"
# the worker's photos shown to families: raster images only (an SVG is a
# document that can carry script)
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif")
# the signed agreements served to families: PDF and raster images only
AGREEMENT_TYPES = ("application/pdf", *PHOTO_TYPES)
CARD_REPORT = "elder_crm.action_report_care_elder_card"


class CareFamilyPortal(CustomerPortal):
    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "care_elder_count" in counters:
            values["care_elder_count"] = len(
                request.env["care.family.access"]._care_portal_lines()
            )
        return values

    def _care_line(self, elder_id, permission=None):
        """The caller's access line, or 404."""
        line = request.env["care.family.access"]._care_portal_line(elder_id, permission)
        if not line:
            raise NotFound()
        return line

    def _care_order(self, line, order_id):
        """An order of the line's elder (as the system), or 404."""
        order = request.env["fsm.order"].sudo().browse(order_id).exists()
        if not order or order.care_elder_id != line.elder_id:
            raise NotFound()
        return order

    def _care_dt(self, value):
        if not value:
            return ""
        return format_datetime(request.env, value, dt_format="yyyy-MM-dd HH:mm")

    def _care_messages(self):
        env = request.env
        return {
            "booked": env._("Your request was sent to the call centre."),
            "cancelled": env._("The request was cancelled."),
            "rated": env._("Thank you for your rating."),
            "bad_service": env._("Choose a service from the list."),
            "bad_date": env._(
                "Choose a date from today to %(days)s days ahead, and a part of "
                "the day that has not passed yet.",
                days=BOOK_DAYS_AHEAD,
            ),
            "not_cancellable": env._(
                "This request is already dispatched or closed: call the centre "
                "to change it."
            ),
            "already_rated": env._("This visit has already been rated."),
            "bad_rating": env._("A rating is 1 to 5 stars."),
            "not_ratable": env._("Only a completed visit can be rated."),
            "sent": env._("Your message was sent to the centre."),
            "bad_message": env._("Write a message first."),
            "too_many_messages": env._(
                "You have sent many messages today: please call the centre."
            ),
            "too_many": env._(
                "You already have %(count)s requests waiting for this elder: "
                "cancel one or call the centre.",
                count=OPEN_REQUESTS,
            ),
        }

    def _care_elder_card(self, line):
        elder = line.elder_id.sudo()
        return {
            "id": elder.id,
            "name": elder.name,
            "code": elder.code,
            "relationship": dict(
                line.contact_id._fields["relationship"]._description_selection(
                    request.env
                )
            ).get(line.contact_id.relationship, ""),
            "has_photo": bool(elder.partner_id.image_128),
            "community": elder.community_id.name or "",
        }

    def _care_visits(self, line):
        """Next and past visits of the line's elder, whitelisted."""
        env = request.env
        Order = env["fsm.order"].sudo()
        elder = line.elder_id
        cancelled = env.ref("fieldservice.fsm_stage_cancelled")
        new_stage = env.ref("fieldservice.fsm_stage_new")
        partner = env.user.partner_id
        upcoming = Order.search(
            [("care_elder_id", "=", elder.id), ("stage_id.is_closed", "=", False)],
            order="request_early, id",
            limit=PAST_VISITS,
        )
        past = Order.search(
            [
                ("care_elder_id", "=", elder.id),
                ("stage_id.is_closed", "=", True),
                ("stage_id", "!=", cancelled.id),
            ],
            order="date_end desc, id desc",
            limit=PAST_VISITS,
        )
        photos = {}
        for attachment in (
            env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "fsm.order"),
                    ("res_id", "in", past.ids),
                    ("res_field", "=", False),
                    ("mimetype", "in", PHOTO_TYPES),
                ],
                order="id",
            )
        ):
            photos.setdefault(attachment.res_id, []).append(attachment.id)
        ratings = {
            rating.order_id.id: rating.rating
            for rating in env["care.family.rating"]
            .sudo()
            .search([("order_id", "in", past.ids)])
        }
        next_visits = [
            {
                "id": order.id,
                "name": order.name,
                "service": order.care_category_id.name or "",
                "when": self._care_dt(
                    order.scheduled_date_start or order.request_early
                ),
                "stage": order.stage_id.name,
                "provider": order.care_provider_id.name or "",
                "worker": order.person_id.name or "",
                "from_family": order.care_from_family,
                "can_cancel": bool(
                    line.perm_book
                    and order.care_from_family
                    and order.care_family_partner_id == partner
                    and not order.care_dispatched_at
                    and order.stage_id == new_stage
                ),
            }
            for order in upcoming
        ]
        past_visits = [
            {
                "id": order.id,
                "name": order.name,
                "service": order.care_category_id.name or "",
                "worker": order.person_id.name or "",
                "provider": order.care_provider_id.name or "",
                "checkin": self._care_dt(order.care_checkin_at),
                "checkout": self._care_dt(order.care_checkout_at),
                "done": self._care_dt(order.date_end),
                "photo_ids": photos.get(order.id, []),
                "has_signature": bool(order.signature),
                "rating": ratings.get(order.id),
            }
            for order in past
        ]
        return next_visits, past_visits

    def _care_health(self, line):
        elder = line.elder_id.sudo()
        selection = dict(elder._fields["gbt_level"]._description_selection(request.env))
        bands = dict(elder._fields["barthel_band"]._description_selection(request.env))
        return {
            "level": selection.get(elder.gbt_level, ""),
            "valid_until": format_date(request.env, elder.gbt_valid_until)
            if elder.gbt_valid_until
            else "",
            "barthel": elder.barthel_score if elder.gbt_assessment_id else None,
            "barthel_band": bands.get(elder.barthel_band, ""),
        }

    def _care_conversation(self, line):
        """The conversation of the member with the centre about the elder:
        the comments on the access line (never its internal notes or
        tracking), as plain text."""
        comment = request.env.ref("mail.mt_comment")
        messages = (
            request.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", line._name),
                    ("res_id", "=", line.id),
                    ("message_type", "=", "comment"),
                    ("subtype_id", "=", comment.id),
                ],
                order="id desc",
                limit=MESSAGES_SHOWN,
            )
        )
        me = request.env.user.partner_id
        return [
            {
                "author": message.author_id.name or "",
                "mine": message.author_id == me,
                "when": self._care_dt(message.date),
                "text": html2plaintext(message.body or ""),
            }
            for message in reversed(messages)
        ]

    def _care_agreements(self, line):
        """The elder's signed agreements the care manager shared (PDF or
        image attachments of the elder's *Signed agreements*), as the
        system."""
        return (
            line.elder_id.sudo()
            .care_agreement_ids.filtered(lambda a: a.mimetype in AGREEMENT_TYPES)
            .sorted("id")
        )

    def _care_documents(self, line):
        return {
            "card": bool(line.perm_health),
            "agreements": [
                {"id": attachment.id, "name": attachment.name}
                for attachment in self._care_agreements(line)
            ],
        }

    def _care_extra_sections(self, line):
        """More sections of the elder's page (glue addons add theirs, each
        checking its own permission on ``line``)."""
        return {}

    def _care_services(self, line):
        services = (
            request.env["care.service.category"]
            .sudo()
            .search(
                [
                    ("active", "=", True),
                    ("company_id", "in", [False, line.company_id.id]),
                ]
            )
        )
        return services

    # ------------------------------------------------------------------
    # Pages
    # ------------------------------------------------------------------
    @http.route("/my/elders", type="http", auth="user", website=True)
    def care_my_elders(self, **kw):
        lines = request.env["care.family.access"]._care_portal_lines()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "care_elders",
                "elders": [self._care_elder_card(line) for line in lines],
                "letters": [
                    {"id": letter.id, "month": letter.month_label}
                    for letter in request.env["care.family.letter"]
                    .sudo()
                    .search(
                        [
                            ("partner_id", "=", request.env.user.partner_id.id),
                            ("state", "=", "sent"),
                        ],
                        limit=12,
                    )
                ],
            }
        )
        return request.render("care_family.portal_my_elders", values)

    @http.route("/my/letter/<int:letter_id>", type="http", auth="user")
    def care_my_letter(self, letter_id, **kw):
        """A sent letter of the caller, rendered now: an elder whose line was
        revoked since is left out, each section as the line allows today."""
        letter = request.env["care.family.letter"].sudo().browse(letter_id).exists()
        if (
            not letter
            or letter.partner_id != request.env.user.partner_id
            or letter.state != "sent"
        ):
            raise NotFound()
        pdf, _type = (
            request.env["ir.actions.report"]
            .sudo()
            ._render_qweb_pdf("care_family.report_family_letter", letter.ids)
        )
        return request.make_response(
            pdf,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Length", len(pdf)),
                ("X-Content-Type-Options", "nosniff"),
            ],
        )

    @http.route("/my/elder/<int:elder_id>", type="http", auth="user", website=True)
    def care_my_elder(self, elder_id, msg=None, order=None, **kw):
        line = self._care_line(elder_id)
        values = self._prepare_portal_layout_values()
        messages = self._care_messages()
        message = messages.get(msg) if isinstance(msg, str) else None
        warning = ""
        if msg == "booked" and isinstance(order, str) and order.isdigit():
            booked = request.env["fsm.order"].sudo().browse(int(order)).exists()
            if (
                booked
                and booked.care_elder_id == line.elder_id
                and booked.care_family_partner_id == request.env.user.partner_id
                and "care_voucher_warning" in booked._fields
            ):
                warning = booked.care_voucher_warning or ""
        next_visits, past_visits = (
            self._care_visits(line) if line.perm_schedule else ([], [])
        )
        values.update(
            {
                "page_name": "care_elder",
                "elder": self._care_elder_card(line),
                "perm": {
                    "schedule": line.perm_schedule,
                    "health": line.perm_health,
                    "book": line.perm_book,
                },
                "message": message,
                "is_error": bool(message)
                and msg not in ("booked", "cancelled", "rated", "sent"),
                "voucher_warning": warning,
                "next_visits": next_visits,
                "past_visits": past_visits,
                "health": self._care_health(line) if line.perm_health else None,
                "services": [
                    {"id": s.id, "name": s.name}
                    for s in (self._care_services(line) if line.perm_book else [])
                ],
                "today": fields.Date.context_today(line).isoformat(),
                "slots": [
                    ("morning", request.env._("Morning (8:00–12:00)")),
                    ("afternoon", request.env._("Afternoon (13:00–18:00)")),
                ],
            }
        )
        values["conversation"] = self._care_conversation(line)
        values["documents"] = self._care_documents(line)
        values.update(self._care_extra_sections(line))
        return request.render("care_family.portal_my_elder", values)

    # ------------------------------------------------------------------
    # Documents: the elder card, the signed agreements
    # ------------------------------------------------------------------
    @http.route("/my/elder/<int:elder_id>/card", type="http", auth="user")
    def care_elder_card(self, elder_id, **kw):
        """The elder card PDF (it carries the ability level and allergies:
        the health permission), rendered as the system after the line check,
        the ID number masked."""
        line = self._care_line(elder_id, "health")
        elder = line.elder_id.sudo().with_context(care_mask_id_numbers=True)
        # a full number computed earlier in this request must not be reused
        elder.invalidate_recordset(["id_number_display"])
        pdf, _type = (
            request.env["ir.actions.report"]
            .sudo()
            .with_context(care_mask_id_numbers=True)
            ._render_qweb_pdf(CARD_REPORT, elder.ids)
        )
        elder.invalidate_recordset(["id_number_display"])
        return request.make_response(
            pdf,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Length", len(pdf)),
                ("X-Content-Type-Options", "nosniff"),
            ],
        )

    @http.route(
        "/my/elder/<int:elder_id>/agreement/<int:attachment_id>",
        type="http",
        auth="user",
    )
    def care_elder_agreement(self, elder_id, attachment_id, **kw):
        line = self._care_line(elder_id)
        attachment = self._care_agreements(line).filtered(
            lambda a: a.id == attachment_id
        )
        if not attachment:
            raise NotFound()
        return (
            request.env["ir.binary"]
            ._get_stream_from(attachment)
            .get_response(as_attachment=True)
        )

    # ------------------------------------------------------------------
    # Images: the elder's photo, a visit's photos and signature
    # ------------------------------------------------------------------
    @http.route("/my/elder/<int:elder_id>/photo", type="http", auth="user")
    def care_elder_photo(self, elder_id, **kw):
        line = self._care_line(elder_id)
        partner = line.elder_id.sudo().partner_id
        return (
            request.env["ir.binary"]
            ._get_image_stream_from(
                partner, "image_512", placeholder="base/static/img/avatar_grey.png"
            )
            .get_response()
        )

    @http.route(
        "/my/elder/<int:elder_id>/visit/<int:order_id>/photo/<int:attachment_id>",
        type="http",
        auth="user",
    )
    def care_visit_photo(self, elder_id, order_id, attachment_id, **kw):
        line = self._care_line(elder_id, "schedule")
        order = self._care_order(line, order_id)
        attachment = (
            request.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("id", "=", attachment_id),
                    ("res_model", "=", "fsm.order"),
                    ("res_id", "=", order.id),
                    ("res_field", "=", False),
                    ("mimetype", "in", PHOTO_TYPES),
                ],
                limit=1,
            )
        )
        if not attachment or not order.is_closed:
            raise NotFound()
        return request.env["ir.binary"]._get_stream_from(attachment).get_response()

    @http.route(
        "/my/elder/<int:elder_id>/visit/<int:order_id>/signature",
        type="http",
        auth="user",
    )
    def care_visit_signature(self, elder_id, order_id, **kw):
        line = self._care_line(elder_id, "schedule")
        order = self._care_order(line, order_id)
        if not order.signature or not order.is_closed:
            raise NotFound()
        return (
            request.env["ir.binary"]
            ._get_image_stream_from(order, "signature")
            .get_response()
        )

    # ------------------------------------------------------------------
    # Requests and ratings (POST, CSRF checked by Odoo)
    # ------------------------------------------------------------------
    def _care_back(self, elder_id, msg, **params):
        query = "&".join(
            [f"msg={msg}"] + [f"{key}={value}" for key, value in params.items()]
        )
        return request.redirect(f"/my/elder/{elder_id}?{query}#care_messages")

    def _care_window(self, day, slot):
        """(early, late) in UTC naive datetimes, or None if not acceptable."""
        try:
            date = fields.Date.to_date(day)
        except (TypeError, ValueError):
            return None
        if slot not in SLOTS or not date:
            return None
        tz = pytz.timezone(request.env.user.tz or DEFAULT_TZ)
        now = fields.Datetime.now()
        today = pytz.utc.localize(now).astimezone(tz).date()
        if not today <= date <= today + datetime.timedelta(days=BOOK_DAYS_AHEAD):
            return None
        first, last = SLOTS[slot]
        early, late = (
            tz.localize(datetime.datetime.combine(date, datetime.time(hour)))
            .astimezone(pytz.utc)
            .replace(tzinfo=None)
            for hour in (first, last)
        )
        if late <= now:
            return None
        return early, late

    @http.route(
        "/my/elder/<int:elder_id>/message", type="http", auth="user", methods=["POST"]
    )
    def care_message(self, elder_id, body="", **kw):
        """A message to the centre, posted on the member's access line (the
        care manager answers in its chatter); the elder's coordinator is
        notified."""
        line = self._care_line(elder_id)
        env = request.env
        text = (body or "").strip()[:MESSAGE_SIZE] if isinstance(body, str) else ""
        if not text:
            return self._care_back(elder_id, "bad_message")
        partner = env.user.partner_id
        today = (
            env["mail.message"]
            .sudo()
            .search_count(
                [
                    ("model", "=", line._name),
                    ("res_id", "=", line.id),
                    ("author_id", "=", partner.id),
                    ("date", ">=", fields.Datetime.now() - datetime.timedelta(days=1)),
                ]
            )
        )
        if today >= MESSAGES_PER_DAY:
            return self._care_back(elder_id, "too_many_messages")
        line.message_subscribe(partner_ids=partner.ids)
        coordinator = line.elder_id.responsible_id.partner_id
        line.with_context(mail_create_nosubscribe=True).message_post(
            body=Markup("<p>%s</p>") % text,
            author_id=partner.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=coordinator.ids,
        )
        return self._care_back(elder_id, "sent")

    @http.route(
        "/my/elder/<int:elder_id>/book", type="http", auth="user", methods=["POST"]
    )
    def care_book(self, elder_id, service_id=None, day=None, slot=None, note="", **kw):
        line = self._care_line(elder_id, "book")
        env = request.env
        service = env["care.service.category"]
        if service_id and str(service_id).isdigit():
            service = self._care_services(line).filtered(
                lambda s: s.id == int(service_id)
            )
        if not service:
            return self._care_back(elder_id, "bad_service")
        window = self._care_window(day, slot)
        if not window:
            return self._care_back(elder_id, "bad_date")
        note = (note or "").strip()[:NOTE_SIZE]
        partner = env.user.partner_id
        waiting = (
            env["fsm.order"]
            .sudo()
            .search_count(
                [
                    ("care_elder_id", "=", line.elder_id.id),
                    ("care_family_partner_id", "=", partner.id),
                    ("stage_id.is_closed", "=", False),
                ]
            )
        )
        if waiting >= OPEN_REQUESTS:
            return self._care_back(elder_id, "too_many")
        description = env._(
            "Requested on the family portal by %(member)s.", member=partner.name
        )
        if note:
            description = f"{description}\n{note}"
        elder = line.elder_id.sudo()
        try:
            with env.cr.savepoint():
                order = (
                    env["fsm.order"]
                    .sudo()
                    .with_company(elder.company_id)
                    .create(
                        {
                            "care_elder_id": elder.id,
                            "care_category_id": service.id,
                            "company_id": elder.company_id.id,
                            "request_early": window[0],
                            "request_late": window[1],
                            "description": description,
                            "stage_id": env.ref("fieldservice.fsm_stage_new").id,
                            "care_from_family": True,
                            "care_family_partner_id": partner.id,
                        }
                    )
                )
        except (UserError, ValidationError) as error:
            _logger.info("Family request for elder %s refused: %s", elder.id, error)
            return self._care_back(elder_id, "bad_date")
        return self._care_back(elder_id, "booked", order=order.id)

    @http.route(
        "/my/elder/<int:elder_id>/request/<int:order_id>/cancel",
        type="http",
        auth="user",
        methods=["POST"],
    )
    def care_cancel(self, elder_id, order_id, **kw):
        line = self._care_line(elder_id, "book")
        order = self._care_order(line, order_id)
        if not order.care_from_family or (
            order.care_family_partner_id != request.env.user.partner_id
        ):
            raise NotFound()
        if order.care_dispatched_at or order.stage_id != request.env.ref(
            "fieldservice.fsm_stage_new"
        ):
            return self._care_back(elder_id, "not_cancellable")
        order.action_cancel()
        return self._care_back(elder_id, "cancelled")

    @http.route(
        "/my/elder/<int:elder_id>/visit/<int:order_id>/rate",
        type="http",
        auth="user",
        methods=["POST"],
    )
    def care_rate(self, elder_id, order_id, rating=None, comment="", **kw):
        line = self._care_line(elder_id, "schedule")
        order = self._care_order(line, order_id)
        env = request.env
        if not order.is_closed or order.stage_id == env.ref(
            "fieldservice.fsm_stage_cancelled"
        ):
            return self._care_back(elder_id, "not_ratable")
        if not (isinstance(rating, str) and rating in ("1", "2", "3", "4", "5")):
            return self._care_back(elder_id, "bad_rating")
        Rating = env["care.family.rating"].sudo()
        if Rating.search_count([("order_id", "=", order.id)]):
            return self._care_back(elder_id, "already_rated")
        try:
            with env.cr.savepoint():
                Rating.create(
                    {
                        "order_id": order.id,
                        "partner_id": env.user.partner_id.id,
                        "rating": int(rating),
                        "comment": (comment or "").strip()[:COMMENT_SIZE] or False,
                    }
                )
        except IntegrityError:
            # a second rating at the same moment: the unique constraint
            return self._care_back(elder_id, "already_rated")
        return self._care_back(elder_id, "rated")
