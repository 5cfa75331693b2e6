from odoo.tests import tagged

from odoo.addons.trainlink_performance.tests.common import TrainlinkCase

OFFICER_REPORTS = (
    "trainlink_course_effect_menu",
    "trainlink_program_indicator_menu",
    "trainlink_promotion_course_report_menu",
)
MANAGER_REPORTS = (
    "trainlink_training_report_menu",
    "trainlink_department_report_menu",
    "trainlink_promotion_gates_menu",
)


@tagged("post_install", "-at_install")
class TestAnalyticsMenus(TrainlinkCase):
    """Each analysis is reachable (itself and every menu above it) by the
    roles whose data it shows, and by them only."""

    def _reachable(self, user, xmlid):
        menu = self.env.ref(f"trainlink_analytics.{xmlid}")
        visible = set(self.env["ir.ui.menu"].with_user(user)._visible_menu_ids())
        while menu:
            if menu.id not in visible:
                return False
            menu = menu.parent_id
        return True

    def test_menus_per_role(self):
        hr = self._user("tl_an_hr_menu", "hr.group_hr_user")
        for xmlid in (*OFFICER_REPORTS, *MANAGER_REPORTS):
            with self.subTest(menu=xmlid):
                self.assertTrue(self._reachable(self.user_officer, xmlid))
                self.assertTrue(self._reachable(hr, xmlid))
                self.assertFalse(self._reachable(self.user_emma, xmlid))
                self.assertEqual(
                    self._reachable(self.user_mia, xmlid), xmlid in MANAGER_REPORTS
                )
        for xmlid in (
            "trainlink_program_indicator_menu_hr",
            "trainlink_course_effect_menu_hr",
        ):
            with self.subTest(menu=xmlid):
                self.assertTrue(self._reachable(hr, xmlid))
                self.assertFalse(self._reachable(self.user_mia, xmlid))
