from . import test_enrolment
from . import test_completion
from . import test_security
