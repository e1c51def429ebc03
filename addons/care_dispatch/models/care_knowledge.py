from odoo import api, fields, models

KNOWLEDGE_TOPICS = [
    ("health", "Health"),
    ("legal", "Legal"),
    ("life", "Daily life"),
    ("policy", "Policies and subsidies"),
    ("service", "Our services"),
]


class CareKnowledge(models.Model):
    """An answer of the call centre's knowledge base (知识库): what agents
    tell callers who ask (health, legal, daily life, policies)."""

    _name = "care.knowledge"
    _description = "Knowledge Base Answer"
    _inherit = ["care.guard.mixin"]
    _order = "use_count desc, id desc"

    name = fields.Char("Question", required=True, translate=True)
    topic = fields.Selection(
        KNOWLEDGE_TOPICS, required=True, default="life", index=True
    )
    keywords = fields.Char(help="Words callers use, to find the answer.")
    answer = fields.Html(required=True, translate=True, sanitize=True)
    active = fields.Boolean(default=True)
    call_ids = fields.Many2many(
        "care.call",
        "care_call_care_knowledge_rel",
        "care_knowledge_id",
        "care_call_id",
        string="Calls",
        readonly=True,
    )
    use_count = fields.Integer(
        "Used", compute="_compute_use_count", store=True, help="Calls it was given in."
    )
    company_id = fields.Many2one("res.company", help="Empty: every service centre.")

    @api.depends("call_ids")
    def _compute_use_count(self):
        counts = dict(
            self.env["care.call"]._read_group(
                [("knowledge_ids", "in", self.ids)], ["knowledge_ids"], ["__count"]
            )
        )
        for answer in self:
            answer.use_count = counts.get(answer, 0)

    @api.model
    def _search_display_name(self, operator, value):
        """Typing in the call's answers field finds the answers whose question
        or keywords contain every word typed ("补贴 80岁")."""
        if operator != "ilike" or not isinstance(value, str) or not value.split():
            return super()._search_display_name(operator, value)
        domain = []
        for word in value.split():
            domain += ["|", ("name", "ilike", word), ("keywords", "ilike", word)]
        return domain

    @api.model
    def _search_answers(self, text, limit=8):
        """The answers for what a caller asks (as the call's field finds them)."""
        return self.search([("display_name", "ilike", text or "")], limit=limit)


class CareCallKnowledge(models.Model):
    _inherit = "care.call"

    knowledge_ids = fields.Many2many(
        "care.knowledge",
        "care_call_care_knowledge_rel",
        "care_call_id",
        "care_knowledge_id",
        string="Answers given",
    )
