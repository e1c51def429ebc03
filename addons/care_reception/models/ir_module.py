from odoo import models
from odoo.tools.translate import TranslationImporter, get_po_paths

# CRM's own stages, renamed by this module (data/crm_stage_data.xml): their
# translations are in i18n_extra/ (no .pot there, so that Odoo keeps the
# crm.* occurrences) and must win over CRM's ("New", "Qualified", ...).
RENAMED = {f"crm.stage_lead{n}" for n in range(1, 5)}


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(
        self, modules, langs, overwrite=False, imported_module=False
    ):
        result = super()._load_module_terms(
            modules, langs, overwrite=overwrite, imported_module=imported_module
        )
        if "care_reception" in modules:
            self._care_load_stage_terms(langs)
        return result

    def _care_load_stage_terms(self, langs):
        importer = TranslationImporter(self.env.cr, verbose=False)
        for lang in langs:
            if lang == "en_US":
                continue
            for path in get_po_paths("care_reception", lang, env=self.env):
                if "i18n_extra" in path:
                    importer.load_file(path, lang, xmlids=RENAMED)
        importer.save(overwrite=True, force_overwrite=True)
