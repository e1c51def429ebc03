import logging

from odoo import models

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
