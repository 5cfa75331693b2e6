from odoo.tests import tagged

from .common import ElearningCase


@tagged("post_install", "-at_install")
class TestEnrolment(ElearningCase):
    def test_enrolling_in_a_session_enrols_the_user_in_the_elearning_course(self):
        self.env["trainlink.attendance"].with_user(self.user_officer).create(
            {"session_id": self.session.id, "employee_id": self.emma.id}
        )
        membership = self._membership(self.user_emma)
        self.assertEqual(len(membership), 1)
        self.assertEqual(membership.member_status, "joined")
        self.assertTrue(self.channel.with_user(self.user_emma).is_member)

    def test_enrolling_twice_keeps_one_membership(self):
        self._enrol(self.emma)
        other_session = self._session(date_start="2026-04-01", date_end="2026-04-02")
        self._enrol(self.emma, session=other_session)
        self.assertEqual(len(self._membership(self.user_emma)), 1)

    def test_an_employee_without_a_user_is_enrolled_in_the_session_only(self):
        nobody = self.env["hr.employee"].create({"name": "No Login"})
        members_before = self.channel.sudo().channel_partner_ids
        attendance = self._enrol(nobody)
        self.assertEqual(attendance.state, "enrolled")
        self.assertEqual(self.channel.sudo().channel_partner_ids, members_before)

    def test_a_course_without_elearning_enrols_nobody(self):
        course = self.course.copy({"slide_channel_id": False, "code": "NOEL"})
        session = self.env["trainlink.session"].create(
            {
                "course_id": course.id,
                "date_start": "2026-03-02",
                "date_end": "2026-03-03",
            }
        )
        self._enrol(self.emma, session=session)
        self.assertFalse(
            self.env["slide.channel.partner"]
            .sudo()
            .search([("partner_id", "=", self.user_emma.partner_id.id)])
        )

    def test_linking_a_course_enrols_the_attendees_already_booked(self):
        course = self.course.copy({"slide_channel_id": False, "code": "LATER"})
        session = self.env["trainlink.session"].create(
            {
                "course_id": course.id,
                "date_start": "2026-03-02",
                "date_end": "2026-03-03",
            }
        )
        self._enrol(self.emma, session=session)
        self._enrol(self.otto, session=session).action_cancel()
        course.with_user(self.user_officer).slide_channel_id = self.channel
        self.assertTrue(self._membership(self.user_emma))
        self.assertFalse(self._membership(self.user_otto))
