# isort: off
# the mixin first: the models below inherit it
from . import care_guard_mixin
from . import care_import_mixin
from . import (
    care_assessment,
    care_community,
    care_condition,
    care_elder,
    care_elder_contact,
    care_payment_method,
    care_subsidy_category,
    ir_module,
    res_config_settings,
    res_company,
    res_partner,
    res_users,
)
# isort: on
