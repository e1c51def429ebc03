from . import care_plan_sign
