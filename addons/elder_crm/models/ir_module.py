import logging

from odoo import models
from odoo.tools import SQL
from odoo.tools.translate import TranslationImporter, get_po_paths

_logger = logging.getLogger(__name__)

# The languages whose terms were loaded into a complete registry.
LOADED_LANGS = "elder_crm.terms_loaded_langs"


class IrModuleModule(models.Model):
    """Data of every installed module translated in every active language.

    A language loaded into an existing database from the command line
    (``odoo -d DB --load-language=zh_CN`` without ``-i``/``-u``) is
    loaded while the registry holds only ``base``: Odoo then drops every term of
    a model that ``base`` does not define, so the suite's data (conditions,
    subsidy categories, payment methods, service categories, ...) and the
    stages of Field Service, Helpdesk and CRM stay English, while menus and
    field labels (``base`` models) are translated.

    Once the registry is complete, the terms of a language not yet loaded that
    way are loaded again, once: missing translations are added, existing ones
    (also those edited by users) are kept.
    """

    _inherit = "ir.module.module"

    def _load_module_terms(
        self, modules, langs, overwrite=False, imported_module=False
    ):
        result = super()._load_module_terms(
            modules, langs, overwrite=overwrite, imported_module=imported_module
        )
        self._care_fill_english_copies(modules, langs)
        return result

    def _care_fill_english_copies(self, modules, langs):
        """Give the suite's translations of other modules' terms (each suite
        module's ``i18n_extra/``) to the terms that are still English.

        Some of Odoo's own zh_CN files carry the English text as the
        "translation" (account's "Auto-post bills", for one). Loaded first, it
        counts as a translation and ours is ignored. Here a term takes the
        suite's text only where its value in the language is missing or equal
        to the English one: real translations, and those users edited, stay.
        """
        suite = [m for m in modules if m == "elder_crm" or m.startswith("care_")]
        langs = [lang for lang in langs if lang != "en_US"]
        if not suite or not langs:
            return
        importer = TranslationImporter(self.env.cr, verbose=False)
        found = False
        for module in suite:
            for lang in langs:
                for path in get_po_paths(module, lang, env=self.env):
                    if "i18n_extra" in path:
                        importer.load_file(path, lang)
                        found = True
        if not found:
            return
        for model_name, by_field in importer.model_translations.items():
            Model = self.env.get(model_name)
            if Model is None:
                by_field.clear()
                continue
            for field_name, by_xmlid in by_field.items():
                self._care_keep_english_copies_only(Model, field_name, by_xmlid)
        # view terms are left to Odoo: it already treats a term equal to its
        # English source as missing
        importer.model_terms_translations.clear()
        importer.save(force_overwrite=True)

    def _care_keep_english_copies_only(self, Model, field_name, by_xmlid):
        """Drop from ``by_xmlid`` ({xmlid: {lang: value}}) every language whose
        value in the database is a real translation."""
        if field_name not in Model._fields or not by_xmlid:
            by_xmlid.clear()
            return
        pairs = [xmlid.split(".", 1) for xmlid in by_xmlid]
        current = {}
        for sub in self.env.cr.split_for_in_conditions(pairs):
            self.env.cr.execute(
                SQL(
                    "SELECT imd.module || '.' || imd.name, m.%s FROM %s m "
                    "JOIN ir_model_data imd ON imd.model = %s AND imd.res_id = m.id "
                    "WHERE (imd.module, imd.name) IN %s",
                    SQL.identifier(field_name),
                    SQL.identifier(Model._table),
                    Model._name,
                    tuple(tuple(p) for p in sub),
                )
            )
            current.update(self.env.cr.fetchall())
        for xmlid in list(by_xmlid):
            values = current.get(xmlid) or {}
            english = values.get("en_US")
            translations = by_xmlid[xmlid]
            for lang in list(translations):
                if values.get(lang) not in (None, "", english):
                    del translations[lang]
            if not translations:
                del by_xmlid[xmlid]

    def _register_hook(self):
        super()._register_hook()
        self._care_load_missing_terms()

    def _care_load_missing_terms(self):
        if self.env.cr.readonly:
            return
        Param = self.env["ir.config_parameter"].sudo()
        active = {code for code, _name in self.env["res.lang"].get_installed()}
        active.discard("en_US")
        loaded = set(filter(None, (Param.get_param(LOADED_LANGS) or "").split(",")))
        missing = sorted(active - loaded)
        if missing:
            _logger.info(
                "loading the terms of %s into the complete registry",
                ", ".join(missing),
            )
            modules = self.sudo().search([("state", "=", "installed")])
            modules._update_translations(missing)
        if loaded != active:
            # a language deactivated is forgotten: reactivated, it loads again
            Param.set_param(LOADED_LANGS, ",".join(sorted(active)))
