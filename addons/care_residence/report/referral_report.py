from odoo import api, fields, models, tools
from odoo.tools import SQL


class CareResidenceReferralReport(models.Model):
    """Admissions by the reception source of their lead (the referral), and
    each source's share of the admissions: one row per admission; the share
    of a group is its admissions over those of the whole selection (filters
    apply), computed when grouping."""

    _name = "care.residence.referral.report"
    _description = "Admissions by Referral Source"
    _auto = False
    _order = "date desc"
    _rec_name = "date"

    date = fields.Date("Admitted On", readonly=True)
    stay_id = fields.Many2one("care.residence.stay", readonly=True)
    source_id = fields.Many2one("utm.source", "Referral Source", readonly=True)
    referred = fields.Selection(
        [("lead", "Reception Lead"), ("direct", "Direct")],
        "Channel",
        readonly=True,
        help="Admissions from a reception lead, or added to the list directly.",
    )
    building_id = fields.Many2one("care.residence.building", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    admissions = fields.Integer(readonly=True)
    share = fields.Float(
        "Share (%)",
        readonly=True,
        help="The group's admissions over all admissions of the selection.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
CREATE OR REPLACE VIEW %s AS (
    SELECT stay.id AS id,
           stay.id AS stay_id,
           stay.date_admitted AS date,
           lead.source_id AS source_id,
           CASE WHEN lead.id IS NULL THEN 'direct' ELSE 'lead' END AS referred,
           stay.building_id,
           stay.company_id,
           1 AS admissions,
           0.0::float AS share
    FROM care_residence_stay stay
    LEFT JOIN care_residence_waiting entry ON entry.id = stay.waiting_id
    LEFT JOIN crm_lead lead ON lead.id = entry.lead_id
    WHERE stay.date_admitted IS NOT NULL
)
""",
                SQL.identifier(self._table),
            )
        )

    @api.model
    def read_group(
        self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True
    ):
        """The share is a ratio: each group's admissions over the admissions
        of the whole domain (the pivot's and graph's calls come here)."""
        names = [spec.split(":")[0].split(" ")[0] for spec in fields]
        if "share" not in names:
            return super().read_group(
                domain, fields, groupby, offset, limit, orderby, lazy
            )
        fields = [spec for spec in fields if spec.split(":")[0] != "share"]
        fields.append("admissions:sum")
        result = super().read_group(
            domain, fields, groupby, offset, limit, orderby, lazy
        )
        total = self.search_count(domain)
        for group in result:
            group["share"] = (
                round(100.0 * (group.get("admissions") or 0) / total, 1)
                if total
                else 0.0
            )
        return result

    @api.model
    def _referral_share(self, domain=()):
        """[(source or False, admissions, share %)], largest first."""
        groups = self.read_group(
            list(domain), ["admissions:sum", "share"], ["source_id"], lazy=False
        )
        rows = [
            (
                group["source_id"] and group["source_id"][0],
                group["admissions"],
                group["share"],
            )
            for group in groups
        ]
        return sorted(rows, key=lambda row: (-row[1], row[0] or 0))
