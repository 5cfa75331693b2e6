from . import trainlink_training_proposal
from . import trainlink_idp
from . import trainlink_idp_goal
from . import trainlink_performance_score
from . import hr_employee
