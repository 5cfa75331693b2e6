from . import trainlink_skill_requirement_mixin
from . import trainlink_course_skill
from . import trainlink_course
from . import hr_resume_line
from . import trainlink_attendance
from . import trainlink_promotion_path_skill
from . import trainlink_promotion_path
from . import trainlink_promotion_candidate
