from . import care_elder, care_vital_reading
