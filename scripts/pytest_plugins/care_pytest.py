"""pytest plugin loaded by scripts/test.sh (-p care_pytest).

pytest-odoo imports odoo.tests before the module-scoped fixture turns
test_enable on (turning it on globally would make the registry run every
module's at_install tests), so Odoo logs a spurious ERROR "Importing test
framework, avoid importing from business modules ..." with a stack dump. Drop
just that record.
"""

import logging


class _DropTestFrameworkNotice(logging.Filter):
    def filter(self, record):
        return not record.getMessage().startswith("Importing test framework")


logging.getLogger("odoo.tests.common").addFilter(_DropTestFrameworkNotice())
