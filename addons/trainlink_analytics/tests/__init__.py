from . import test_course_effect
from . import test_menus
from . import test_program_indicator
from . import test_promotion_gates
from . import test_ui
