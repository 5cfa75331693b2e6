from odoo import fields
from odoo.tests import tagged

from .common import TrainlinkCase


@tagged("post_install", "-at_install")
class TestEmployee(TrainlinkCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.attendance = cls._completed_attendance(cls.emma)
        cls.plan = cls._plan(cls.attendance)
        cls.user_hr = cls._user("tl_hr", "hr.group_hr_user")

    def test_hr_officer_sees_training_counters_on_employee(self):
        today = fields.Date.today()
        self.attendance.completion_date = today
        last_year = self._completed_attendance(self.emma)
        last_year.completion_date = today.replace(year=today.year - 1, day=1)
        emma = self.emma.with_user(self.user_hr)
        self.assertEqual(emma.trainlink_training_count, 2)
        self.assertEqual(emma.trainlink_open_plan_count, 1)
        self.assertEqual(emma.trainlink_hours_year, 8.0, "only this year's hours")

    def test_employee_sees_own_counters_on_public_profile(self):
        public = (
            self.env["hr.employee.public"]
            .with_user(self.user_emma)
            .browse(self.emma.id)
        )
        self.assertEqual(public.trainlink_training_count, 1)
        self.assertEqual(public.trainlink_open_plan_count, 1)

    def test_employee_sees_zero_for_colleagues(self):
        public = (
            self.env["hr.employee.public"]
            .with_user(self.user_otto)
            .browse(self.emma.id)
        )
        self.assertEqual(public.trainlink_training_count, 0)
        self.assertEqual(public.trainlink_open_plan_count, 0)

    def test_plain_user_opens_employee_form_without_access_error(self):
        view = (
            self.env["hr.employee"].with_user(self.user_emma).get_view(view_type="form")
        )
        self.assertEqual(view["model"], "hr.employee.public")
        public = (
            self.env["hr.employee.public"]
            .with_user(self.user_emma)
            .browse(self.emma.id)
        )
        fields_in_view = [
            "name",
            "trainlink_training_count",
            "trainlink_open_plan_count",
        ]
        self.assertEqual(public.read(fields_in_view)[0]["name"], "Emma")

    def test_smart_button_opens_employee_trainings(self):
        action = self.emma.action_open_trainlink_attendances()
        self.assertEqual(action["res_model"], "trainlink.attendance")
        self.assertEqual(
            self.env["trainlink.attendance"].search(action["domain"]), self.attendance
        )


@tagged("post_install", "-at_install")
class TestProfilePage(TrainlinkCase):
    """The Training & Performance page of the profile plain users open shows
    what the reader may see of that person, and nothing of a colleague."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.attendance = cls._completed_attendance(cls.emma)
        cls.plan = cls._plan(cls.attendance)

    def _profile(self, user, employee):
        return self.env["hr.employee.public"].with_user(user).browse(employee.id)

    def test_employee_sees_her_own_trainings_on_her_profile(self):
        profile = self._profile(self.user_emma, self.emma)
        self.assertEqual(profile.trainlink_attendance_ids, self.attendance)
        self.assertEqual(profile.trainlink_plan_ids, self.plan)

    def test_manager_sees_his_team_member_and_a_peer_sees_nothing(self):
        self.assertEqual(
            self._profile(self.user_eric, self.emma).trainlink_attendance_ids,
            self.attendance,
        )
        peer = self._profile(self.user_otto, self.emma)
        self.assertFalse(peer.trainlink_attendance_ids)
        self.assertFalse(peer.trainlink_plan_ids)
