from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestStageTranslations(TransactionCase):
    """CRM's stages renamed for reception read right in Chinese, whichever of
    CRM's and this module's translations are loaded last."""

    def names(self):
        stages = self.env["crm.stage"].with_context(lang="zh_CN")
        return [
            self.env.ref(f"crm.stage_lead{n}").with_env(stages.env).name
            for n in range(1, 5)
        ]

    def test_renamed_crm_stages_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        Module = self.env["ir.module.module"]
        crm = Module.search([("name", "=", "crm")])
        reception = Module.search([("name", "=", "care_reception")])
        expected = ["新咨询", "已收问卷", "已评估", "已签约"]
        # a language installed after both modules: every module's terms at once
        (crm | reception)._update_translations(["zh_CN"])
        self.assertEqual(self.names(), expected)
        # CRM's terms loaded again, even overwriting: the renamed stages keep ours
        crm._update_translations(["zh_CN"], overwrite=True)
        self.assertEqual(self.names(), expected)
        # CRM translated first, this module (re)installed afterwards
        self.env.ref("crm.stage_lead1").update_field_translations(
            "name", {"zh_CN": "新建"}
        )
        reception._update_translations(["zh_CN"])
        self.assertEqual(self.names(), expected)
