from odoo.tests import TransactionCase, new_test_user

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

GROUPS = {
    "emergency": "elder_crm.group_care_emergency",
    "device_admin": "care_devices.group_care_device_admin",
    "doctor": "care_devices.group_care_family_doctor",
    "reception": "elder_crm.group_care_reception",
    "dispatcher": "elder_crm.group_care_dispatcher",
    "manager": "elder_crm.group_care_manager",
}


class DevicesCase(TransactionCase):
    """Elders with devices bound to them and a gateway key whose secret is known."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.users = {
            role: new_test_user(
                cls.env, login=f"dev_{role}", groups=f"base.group_user,{group}"
            )
            for role, group in GROUPS.items()
        }
        cls.users["gateway"] = new_test_user(
            cls.env,
            login="dev_gateway",
            groups="base.group_user,care_devices.group_care_gateway",
        )
        cls.Event = cls.env["care.device.event"]
        cls.Ticket = cls.env["helpdesk.ticket"]
        cls.watch_model = cls.env["care.device.model"].create(
            {
                "name": "Test watch",
                "vendor": "Test",
                "device_type": "watch",
                "heartbeat_interval": 5,
                "offline_after": 3,
            }
        )
        cls.doctor = cls.env["res.partner"].create(
            {"name": "李医生", "mobile": "13900001111"}
        )
        cls.elder = cls.env["care.elder"].create(
            {
                "name": "张秀英",
                "mobile": "13500001234",
                "allergies": "青霉素过敏",
                "medications": "二甲双胍 0.5g bid",
                "doctor_id": cls.doctor.id,
                "contact_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "张建国",
                            "relationship": "son",
                            "mobile": "13600002222",
                            "sequence": 2,
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "name": "张丽",
                            "relationship": "daughter",
                            "mobile": "13700003333",
                            "sequence": 1,
                        },
                    ),
                ],
            }
        )
        cls.elder.action_activate()
        cls.elder2 = cls.env["care.elder"].create({"name": "王德海"})
        cls.elder2.action_activate()
        cls.device = cls.make_device("860000000000001", cls.elder)
        cls.device2 = cls.make_device("860000000000002", cls.elder2)
        cls.spare = cls.make_device("860000000000099")
        cls.key = cls.env["care.device.api.key"].create({"name": "Test gateway"})
        cls.secret = cls.key._set_new_secret()

    @classmethod
    def make_device(cls, serial, elder=None, model=None):
        device = cls.env["care.device"].create(
            {"serial": serial, "model_id": (model or cls.watch_model).id}
        )
        if elder:
            cls.env["care.device.binding"].create(
                {"device_id": device.id, "elder_id": elder.id}
            )
        return device

    def ingest(self, code, device=None, **data):
        data = {"device_id": (device or self.device).serial, "code": code, **data}
        return self.Event._ingest(self.key, data)

    def alarm_tickets(self, elder=None, kind=None):
        domain = [("care_elder_id", "=", (elder or self.elder).id)]
        if kind:
            domain.append(("care_alarm_kind", "=", kind))
        return self.Ticket.search(domain)
