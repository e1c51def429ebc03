"""Every screen a role opens is Chinese (zh_CN), in a real browser.

For each role (the demo users and a care manager), with the user's language
zh_CN: every menu under the suite's root and the Helpdesk and Field Service
menus the role sees; each action's list and kanban views, the form of the
first record (every notebook page) or the wizard's dialog. The walk
(static/tests/zh_cn_walk.js) collects the visible text and placeholders and
fails listing every English word ([A-Za-z]{3,}) not in ALLOW.

Values typed by users (names, descriptions: non-translatable char, text and
html fields, and relations to records whose name is not translatable) are data,
not screens, and are skipped; labels, buttons, stages, selections, help texts,
menus and translatable data (conditions, categories, stages, ...) are checked.
"""

import json
import re

from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import SQL

# Suite's root menu, and the OCA applications its roles work in.
ROOTS = (
    "elder_crm.elder_crm_menu_root",
    "helpdesk_mgmt.helpdesk_ticket_main_menu",
    "fieldservice.root",
)
ROLES = (
    "elder_crm.user_reception_demo",
    "elder_crm.user_dispatcher_demo",
    "elder_crm.user_emergency_demo",
    "elder_crm.user_finance_demo",
    "care_devices.user_devices_demo",
    "care_devices.user_doctor_demo",
)
# Words that stay as they are: brands, units, codes and standards.
ALLOW = (
    "Odoo",
    "OCA",
    "ICD",
    "API",
    "SOS",
    "GPS",
    "IMEI",
    "SIM",
    "URL",
    "PDF",
    "CSV",
    "XLSX",
    "ADL",
    "MMSE",
    "mmHg",
    "bpm",
    "kcal",
    "mmol",
    "SpO",
    "HTTP",
    "HTTPS",
    "MQTT",
    "UID",
    "VIP",
    "XML",
    "IAP",
    "Peppol",
    "English",  # a language's own name (a partner's language)
)
MODELS_OF_DATA = (
    "care.condition",
    "care.subsidy.category",
    "care.payment.method",
    "fsm.stage",
    "helpdesk.ticket.stage",
)
WORD = re.compile(r"[A-Za-z]{3,}")
TEXT_TYPES = ("char", "text", "html")
RELATIONAL = ("many2one", "many2many", "one2many")


def english_words(text):
    allow = {w.lower() for w in ALLOW}
    return [w for w in WORD.findall(text or "") if w.lower() not in allow]


def load_zh_cn(env):
    """zh_CN active and its terms loaded for every installed module."""
    env["res.lang"]._activate_lang("zh_CN")
    modules = env["ir.module.module"].search([("state", "=", "installed")])
    modules._update_translations(["zh_CN"])


@tagged("post_install", "-at_install")
class TestTermsLoadedAfterInstall(TransactionCase):
    """zh_CN loaded into an existing database from the command line
    (``odoo -d DB --load-language=zh_CN``) is loaded while the registry holds
    only base: the terms of every other model (conditions, stages, ...) were
    dropped and the data stayed English."""

    def test_data_translated_once_the_registry_is_complete(self):
        env = self.env
        env["ir.config_parameter"].set_param("elder_crm.terms_loaded_langs", "")
        env["res.lang"]._activate_lang("zh_CN")
        # what the command line does: base's registry loads base's terms only
        base = env["ir.module.module"].search([("name", "=", "base")])
        base._update_translations(["zh_CN"])
        for model in MODELS_OF_DATA:  # and no other model's (were they loaded)
            if model in env:
                env.flush_all()
                env.cr.execute(
                    SQL(
                        "UPDATE %s SET name = name - 'zh_CN'",
                        SQL.identifier(env[model]._table),
                    )
                )
                env.invalidate_all()
        hypertension = env.ref("elder_crm.condition_hypertension")
        self.assertEqual(hypertension.with_context(lang="zh_CN").name, "Hypertension")

        env["ir.module.module"]._register_hook()  # the registry is complete

        self.assertEqual(hypertension.with_context(lang="zh_CN").name, "高血压")
        for xmlid, name in (
            ("elder_crm.subsidy_category_alone", "独居"),
            ("elder_crm.payment_method_self_pay", "自费"),
            ("fieldservice.fsm_stage_new", "新需求"),
            ("helpdesk_mgmt.helpdesk_ticket_stage_new", "新建"),
        ):
            record = env.ref(xmlid, raise_if_not_found=False)
            if record:  # Field Service and Helpdesk: with the suite only
                self.assertEqual(record.with_context(lang="zh_CN").name, name)
        self.assertEqual(
            env["ir.config_parameter"].get_param("elder_crm.terms_loaded_langs"),
            "zh_CN",
        )
        # once loaded, not again: a translation edited by a user is kept
        hypertension.with_context(lang="zh_CN").name = "原发性高血压"
        env["ir.module.module"]._register_hook()
        self.assertEqual(hypertension.with_context(lang="zh_CN").name, "原发性高血压")


@tagged("post_install", "-at_install")
class TestChineseScreens(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_zh_cn(cls.env)
        manager = new_test_user(
            cls.env,
            login="zh_care_manager",
            name="护理主管",
            groups="base.group_user,elder_crm.group_care_manager",
        )
        # the roles of the addons installed (make test: all of them)
        roles = [cls.env.ref(x, raise_if_not_found=False) for x in ROLES]
        cls.users = manager | cls.env["res.users"].union(*filter(None, roles))
        cls.users.write({"lang": "zh_CN"})
        if "tour_enabled" in cls.env["res.users"]._fields:
            cls.users.write({"tour_enabled": False})

    def menus_of(self, user):
        """[{path, action, model}] of the leaf menus under ROOTS the user sees."""
        Menu = self.env["ir.ui.menu"].with_user(user).with_context(lang="zh_CN")
        tree = Menu.load_menus(False)
        menus, names = [], []

        def walk(menu_id, path):
            menu = tree[menu_id]
            path = [*path, menu["name"]]
            names.append((" / ".join(path), menu["name"]))
            if menu["action"]:
                action_model, action_id = menu["action"].split(",")
                entry = {"path": " / ".join(path), "action": int(action_id)}
                if action_model == "ir.actions.act_window":
                    action = self.env[action_model].browse(int(action_id))
                    entry["model"] = action.res_model
                menus.append(entry)
            for child in menu["children"]:
                walk(child, path)

        for app_id in tree["root"]["children"]:
            if tree[app_id]["xmlid"] in ROOTS:
                walk(app_id, [])
        return menus, names

    def field_metadata(self, models):
        """Fields whose values are typed by users, and the x2many comodels."""
        data, comodels = {}, {}
        for model in sorted(models):
            if model not in self.env:
                continue
            fields = self.env[model]._fields
            data[model] = sorted(
                name
                for name, field in fields.items()
                if (field.type in TEXT_TYPES and not field.translate)
                or (
                    field.type in RELATIONAL
                    and not self.rec_name_translated(field.comodel_name)
                )
                or (name == "display_name" and not self.rec_name_translated(model))
            )
            comodels[model] = {
                name: field.comodel_name
                for name, field in fields.items()
                if field.type in RELATIONAL
            }
        return data, comodels

    def typed_texts(self, data):
        """Values of the fields typed by users (names, e-mails, codes)."""
        texts = set()
        for model, names in data.items():
            Model = self.env[model].sudo().with_context(active_test=False)
            if Model._abstract or not Model._auto:
                continue
            fields = [
                n
                for n in names
                if Model._fields[n].type in ("char", "text") and Model._fields[n].store
            ]
            records = Model.search([], limit=300)
            for row in records.read(fields):
                texts.update(v.strip() for v in row.values() if isinstance(v, str))
            if "display_name" in names:
                texts.update(d.strip() for d in records.mapped("display_name") if d)
            elif self.rec_name_translated(model):
                # no external id: made by a user (or by a demo script), not
                # shipped, so without translation (e.g. CRM's demo tags)
                shipped = records._get_external_ids()
                texts.update(
                    r.display_name.strip()
                    for r in records
                    if not shipped.get(r.id) and r.display_name
                )
        texts.discard("")
        return sorted(texts)

    def rec_name_translated(self, model):
        Model = self.env[model]
        field = Model._fields.get(Model._rec_name or "name")
        return bool(field and field.translate)

    def related_models(self, models):
        """The models shown and those of their relational fields (forms)."""
        result = set(models)
        for model in models:
            if model in self.env:
                result |= {
                    f.comodel_name
                    for f in self.env[model]._fields.values()
                    if f.type in RELATIONAL
                }
        return result

    def test_oca_terms_load_from_the_suite_files(self):
        """helpdesk_mgmt, fieldservice and base_territory ship no zh_CN: their
        labels, menus and stages load from care_devices' and care_dispatch's
        i18n_extra files."""
        installed = self.env["ir.module.module"].search(
            [
                ("name", "in", ("care_devices", "care_dispatch")),
                ("state", "=", "installed"),
            ]
        )
        if len(installed) < 2:
            self.skipTest("care_devices and care_dispatch are not installed")
        env = self.env(context={"lang": "zh_CN"})
        ticket = env["helpdesk.ticket"].fields_get(["stage_id", "number"], ["string"])
        self.assertEqual(ticket["stage_id"]["string"], "阶段")
        self.assertEqual(ticket["number"]["string"], "工单编号")
        order = env["fsm.order"].fields_get(["person_id", "location_id"], ["string"])
        self.assertEqual(order["person_id"]["string"], "服务人员")
        self.assertEqual(order["location_id"]["string"], "服务地点")
        territory = env["res.territory"].fields_get(["branch_id"], ["string"])
        self.assertEqual(territory["branch_id"]["string"], "分部")
        self.assertEqual(env.ref("helpdesk_mgmt.helpdesk_ticket_menu").name, "工单")
        self.assertEqual(
            env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new").name, "新建"
        )
        self.assertEqual(
            env.ref("helpdesk_mgmt.helpdesk_ticket_channel_web").name, "网页"
        )
        self.assertEqual(env.ref("fieldservice.fsm_stage_new").name, "新需求")

    def test_every_screen_of_every_role_is_chinese(self):
        problems, walked = [], set()
        for user in self.users:
            menus, names = self.menus_of(user)
            with self.subTest(role=user.login):
                self.assertTrue(menus, f"{user.login} sees no menu of the suite")
                for path, name in names:
                    if english_words(name):
                        problems.append(f"{user.login}: menu {path}")
                data, comodels = self.field_metadata(
                    self.related_models({m["model"] for m in menus if m.get("model")})
                )
                config = {
                    "menus": menus,
                    "allow": list(ALLOW),
                    "data": data,
                    "comodels": comodels,
                    "texts": self.typed_texts(data),
                    # walked by another role: first view and first record only
                    "light": sorted(walked),
                }
                walked.update(m["action"] for m in menus)
                attachment = self.env["ir.attachment"].create(
                    {
                        "name": f"zh_walk_{user.login}.json",
                        "raw": json.dumps(config).encode(),
                        "mimetype": "application/json",
                        "public": True,
                    }
                )
                self.browser_js(
                    "/odoo",
                    f"window.careZhWalk('/web/content/{attachment.id}')",
                    ready="window.careZhWalk && odoo.isReady",
                    login=user.login,
                    timeout=300,
                )
        self.assertFalse(problems, "English menu names:\n" + "\n".join(problems))
