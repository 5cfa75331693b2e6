from odoo.tests import tagged

from .common import GROUP_ADMIN, TrainlinkCase

REPORTS = (
    "trainlink_attendance_menu_analysis",
    "trainlink_session_menu_analysis",
    "trainlink_need_menu_analysis",
    "trainlink_need_menu_uncovered",
    "trainlink_contribution_menu_analysis",
)
CONFIGURATION = (
    "trainlink_kpi_menu",
    "trainlink_sync_run_menu",
    "trainlink_contribution_rule_menu",
)


@tagged("post_install", "-at_install")
class TestMenus(TrainlinkCase):
    """Every menu is reachable (itself and every menu above it) by the roles
    that may use it, and only by them."""

    def _reachable(self, user, xmlid):
        menu = self.env.ref(f"trainlink_performance.{xmlid}")
        visible = set(self.env["ir.ui.menu"].with_user(user)._visible_menu_ids())
        chain = menu
        while chain:
            if chain.id not in visible:
                return False
            chain = chain.parent_id
        return True

    def test_reporting_is_reached_by_training_officers_and_managers(self):
        for user in (self.user_officer, self.user_mia):
            for xmlid in REPORTS:
                with self.subTest(user=user.login, menu=xmlid):
                    self.assertTrue(self._reachable(user, xmlid))
        self.assertFalse(
            self.user_officer.has_group("hr.group_hr_user"), "not an HR officer"
        )

    def test_employees_see_no_reporting_and_no_configuration(self):
        for xmlid in (*REPORTS, *CONFIGURATION, "trainlink_menu_reporting"):
            with self.subTest(menu=xmlid):
                self.assertFalse(self._reachable(self.user_emma, xmlid))
        self.assertTrue(self._reachable(self.user_emma, "trainlink_course_menu"))

    def test_configuration_is_reached_by_trainlink_administrators(self):
        admin = self._user("tl_admin_only", GROUP_ADMIN)
        self.assertFalse(admin.has_group("hr.group_hr_user"))
        for xmlid in CONFIGURATION:
            with self.subTest(menu=xmlid):
                self.assertTrue(self._reachable(admin, xmlid))
                self.assertFalse(self._reachable(self.user_officer, xmlid))

    def test_consequences_to_release_are_reached_by_training_officers_only(self):
        xmlid = "trainlink_contribution_menu_consequences"
        self.assertTrue(self._reachable(self.user_officer, xmlid))
        for user in (self.user_mia, self.user_eric, self.user_emma):
            with self.subTest(user=user.login):
                self.assertFalse(self._reachable(user, xmlid))
