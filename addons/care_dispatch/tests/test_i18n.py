from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestBoardTranslations(TransactionCase):
    """The board's columns read in Chinese, Field Service's own stages too
    (Field Service ships no zh_CN: care_dispatch's i18n_extra fills it)."""

    def test_board_stages_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        Stage = self.env["fsm.stage"].with_context(lang="zh_CN")
        stages = Stage.search([("stage_type", "=", "order")])
        # as when the language is installed after the modules: no zh_CN yet
        self.env.flush_all()
        self.env.cr.execute("UPDATE fsm_stage SET name = name - 'zh_CN'")
        self.env["ir.module.module"].search(
            [("name", "in", ("fieldservice", "care_dispatch"))]
        )._update_translations(["zh_CN"])
        stages.invalidate_recordset(["name"])
        names = dict(zip(stages.mapped("id"), stages.mapped("name"), strict=True))
        ref = self.env.ref
        self.assertEqual(names[ref("fieldservice.fsm_stage_new").id], "新需求")
        self.assertEqual(names[ref("fieldservice.fsm_stage_completed").id], "已完成")
        self.assertEqual(names[ref("fieldservice.fsm_stage_cancelled").id], "已取消")
        self.assertEqual(names[ref("care_dispatch.fsm_stage_dispatched").id], "已派单")
