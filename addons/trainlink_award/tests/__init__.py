from . import test_award_scoring
from . import test_award_views
