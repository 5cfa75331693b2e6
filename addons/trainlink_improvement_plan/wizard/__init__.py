from . import improvement_plan_sign
