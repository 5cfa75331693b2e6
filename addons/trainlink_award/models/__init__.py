from . import award_campaign
from . import award_candidate
from . import award_criterion
from . import award_course_stat
from . import hr_employee
from . import trainlink_promotion_candidate
from . import trainlink_attendance
