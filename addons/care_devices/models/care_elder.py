from odoo import fields, models

from odoo.addons.elder_crm.models.care_elder import MEDICAL_GROUPS, SAFETY_GROUPS

# the family doctor reads what the emergency desk reads of an elder's health
DOCTOR = "care_devices.group_care_family_doctor"


class CareElder(models.Model):
    _inherit = "care.elder"

    device_ids = fields.One2many("care.device", "elder_id", "Devices")
    device_count = fields.Integer(compute="_compute_device_count")
    vital_reading_ids = fields.One2many("care.vital.reading", "elder_id", "Vital signs")
    vital_threshold_ids = fields.One2many(
        "care.vital.threshold", "elder_id", "Vital-sign thresholds"
    )
    alarm_ticket_count = fields.Integer(compute="_compute_alarm_ticket_count")

    condition_ids = fields.Many2many(groups=f"{MEDICAL_GROUPS},{DOCTOR}")
    allergies = fields.Text(groups=f"{SAFETY_GROUPS},{DOCTOR}")
    medications = fields.Text(groups=f"{MEDICAL_GROUPS},{DOCTOR}")
    treatment_plan = fields.Text(groups=f"{MEDICAL_GROUPS},{DOCTOR}")
    hospital_id = fields.Many2one(groups=f"{MEDICAL_GROUPS},{DOCTOR}")
    doctor_id = fields.Many2one(groups=f"{MEDICAL_GROUPS},{DOCTOR}")
    has_dementia = fields.Boolean(groups=f"{MEDICAL_GROUPS},{DOCTOR}")

    def _compute_device_count(self):
        counts = dict(
            self.env["care.device"]._read_group(
                [("elder_id", "in", self.ids)], ["elder_id"], ["__count"]
            )
        )
        for elder in self:
            elder.device_count = counts.get(elder, 0)

    def _compute_alarm_ticket_count(self):
        Ticket = self.env["helpdesk.ticket"]
        if not Ticket.has_access("read"):
            self.alarm_ticket_count = 0
            return
        counts = dict(
            Ticket._read_group(
                [("care_elder_id", "in", self.ids)], ["care_elder_id"], ["__count"]
            )
        )
        for elder in self:
            elder.alarm_ticket_count = counts.get(elder, 0)

    def action_view_devices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "care_devices.care_device_action"
        )
        action["domain"] = [("elder_id", "=", self.id)]
        action["context"] = {"default_company_id": self.company_id.id}
        return action

    def action_view_vitals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "care_devices.care_vital_reading_action"
        )
        action["domain"] = [("elder_id", "=", self.id)]
        action["context"] = {"default_elder_id": self.id}
        return action

    def action_view_alarm_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "care_devices.helpdesk_ticket_alarm_action"
        )
        action["domain"] = [("care_elder_id", "=", self.id)]
        return action
