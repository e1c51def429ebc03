from odoo import api, fields, models

from .fsm_order import _care_limit

# elders paired with volunteers first (三无/特困, living alone, empty-nest)
PAIRING_CATEGORIES = (
    "elder_crm.subsidy_category_tekun",
    "elder_crm.subsidy_category_alone",
    "elder_crm.subsidy_category_empty_nest",
)


class FsmPerson(models.Model):
    _inherit = "fsm.person"

    care_provider_id = fields.Many2one(
        "care.provider", "Provider", index="btree_not_null", ondelete="restrict"
    )
    care_is_volunteer = fields.Boolean("Volunteer")
    care_paired_elder_ids = fields.Many2many(
        "care.elder",
        "care_volunteer_elder_rel",
        "person_id",
        "elder_id",
        string="Paired elders",
        help="结对: the elders this volunteer visits regularly.",
    )
    care_volunteer_hours = fields.Float(
        "Volunteer hours", compute="_compute_care_volunteer_hours"
    )

    def _compute_care_volunteer_hours(self):
        groups = self.env["fsm.order"]._read_group(
            [("person_id", "in", self.ids), ("care_volunteer_hours", ">", 0)],
            ["person_id"],
            ["care_volunteer_hours:sum"],
        )
        hours = {person.id: total for person, total in groups}
        for person in self:
            person.care_volunteer_hours = hours.get(person.id, 0.0)


class FsmOrderVolunteer(models.Model):
    _inherit = "fsm.order"

    care_volunteer_hours = fields.Float(
        "Volunteer hours",
        compute="_compute_care_volunteer_hours",
        store=True,
        aggregator="sum",
        help="Hours a volunteer spent on the visit (check-in to check-out).",
    )

    @api.depends("person_id.care_is_volunteer", "care_checkin_at", "care_checkout_at")
    def _compute_care_volunteer_hours(self):
        for order in self:
            if (
                order.person_id.care_is_volunteer
                and order.care_checkin_at
                and order.care_checkout_at
            ):
                delta = order.care_checkout_at - order.care_checkin_at
                order.care_volunteer_hours = delta.total_seconds() / 3600
            else:
                order.care_volunteer_hours = 0.0

    def care_propose_volunteers(self, limit=5):
        """Volunteers for this order, best first: those paired with the elder,
        then those covering the elder's territory with the fewest hours.
        Returns ``[{person_id, name, paired, hours}]``."""
        self.ensure_one()
        limit = _care_limit(self.env, limit)
        Person = self.env["fsm.person"]
        territory = self.location_id.territory_id
        domain = [("care_is_volunteer", "=", True)]
        paired = Person.search(
            [*domain, ("care_paired_elder_ids", "in", self.care_elder_id.ids)]
        )
        nearby = (
            Person.search(
                domain + ([("territory_ids", "in", territory.ids)] if territory else [])
            )
            - paired
        )
        ranked = [(person, True) for person in paired] + [
            (person, False) for person in nearby.sorted("care_volunteer_hours")
        ]
        return [
            {
                "person_id": person.id,
                "name": person.name,
                "paired": is_paired,
                "hours": person.care_volunteer_hours,
            }
            for person, is_paired in ranked[:limit]
        ]


class CareElderPairing(models.Model):
    _inherit = "care.elder"

    care_volunteer_ids = fields.Many2many(
        "fsm.person",
        "care_volunteer_elder_rel",
        "elder_id",
        "person_id",
        string="Paired volunteers",
    )
    care_pairing_priority = fields.Boolean(
        "Pair first",
        compute="_compute_care_pairing_priority",
        search="_search_care_pairing_priority",
        help="三无/特困, living alone or empty-nest: paired with a volunteer first.",
    )

    def _pairing_categories(self):
        return self.env["care.subsidy.category"].browse(
            [self.env.ref(xmlid).id for xmlid in PAIRING_CATEGORIES]
        )

    def _compute_care_pairing_priority(self):
        categories = self._pairing_categories()
        for elder in self:
            elder.care_pairing_priority = bool(elder.subsidy_category_ids & categories)

    def _search_care_pairing_priority(self, operator, value):
        positive = (operator == "=") == bool(value)
        domain = [("subsidy_category_ids", "in", self._pairing_categories().ids)]
        return domain if positive else ["!", *domain]
