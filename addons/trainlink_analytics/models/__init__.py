from . import res_company
from . import res_config_settings
from . import course_effect
from . import training_report
from . import department_report
from . import promotion_course_report
from . import program_indicator
from . import trainlink_promotion_candidate
