from odoo import models

# the demo centre (demo/res_company_demo.xml)
DEMO_CENTRE = "朝阳区阳光居家养老服务中心"
# other addons' demo data that rename the main company or add companies
# (stock: "My Company (San Francisco)" and a Chicago company in dollars)
FOREIGN_DEMO_NAMES = ("My Company (San Francisco)",)
FOREIGN_DEMO_COMPANIES = ("base.demo_company_cn", "stock.res_company_1")


class ResCompany(models.Model):
    _inherit = "res.company"

    def _care_demo_adopt_currency(self, currency_id):
        """Demo data: the centre keeps its books in yuan, unless they already
        hold entries (accounting installed and used before the suite): a
        company's currency cannot change under journal items."""
        Line = (
            self.env["account.move.line"] if "account.move.line" in self.env else None
        )
        for company in self:
            if Line is not None and Line.sudo().search_count(
                [("company_id", "=", company.id)], limit=1
            ):
                continue
            company.currency_id = currency_id

    def _care_demo_keep_identity(self):
        """Demo databases: the centre stays the centre. Odoo's own demo data of
        addons installed after elder_crm (stock's, brought by Sales for device
        sales) renames the main company and adds companies of their own; the
        centre's name comes back and those companies are archived, so the
        demo is one Chinese centre. A real database (no demo data) is never
        touched: only the exact demo names and records are."""
        main = self.env.ref("base.main_company", raise_if_not_found=False)
        if main and main.name in FOREIGN_DEMO_NAMES:
            main.name = DEMO_CENTRE
        for xmlid in FOREIGN_DEMO_COMPANIES:
            company = self.env.ref(xmlid, raise_if_not_found=False)
            if company and company.active and company != main:
                users = (
                    self.env["res.users"]
                    .with_context(active_test=False)
                    .search([("company_ids", "in", company.ids)])
                )
                users.filtered_domain([("company_id", "=", company.id)]).write(
                    {"company_id": main.id}
                )
                users.write({"company_ids": [(3, company.id)]})
                company.active = False
        return True
