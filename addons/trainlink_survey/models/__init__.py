from . import trainlink_course
from . import trainlink_attendance
from . import survey_user_input
