from . import forecast, stay_wizards
