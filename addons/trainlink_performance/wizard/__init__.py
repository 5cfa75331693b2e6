from . import trainlink_enrol_wizard
