from odoo.tests import tagged

from .common import ElearningCase


@tagged("post_install", "-at_install")
class TestCompletion(ElearningCase):
    def test_finishing_completes_the_attendance(self):
        attendance = self._enrol(self.emma)
        self._finish(self.user_emma)
        membership = self._membership(self.user_emma)
        self.assertEqual(membership.member_status, "completed")
        self.assertEqual(attendance.state, "completed")
        self.assertEqual(attendance.completion_date, self.today)
        self.assertAlmostEqual(attendance.hours_credited, 3.5)
        self.assertEqual(attendance.slide_channel_partner_id, membership)
        # No test in the content: no score is invented.
        self.assertEqual(attendance.exam_score, 0.0)
        self.assertFalse(self._online_sessions())
        # The measured effect starts from the real completion date.
        self.assertEqual(
            attendance._completed_as_dict()["completion_date"], str(self.today)
        )

    def test_finishing_part_of_the_content_completes_nothing(self):
        attendance = self._enrol(self.emma)
        self.slides[0].with_user(self.user_emma).action_mark_completed()
        self.assertEqual(self._membership(self.user_emma).member_status, "ongoing")
        self.assertEqual(attendance.state, "enrolled")

    def test_an_attendee_marked_present_is_completed_too(self):
        attendance = self._enrol(self.emma)
        attendance.action_mark_present()
        self._finish(self.user_emma)
        self.assertEqual(attendance.state, "completed")

    def test_content_without_duration_credits_the_session_hours(self):
        self.slides.completion_time = 0.0
        attendance = self._enrol(self.emma)
        self._finish(self.user_emma)
        self.assertEqual(attendance.state, "completed")
        self.assertAlmostEqual(attendance.hours_credited, self.session.hours)

    def test_finishing_twice_changes_nothing(self):
        attendance = self._enrol(self.emma)
        self._finish(self.user_emma)
        membership = self._membership(self.user_emma)
        Attendance = self.env["trainlink.attendance"]
        count = Attendance.search_count([("employee_id", "=", self.emma.id)])
        values = attendance.read(["state", "completion_date", "hours_credited"])
        membership._post_completion_update_hook(completed=True)
        membership._trainlink_record_completion()
        self._finish(self.user_emma)
        self.assertEqual(
            Attendance.search_count([("employee_id", "=", self.emma.id)]), count
        )
        self.assertEqual(
            attendance.read(["state", "completion_date", "hours_credited"]), values
        )
        self.assertFalse(self._online_sessions())

    def test_finishing_without_a_session_records_an_online_session(self):
        self.channel.sudo()._action_add_members(
            (self.user_otto | self.user_eric).partner_id
        )
        self._finish(self.user_otto)
        session = self._online_sessions()
        self.assertEqual(len(session), 1)
        self.assertEqual(session.state, "confirmed")
        self.assertEqual(session.date_start, self.today)
        self.assertEqual(session.company_id, self.course.company_id)
        attendance = session.attendance_ids
        self.assertEqual(attendance.employee_id, self.otto)
        self.assertEqual(attendance.state, "completed")
        self.assertEqual(attendance.completion_date, self.today)
        self.assertAlmostEqual(attendance.hours_credited, 3.5)
        # The next learner joins the same online session.
        self._finish(self.user_eric)
        self.assertEqual(self._online_sessions(), session)
        self.assertEqual(session.attendance_ids.employee_id, self.otto | self.eric)
        # Again: nothing changes.
        self._membership(self.user_otto)._trainlink_record_completion()
        self.assertEqual(len(session.attendance_ids), 2)

    def test_a_closed_online_session_is_followed_by_a_new_one(self):
        self.channel.sudo()._action_add_members(
            (self.user_otto | self.user_eric).partner_id
        )
        self._finish(self.user_otto)
        first = self._online_sessions()
        first.action_done()
        self._finish(self.user_eric)
        second = self._online_sessions() - first
        self.assertEqual(len(second), 1)
        self.assertEqual(second.attendance_ids.employee_id, self.eric)

    def test_only_the_learner_is_completed(self):
        emma = self._enrol(self.emma)
        otto = self._enrol(self.otto)
        self._finish(self.user_emma)
        self.assertEqual(emma.state, "completed")
        self.assertEqual(otto.state, "enrolled")
        self.assertFalse(otto.completion_date)

    def test_a_cancelled_attendance_is_not_reopened(self):
        attendance = self._enrol(self.emma)
        attendance.action_cancel()
        self._finish(self.user_emma)
        self.assertEqual(attendance.state, "cancelled")
        # The training is recorded, in the online session.
        online = self._online_sessions().attendance_ids
        self.assertEqual(online.employee_id, self.emma)
        self.assertEqual(online.state, "completed")

    def test_an_unlinked_elearning_course_records_nothing(self):
        self.channel.sudo()._action_add_members(self.user_otto.partner_id)
        other = self.env["slide.channel"].create(
            {"name": "Unrelated", "enroll": "public", "is_published": True}
        )
        self.env["slide.slide"].create(
            {
                "name": "Lesson",
                "channel_id": other.id,
                "slide_category": "document",
                "is_published": True,
            }
        )
        other.sudo()._action_add_members(self.user_otto.partner_id)
        self._finish(self.user_otto, channel=other)
        self.assertEqual(
            self._membership(self.user_otto, other).member_status, "completed"
        )
        self.assertFalse(
            self.env["trainlink.attendance"].search(
                [("employee_id", "=", self.otto.id)]
            )
        )
