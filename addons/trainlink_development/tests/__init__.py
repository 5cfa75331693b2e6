from . import test_training_proposal
from . import test_idp
from . import test_development_security
