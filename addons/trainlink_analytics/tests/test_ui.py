from odoo.tests import HttpCase, tagged

from .common import AnalyticsCase


@tagged("post_install", "-at_install")
class TestCourseEffectTour(AnalyticsCase, HttpCase):
    """In the browser, an HR officer opens Course Effectiveness as a pivot,
    switches to the ranking and drills down to the trainings behind a figure
    (static/tests/tours/course_effect_tour.js)."""

    def test_hr_opens_the_course_effectiveness_pivot(self):
        hr = self._user("tl_an_hr", "hr.group_hr_user")
        self.start_tour(
            "/odoo/action-trainlink_analytics.trainlink_course_effect_action?view_type=pivot",
            "trainlink_analytics_course_effect",
            login=hr.login,
        )
