from . import trainlink_enrol_wizard
from . import trainlink_score_wizard
