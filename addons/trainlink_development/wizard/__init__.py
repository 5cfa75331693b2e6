from . import trainlink_proposal_dismiss
