import base64

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_date, format_datetime

from .care_family_access import MANAGER


class CareFamilyLetter(models.Model):
    """The monthly letter of a family member about the elders they follow.

    Prepared on the 1st for the month before (one per member and month, a
    database constraint), reviewed by the care manager who may add a note,
    approved, then sent once. Its content is read when it is rendered, and
    only for the elders whose access line is still active, each section
    according to that line's permissions."""

    _name = "care.family.letter"
    _description = "Family Monthly Letter"
    _inherit = ["mail.thread", "care.guard.mixin"]
    _order = "month desc, id desc"
    _care_protected_fields = (
        "partner_id",
        "month",
        "access_ids",
        "state",
        "sent_date",
        "company_id",
        "pdf_archived",
    )

    partner_id = fields.Many2one(
        "res.partner", "Family member", required=True, index=True
    )
    month = fields.Date(
        "First day of the month", required=True, help="The month the letter tells."
    )
    month_label = fields.Char("Month", compute="_compute_month_label")
    access_ids = fields.Many2many("care.family.access", string="Elders followed")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    note = fields.Text(
        "Note from the care manager",
        tracking=True,
        help="Printed at the end of the letter.",
    )
    state = fields.Selection(
        [("draft", "To review"), ("approved", "Approved"), ("sent", "Sent")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    sent_date = fields.Datetime("Sent on", readonly=True, copy=False)
    pdf_archived = fields.Boolean(
        "PDF archived",
        readonly=True,
        copy=False,
        index=True,
        help="The PDF of the letter as sent is attached (rendered in the "
        "background after sending).",
    )

    _sql_constraints = [
        (
            "one_per_month",
            "unique(partner_id, month)",
            "This family member already has a letter for that month.",
        ),
    ]

    @api.depends("month")
    def _compute_month_label(self):
        for letter in self:
            letter.month_label = (
                format_date(self.env, letter.month, date_format="yyyy-MM")
                if letter.month
                else ""
            )

    def _compute_display_name(self):
        for letter in self:
            letter.display_name = self.env._(
                "Letter %(month)s to %(member)s",
                month=letter.month_label,
                member=letter.partner_id.name or "",
            )

    # ------------------------------------------------------------------
    # Preparation (cron) and the care manager's review
    # ------------------------------------------------------------------
    @api.model
    def _cron_prepare_letters(self, month=None):
        """Draft letters of the month before ``month`` (today's by default)
        for every member with an active, opted-in access line; members who
        already have theirs are skipped. Returns the new letters."""
        first = fields.Date.to_date(month or fields.Date.context_today(self))
        first = first.replace(day=1) - relativedelta(months=1)
        lines = (
            self.env["care.family.access"]
            .sudo()
            .search([("letter_opt_in", "=", True), ("consent", "!=", False)])
            .filtered(lambda line: line.elder_id.active)
        )
        done = set(
            self.sudo()
            .search([("month", "=", first), ("partner_id", "in", lines.partner_id.ids)])
            .partner_id.ids
        )
        by_member = {}
        for line in lines:
            if line.partner_id.id not in done:
                by_member.setdefault(line.partner_id, self.env["care.family.access"])
                by_member[line.partner_id] |= line
        return (
            self.sudo()
            .with_context(mail_create_nolog=True)
            .create(
                [
                    {
                        "partner_id": partner.id,
                        "month": first,
                        "access_ids": [(6, 0, member_lines.ids)],
                        "company_id": member_lines[0].company_id.id,
                    }
                    for partner, member_lines in by_member.items()
                ]
            )
        )

    @api.model
    def action_prepare_letters(self):
        """The cron's preparation, now (care managers)."""
        self._care_check_manager()
        letters = self._cron_prepare_letters()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s letter(s) to review.", count=len(letters)
                ),
                "next": {"type": "ir.actions.client", "tag": "reload"},
            },
        }

    def _care_check_manager(self):
        if not self.env.su and not self.env.user.has_group(MANAGER):
            raise AccessError(
                self.env._("Only a care manager reviews and sends family letters.")
            )
        self.check_access("write")

    def action_approve(self):
        self._care_check_manager()
        if self.filtered(lambda letter: letter.state != "draft"):
            raise UserError(self.env._("Only letters to review can be approved."))
        self.sudo().write({"state": "approved"})
        return True

    def action_send(self):
        """Send the approved letters: each is claimed in one UPDATE so that
        two clicks (or a click and the cron) never send a letter twice."""
        self._care_check_manager()
        if self.filtered(lambda letter: letter.state != "approved"):
            raise UserError(
                self.env._("Only approved letters are sent, and each only once.")
            )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE care_family_letter SET state = 'sent', sent_date = %s "
                "WHERE id IN %s AND state = 'approved' RETURNING id",
                fields.Datetime.now(),
                tuple(self.ids),
            )
        )
        claimed = self.browse(row[0] for row in self.env.cr.fetchall())
        self.invalidate_recordset(["state", "sent_date"])
        # the member gets a link to the letter on the portal (it needs their
        # login: no health data travels in an e-mail attachment); the PDF
        # engine costs a second a letter, so the archive copy is rendered in
        # the background
        for letter in claimed.sudo():
            url = f"{letter.get_base_url()}/my/letter/{letter.id}"
            letter.message_post(
                body=Markup('<p>%s</p><p><a href="%s">%s</a></p>')
                % (
                    self.env._(
                        "Your monthly letter about %(elders)s is ready: read it "
                        "on the portal.",
                        elders=", ".join(letter.access_ids.elder_id.mapped("name")),
                    ),
                    url,
                    self.env._("Read the letter"),
                ),
                partner_ids=letter.partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        if claimed:
            self.env.ref("care_family.ir_cron_archive_family_letters").sudo()._trigger()
        return True

    @api.model
    def _cron_archive_letter_pdfs(self, limit=50):
        """Attach the PDF of the sent letters not archived yet, ``limit`` a
        run (the cron is triggered again while some remain)."""
        letters = self.sudo().search(
            [("state", "=", "sent"), ("pdf_archived", "=", False)],
            order="id",
            limit=limit,
        )
        report = self.env.ref("care_family.action_report_family_letter").sudo()
        for letter in letters:
            pdf, _type = report._render_qweb_pdf(report.report_name, letter.ids)
            self.env["ir.attachment"].sudo().create(
                {
                    "name": f"{letter.display_name}.pdf",
                    "datas": base64.b64encode(pdf),
                    "res_model": letter._name,
                    "res_id": letter.id,
                    "mimetype": "application/pdf",
                }
            )
        letters.write({"pdf_archived": True})
        remaining = (
            self.sudo().search_count(
                [("state", "=", "sent"), ("pdf_archived", "=", False)]
            )
            if letters
            else 0
        )
        self.env["ir.cron"]._notify_progress(done=len(letters), remaining=remaining)
        return letters

    # ------------------------------------------------------------------
    # Content
    # ------------------------------------------------------------------
    def _care_letter_values(self):
        """What the letter tells, elder by elder, as plain values: only the
        elders whose line is still active, only the sections it grants."""
        self.ensure_one()
        env = self.env
        start = fields.Datetime.to_datetime(self.month)
        end = start + relativedelta(months=1)
        cancelled = env.ref("fieldservice.fsm_stage_cancelled")
        lines = self.sudo().access_ids.filtered(
            lambda line: line.active and line.consent
        )
        elders = []
        for line in lines:
            elder = line.elder_id
            values = {"name": elder.name, "code": elder.code}
            if line.perm_schedule:
                orders = (
                    env["fsm.order"]
                    .sudo()
                    .search(
                        [
                            ("care_elder_id", "=", elder.id),
                            ("stage_id.is_closed", "=", True),
                            ("stage_id", "!=", cancelled.id),
                            ("date_end", ">=", start),
                            ("date_end", "<", end),
                        ],
                        order="date_end",
                    )
                )
                values["visits"] = [
                    {
                        "when": format_datetime(
                            env, order.date_end, dt_format="MM-dd HH:mm"
                        ),
                        "service": order.care_category_id.name or "",
                        "worker": order.person_id.name or "",
                        "volunteer": bool(
                            "care_is_volunteer" in order.person_id._fields
                            and order.person_id.care_is_volunteer
                        ),
                    }
                    for order in orders
                ]
            if line.perm_health:
                level = dict(
                    elder._fields["gbt_level"]._description_selection(env)
                ).get(elder.gbt_level, "")
                values["health"] = {"level": level}
            values.update(self._care_letter_extra(line, start, end))
            elders.append(values)
        return {"elders": elders, "note": self.note or ""}

    def _care_letter_extra(self, line, start, end):
        """More sections of one elder (glue addons add theirs, each checking
        its permission on ``line``)."""
        return {}
