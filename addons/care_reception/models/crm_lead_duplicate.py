"""Duplicate enquiries: one family, one lead.

A lead whose number (the lead's phone or mobile, in any form: +86, 0086,
spaces, dashes) is the number of another open lead, or of an elder of the
archive or one of the elder's family members, is flagged when it is saved.
The lead form lists the matches with a link; reception merges leads with
CRM's own merge (history, tags, questionnaires kept: see crm_lead.py) or
links the lead to the elder already in the archive."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

PHONE_FNAMES = ("phone", "mobile")


class CrmLead(models.Model):
    _inherit = "crm.lead"

    care_duplicate_lead_ids = fields.Many2many(
        "crm.lead",
        string="Open leads with this number",
        compute="_compute_care_duplicates",
    )
    care_duplicate_elder_ids = fields.Many2many(
        "care.elder",
        string="Elders with this number",
        compute="_compute_care_duplicates",
        help="Elders of the archive whose own number, or a family member's, "
        "is this lead's.",
    )

    def _care_numbers(self):
        """The E.164 forms of the lead's numbers."""
        self.ensure_one()
        Elder = self.env["care.elder"]
        numbers = {Elder._sanitize_number(self[fname]) for fname in PHONE_FNAMES}
        if self.phone_sanitized:
            numbers.add(self.phone_sanitized)
        return sorted(number for number in numbers if number)

    def _care_duplicate_matches(self, numbers):
        """(open leads, elders) of the lead's company sharing one of
        ``numbers``, within what the caller may read; the lead itself and its
        own elder excluded."""
        if not numbers:
            return self.browse(), self.env["care.elder"]
        company = self.company_id or self.env.company
        leads = self.search(
            [
                ("id", "not in", self.ids),
                ("company_id", "in", [company.id, False]),
                ("type", "=", "opportunity"),
                ("stage_id.is_won", "=", False),
                ("phone_sanitized", "in", numbers),
            ],
            limit=20,
            order="id desc",
        )
        domain = [
            ("company_id", "in", [company.id, False]),
            "|",
            ("mobile_sanitized", "in", numbers),
            ("landline_sanitized", "in", numbers),
        ]
        Elder = self.env["care.elder"]
        elder_ids = set(Elder._search(domain, limit=20))
        contacts = self.env["care.elder.contact"].search_fetch(
            domain, ["elder_id"], limit=20
        )
        elder_ids.update(contacts.elder_id.ids)
        elders = Elder.browse(sorted(elder_ids)).exists()
        elders = elders.filtered_domain([("id", "not in", self.care_elder_id.ids)])
        return leads, elders

    @api.depends("phone", "mobile", "phone_sanitized", "care_elder_id")
    def _compute_care_duplicates(self):
        for lead in self:
            if not lead.id or not lead.active:
                lead.care_duplicate_lead_ids = False
                lead.care_duplicate_elder_ids = False
                continue
            leads, elders = lead._care_duplicate_matches(lead._care_numbers())
            lead.care_duplicate_lead_ids = leads
            lead.care_duplicate_elder_ids = elders

    # ------------------------------------------------------------------
    # The flag, set when a lead is saved
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads._care_flag_duplicates()
        return leads

    def write(self, vals):
        result = super().write(vals)
        if any(fname in vals for fname in PHONE_FNAMES):
            self._care_flag_duplicates()
        return result

    def _care_flag_duplicates(self):
        """Flag the open leads that share a number with another open lead or
        an elder (searched as superuser: a receptionist who cannot read the
        other lead still learns that the family is known)."""
        for lead in self.sudo().filtered(
            lambda lead: (
                lead.active
                and lead.type == "opportunity"
                and not lead.stage_id.is_won
                and not lead.care_possible_duplicate
            )
        ):
            leads, elders = lead._care_duplicate_matches(lead._care_numbers())
            if leads or elders:
                lead.care_possible_duplicate = True

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _care_check_reception(self):
        if not self.env.user.has_group("elder_crm.group_care_reception"):
            raise AccessError(self.env._("Only reception can merge or link enquiries."))
        self.check_access("write")

    def action_care_merge_duplicates(self):
        """CRM's merge wizard with this lead and its open duplicates."""
        self.ensure_one()
        self._care_check_reception()
        leads = self | self.care_duplicate_lead_ids
        if len(leads) < 2:
            raise UserError(self.env._("No other open lead has this number."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Merge"),
            "res_model": "crm.merge.opportunity",
            "view_mode": "form",
            "target": "new",
            "context": {
                "active_model": "crm.lead",
                "active_ids": leads.ids,
                "active_id": self.id,
            },
        }

    def action_care_link_elder(self, elder_id):
        """Link the lead to the elder of the archive it matches: the enquiry
        goes on with the existing archive instead of a second one."""
        self.ensure_one()
        self._care_check_reception()
        elder = self.env["care.elder"].browse(int(elder_id)).exists()
        if not elder:
            raise UserError(self.env._("This elder does not exist any more."))
        elder.check_access("read")
        if elder not in self.care_duplicate_elder_ids:
            raise UserError(
                self.env._(
                    "%(elder)s does not share a number with this lead.",
                    elder=elder.display_name,
                )
            )
        if self.care_elder_id and self.care_elder_id != elder:
            raise UserError(
                self.env._(
                    "The lead is already about %(elder)s; unlink that archive first.",
                    elder=self.care_elder_id.display_name,
                )
            )
        self.write(
            {
                "care_elder_id": elder.id,
                "care_prospect_name": self.care_prospect_name or elder.name,
            }
        )
        self.sudo().care_possible_duplicate = False
        self._message_log(
            body=self.env._(
                "Linked to the archive of %(elder)s (same number).",
                elder=elder.display_name,
            )
        )
        return True

    # ------------------------------------------------------------------
    # CRM's merge keeps the consultation's history
    # ------------------------------------------------------------------
    def _merge_get_fields_specific(self):
        specific = super()._merge_get_fields_specific()
        specific["care_concern_ids"] = lambda fname, leads: leads.mapped(
            "care_concern_ids"
        )
        return specific

    def _merge_dependences(self, opportunities):
        """The stage history and the objections of the merged leads move to
        the lead that is kept (CRM moves messages, attachments, activities
        and meetings)."""
        result = super()._merge_dependences(opportunities)
        History = self.env["care.lead.stage.history"].sudo()
        rows = History.search([("lead_id", "in", opportunities.ids)])
        # the merged lead's stage ends now (one open row per lead), and the
        # family entered the funnel once: the kept lead's entry counts
        rows.filtered(lambda row: not row.date_out).write(
            {"date_out": fields.Datetime.now()}
        )
        rows.write({"lead_id": self.id, "first_stage": False})
        self.env["care.lead.objection"].sudo().search(
            [("lead_id", "in", opportunities.ids)]
        ).write({"lead_id": self.id})
        return result
