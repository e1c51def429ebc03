from . import care_map
