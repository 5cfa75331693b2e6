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
