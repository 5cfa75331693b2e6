from . import test_course_skills
from . import test_promotion_skills
