from . import test_plan_stages
from . import test_plan_signatures
from . import test_plan_followup
from . import test_plan_evaluation
from . import test_plan_triggers
from . import test_plan_confidentiality
from . import test_ui
from . import test_plan_content
