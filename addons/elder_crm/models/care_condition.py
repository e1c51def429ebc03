from odoo import fields, models


class CareCondition(models.Model):
    """Diagnosed conditions grouped as in GB/T 42195 Annex A.4.1 (ICD-10)."""

    _name = "care.condition"
    _description = "Health Condition"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    icd10 = fields.Char(string="ICD-10 Codes", help="Code or range, e.g. I10-I15.")
    sequence = fields.Integer(default=10)
    is_dementia = fields.Boolean(
        string="Dementia",
        help="Diagnosed dementia (ICD-10 F00-F03): raises the GB/T 42195 level (C.4).",
    )
    is_mental_disorder = fields.Boolean(
        string="Mental Disorder",
        help="Other mental or behavioural disorder diagnosed by a psychiatrist "
        "(ICD-10 F04-F99): raises the GB/T 42195 level (C.4).",
    )
    active = fields.Boolean(default=True)
