from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.trainlink_performance.tests.common import GROUP_USER

from .common import ElearningCase


@tagged("post_install", "-at_install")
class TestSecurity(ElearningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "TL Other Company"})
        cls.user_bob = new_test_user(
            cls.env,
            login="tl_bob",
            groups=f"base.group_user,{GROUP_USER}",
            name="Bob",
            email="tl_bob@example.com",
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )
        cls.bob = cls.env["hr.employee"].create(
            {
                "name": "Bob",
                "user_id": cls.user_bob.id,
                "company_id": cls.company_b.id,
            }
        )
        cls.channel.sudo()._action_add_members(
            (cls.user_otto | cls.user_bob).partner_id
        )

    def _visible(self, user, model):
        return self.env[model].with_user(user).search([])

    def test_each_employee_sees_only_their_own_attendance(self):
        emma = self._enrol(self.emma)
        self._finish(self.user_emma)
        self._finish(self.user_otto)
        otto = self._online_sessions().attendance_ids
        Attendance = "trainlink.attendance"
        self.assertEqual(self._visible(self.user_emma, Attendance), emma)
        self.assertEqual(self._visible(self.user_otto, Attendance), otto)
        self.assertIn(emma, self._visible(self.user_officer, Attendance))
        self.assertIn(otto, self._visible(self.user_officer, Attendance))

    def test_the_learner_still_cannot_complete_by_hand(self):
        attendance = self._enrol(self.emma)
        with self.assertRaises(AccessError):
            attendance.with_user(self.user_emma).write({"state": "completed"})
        with self.assertRaises(AccessError):
            attendance.with_user(self.user_emma).action_complete()
        self.assertEqual(attendance.state, "enrolled")

    def test_an_employee_of_another_company_is_not_recorded_here(self):
        self._finish(self.user_bob)
        self.assertEqual(self._membership(self.user_bob).member_status, "completed")
        self.assertFalse(self._online_sessions())
        self.assertFalse(
            self.env["trainlink.attendance"].search([("employee_id", "=", self.bob.id)])
        )

    def test_each_company_records_its_own_employees(self):
        course_b = self.env["trainlink.course"].create(
            {
                "name": "Negotiation (B)",
                "company_id": self.company_b.id,
                "slide_channel_id": self.channel.id,
            }
        )
        self._finish(self.user_bob)
        self._finish(self.user_otto)
        session_b = self._online_sessions(course_b)
        self.assertEqual(session_b.company_id, self.company_b)
        self.assertEqual(session_b.attendance_ids.employee_id, self.bob)
        self.assertEqual(self._online_sessions().attendance_ids.employee_id, self.otto)
        Attendance = "trainlink.attendance"
        self.assertEqual(
            self._visible(self.user_bob, Attendance), session_b.attendance_ids
        )
        self.assertNotIn(
            session_b.attendance_ids, self._visible(self.user_officer, Attendance)
        )
