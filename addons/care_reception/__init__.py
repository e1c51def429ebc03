from . import controllers, models


def _care_post_init(env):
    """The leads that exist before the module read their numbers in the
    company's country: read them again as the whole suite does."""
    env["crm.lead"]._care_resanitize_phones()
