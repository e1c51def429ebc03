import base64
import io
from datetime import datetime, timedelta

import xlsxwriter

from odoo import api, fields, models
from odoo.exceptions import UserError


class CareServiceExport(models.TransientModel):
    """The service records of a period as a spreadsheet for the civil-affairs
    bureau (服务记录): one line per completed order with its evidence."""

    _name = "care.service.export"
    _description = "Service Records Export"

    date_from = fields.Date(
        "From", required=True, default=lambda self: fields.Date.today().replace(day=1)
    )
    date_to = fields.Date("To", required=True, default=fields.Date.today)
    street_office_id = fields.Many2one(
        "care.community", domain=[("kind", "=", "street")]
    )
    file = fields.Binary(readonly=True, attachment=False)
    filename = fields.Char(readonly=True)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for export in self:
            if export.date_from > export.date_to:
                raise UserError(self.env._("The period ends before it starts."))

    def _orders(self):
        self.ensure_one()
        cancelled = self.env.ref("fieldservice.fsm_stage_cancelled")
        domain = [
            ("care_elder_id", "!=", False),
            ("stage_id.is_closed", "=", True),
            ("stage_id", "!=", cancelled.id),
            ("date_end", ">=", fields.Datetime.to_datetime(self.date_from)),
            (
                "date_end",
                "<",
                fields.Datetime.to_datetime(self.date_to) + timedelta(days=1),
            ),
        ]
        if self.street_office_id:
            domain.append(
                ("care_elder_id.street_office_id", "=", self.street_office_id.id)
            )
        return self.env["fsm.order"].search(domain, order="date_end, id")

    def _rows(self):
        """Header and rows (plain values), in the user's language."""
        return self._rows_for(self._orders())

    def _rows_for(self, orders):
        """Header and one row per order of ``orders``."""
        header = [
            self.env._("Order"),
            self.env._("Elder"),
            self.env._("ID Number"),
            self.env._("Street Office"),
            self.env._("Community"),
            self.env._("Service code"),
            self.env._("Service"),
            self.env._("Provider"),
            self.env._("Worker"),
            self.env._("Checked in"),
            self.env._("Checked out"),
            self.env._("Hours"),
            self.env._("Photos"),
            self.env._("Signed"),
            self.env._("Satisfaction"),
            self.env._("Complaint"),
            self.env._("Proof of visit"),
            self.env._("Check-in distance (m)"),
        ]
        yes, no = self.env._("Yes"), self.env._("No")
        evv = dict(orders._fields["care_evv_state"]._description_selection(self.env))
        rows = []
        for order in orders:
            elder = order.care_elder_id
            callback = order.care_callback_ids[:1]
            hours = (
                (order.care_checkout_at - order.care_checkin_at).total_seconds() / 3600
                if order.care_checkin_at and order.care_checkout_at
                else ""
            )
            rows.append(
                [
                    order.name,
                    elder.name,
                    elder.id_number_display or "",
                    elder.street_office_id.name or "",
                    elder.community_id.name or "",
                    order.care_category_id.code or "",
                    order.care_category_id.name or "",
                    order.care_provider_id.name or "",
                    order.person_id.name or "",
                    order.care_checkin_at,
                    order.care_checkout_at,
                    round(hours, 2) if hours != "" else "",
                    order.care_photo_count,
                    yes if order.signature else no,
                    callback.rating or "",
                    (yes if callback.is_complaint else no) if callback else "",
                    evv.get(order.care_evv_state, ""),
                    order.care_evv_distance_in
                    if order.care_evv_distance_in >= 0 and order.care_checkin_at
                    else "",
                ]
            )
        return header, rows

    def _xlsx(self, header, rows):
        """The sheet as bytes (times in the user's time zone).

        Every text is written as text: a name or note starting with ``=``
        (``=HYPERLINK(...)``) stays a string, never a formula, a number or a
        link; numbers and times keep their types."""
        stream = io.BytesIO()
        book = xlsxwriter.Workbook(
            stream,
            {
                "in_memory": True,
                "remove_timezone": True,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        sheet = book.add_worksheet(self.env._("Service records"))
        bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        for column, title in enumerate(header):
            sheet.write_string(0, column, str(title), bold)
        tz = self.env.user.tz or "Asia/Shanghai"
        for index, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                if value is None or value is False or value == "":
                    sheet.write_blank(index, column, None)
                elif isinstance(value, bool) or not isinstance(
                    value, int | float | datetime
                ):
                    sheet.write_string(index, column, str(value))
                elif isinstance(value, datetime):
                    local = fields.Datetime.context_timestamp(
                        self.with_context(tz=tz), value
                    )
                    sheet.write_datetime(
                        index, column, local.replace(tzinfo=None), when
                    )
                else:
                    sheet.write_number(index, column, value)
        sheet.freeze_panes(1, 0)
        sheet.set_column(0, len(header) - 1, 16)
        book.close()
        return stream.getvalue()

    def action_export(self):
        self.ensure_one()
        header, rows = self._rows()
        if not rows:
            raise UserError(self.env._("No completed service in this period."))
        self.write(
            {
                "file": base64.b64encode(self._xlsx(header, rows)),
                "filename": f"service_records_{self.date_from}_{self.date_to}.xlsx",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/care.service.export/{self.id}/file/{self.filename}"
            "?download=true",
            "target": "self",
        }
