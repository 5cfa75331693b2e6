from . import test_award_scoring
from . import test_award_views
from . import test_ui
