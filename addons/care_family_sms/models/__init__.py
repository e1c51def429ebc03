from . import care_family_access
