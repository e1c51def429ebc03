from . import models, report, wizard


def _care_residence_pre_init(env):
    """One occupant per bed and one stay per elder are EXCLUDE constraints on
    date ranges: an equality on an integer in a GiST index needs btree_gist
    (a trusted extension since PostgreSQL 13)."""
    env.cr.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
