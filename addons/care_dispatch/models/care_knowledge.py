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
    _order = "use_count desc, id desc"
    _rec_names_search = ["name", "keywords"]

    name = fields.Char("Question", required=True, translate=True)
    topic = fields.Selection(
        KNOWLEDGE_TOPICS, required=True, default="life", index=True
    )
    keywords = fields.Char(help="Words callers use, to find the answer.")
    answer = fields.Html(required=True, translate=True, sanitize=True)
    active = fields.Boolean(default=True)
    use_count = fields.Integer("Used", readonly=True, default=0)
    company_id = fields.Many2one("res.company", help="Empty: every service centre.")

    @api.model
    def _search_answers(self, text, limit=8):
        """Answers whose question or keywords contain each word of ``text``."""
        domain = [("active", "=", True)]
        for word in (text or "").split():
            domain += ["|", ("name", "ilike", word), ("keywords", "ilike", word)]
        return self.search(domain, limit=limit)


class CareCallKnowledge(models.Model):
    _inherit = "care.call"

    knowledge_ids = fields.Many2many("care.knowledge", string="Answers given")

    def write(self, vals):
        before = {}
        if "knowledge_ids" in vals:
            before = {call.id: call.knowledge_ids for call in self}
        result = super().write(vals)
        for call in self.filtered(lambda c: c.id in before):
            added = call.knowledge_ids - before[call.id]
            for answer in added.sudo():
                answer.use_count += 1
        return result
