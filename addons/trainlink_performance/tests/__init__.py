from . import test_kpi_course
from . import test_need
from . import test_session_attendance
from . import test_application
from . import test_security
from . import test_employee
from . import test_ui
from . import test_sync_api
