from . import care_family_access, care_family_letter
