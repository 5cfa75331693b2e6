from . import test_award_blocks
