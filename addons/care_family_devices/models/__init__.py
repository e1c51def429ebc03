from . import care_family_letter
