from . import care_vital_reading
