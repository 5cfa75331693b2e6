from . import trainlink_course
from . import trainlink_session
from . import trainlink_attendance
from . import slide_channel_partner
