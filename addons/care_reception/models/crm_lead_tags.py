"""Health tags stay hidden in searches too.

The record rule on crm.tag hides the health tags (care_sensitive) from staff
who may not read health notes, so the tags are not on the lead for them. A
search by the tag's id (``[('tag_ids', 'in', [id])]``) does not read the tag,
though: without this, a CRM salesperson could count the leads carrying
"dementia care". For those users, the ids of tags they may not read are
dropped from such a condition (which then matches as if the lead did not
carry them). Searches through a tag's fields (``tag_ids.name``) already go
through the tag's record rules."""

from odoo import api, models

TAG_FIELDS = ("tag_ids", "care_concern_ids")
HEALTH_READERS = "elder_crm.group_care_reception,elder_crm.group_care_emergency"


class CrmLead(models.Model):
    _inherit = "crm.lead"

    @api.model
    def _care_readable_tag_domain(self, domain):
        Tag = self.env["crm.tag"]
        result = []
        for element in domain:
            if (
                isinstance(element, list | tuple)
                and len(element) == 3
                and element[0] in TAG_FIELDS
            ):
                field, operator, value = element
                ids = value if isinstance(value, list | tuple) else [value]
                if ids and all(
                    isinstance(i, int) and not isinstance(i, bool) for i in ids
                ):
                    readable = Tag.search([("id", "in", list(ids))]).ids
                    hidden = set(ids) - set(readable)
                    if hidden:
                        if operator in ("=", "!="):
                            operator = "in" if operator == "=" else "not in"
                        element = (field, operator, readable)
            result.append(element)
        return result

    @api.model
    def _search(self, domain, *args, **kwargs):
        if (
            domain
            and not self.env.su
            and not self.env.user.has_groups(HEALTH_READERS)
            and any(
                isinstance(e, list | tuple) and len(e) == 3 and e[0] in TAG_FIELDS
                for e in domain
            )
        ):
            domain = self._care_readable_tag_domain(domain)
        return super()._search(domain, *args, **kwargs)
