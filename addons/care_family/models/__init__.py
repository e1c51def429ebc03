from . import (
    care_elder,
    care_family_access,
    care_family_letter,
    care_family_rating,
    fsm_order,
)
