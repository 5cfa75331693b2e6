from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import TrainlinkCase


@tagged("post_install", "-at_install")
class TestSessionAttendance(TrainlinkCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.session = cls._session(trainer_id=cls.mentor.id)

    def _enrol(self, employee, session=None):
        return self.env["trainlink.attendance"].create(
            {"session_id": (session or self.session).id, "employee_id": employee.id}
        )

    def test_session_end_before_start_is_refused_and_nothing_saved(self):
        with self.assertRaisesRegex(ValidationError, "end date cannot be before"):
            self.env["trainlink.session"].create(
                [
                    {
                        "course_id": self.course.id,
                        "date_start": "2026-04-01",
                        "date_end": "2026-04-02",
                        "location": "TL good row",
                    },
                    {
                        "course_id": self.course.id,
                        "date_start": "2026-04-05",
                        "date_end": "2026-04-01",
                        "location": "TL bad row",
                    },
                ]
            )
        self.assertFalse(
            self.env["trainlink.session"].search([("location", "like", "TL % row")])
        )

    def test_session_name_and_hours_default_from_course(self):
        self.assertEqual(self.session.name, "Negotiation (2026-03-02)")
        self.assertEqual(self.session.hours, 8.0)

    def test_negative_session_hours_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "hours cannot be negative"):
            self.session.hours = -2

    def test_external_trainer_is_a_name_not_an_employee(self):
        with self.assertRaisesRegex(ValidationError, "external trainer"):
            self.session.trainer_type = "external"
        self.session.write(
            {"trainer_type": "external", "trainer_id": False, "trainer_name": "Ms. Li"}
        )
        self.assertEqual(self.session.trainer_name, "Ms. Li")

    @mute_logger("odoo.sql_db")
    def test_attendee_cannot_be_enrolled_twice(self):
        self._enrol(self.emma)
        with self.assertRaises(IntegrityError):
            self._enrol(self.emma)

    def test_score_outside_0_100_is_refused(self):
        attendance = self._enrol(self.emma)
        for score in (-1, 100.5):
            with self.assertRaisesRegex(ValidationError, "between 0 and 100"):
                attendance.exam_score = score
        self.assertEqual(attendance.exam_score, 0.0)

    def test_negative_hours_credited_are_refused(self):
        attendance = self._enrol(self.emma)
        with self.assertRaisesRegex(ValidationError, "hours credited"):
            attendance.hours_credited = -1

    def test_pass_is_measured_against_course_pass_mark(self):
        attendance = self._enrol(self.emma)
        attendance.exam_score = 85
        self.assertFalse(attendance.passed, "nobody passes before attending")
        attendance.action_mark_present()
        self.assertTrue(attendance.passed)
        attendance.exam_score = 79.9
        self.assertFalse(attendance.passed)
        attendance.exam_score = 80
        self.assertTrue(attendance.passed)
        self.course.passing_score = 90
        self.assertFalse(attendance.passed)

    def test_completion_credits_hours_dates_it_and_asks_for_a_plan(self):
        attendance = self._enrol(self.emma)
        attendance.action_mark_present()
        attendance.action_complete()
        self.assertEqual(attendance.state, "completed")
        self.assertEqual(attendance.hours_credited, 8.0)
        self.assertEqual(str(attendance.completion_date), "2026-03-03")
        activity = attendance.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_emma)
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("trainlink_performance.mail_activity_type_write_plan"),
        )

    def test_the_people_left_to_mark_are_listed_in_the_readers_language(self):
        self._enrol(self.emma)
        self._enrol(self.eric)
        self._enrol(self.otto)
        self.session.action_confirm()
        with self.assertRaisesRegex(UserError, "for Emma, Eric, and Otto before"):
            self.session.action_done()
        self.env["res.lang"]._activate_lang("zh_CN")
        with self.assertRaisesRegex(UserError, "Emma、Eric和Otto"):
            self.session.with_context(lang="zh_CN").action_done()

    def test_absent_attendee_cannot_complete(self):
        attendance = self._enrol(self.emma)
        attendance.action_mark_absent()
        with self.assertRaisesRegex(UserError, "cannot complete"):
            attendance.action_complete()
        self.assertEqual(attendance.hours_credited, 0.0)

    def test_closing_session_requires_attendance_for_everyone(self):
        emma = self._enrol(self.emma)
        otto = self._enrol(self.eric)
        self.session.action_confirm()
        emma.action_mark_present()
        with self.assertRaisesRegex(UserError, "record attendance for Eric"):
            self.session.action_done()
        self.assertEqual(emma.state, "attended", "nothing completed on refusal")
        otto.action_mark_absent()
        self.session.action_done()
        self.assertEqual(self.session.state, "done")
        self.assertEqual(emma.state, "completed")
        self.assertEqual(otto.state, "absent")

    def test_session_statistics(self):
        emma, eric = self._enrol(self.emma), self._enrol(self.eric)
        emma.write({"exam_score": 92, "satisfaction": "5"})
        eric.write({"exam_score": 60, "satisfaction": "3"})
        self.session.action_confirm()
        self.session.action_mark_all_present()
        self.session.action_done()
        self.assertEqual(self.session.attendee_count, 2)
        self.assertEqual(self.session.completed_count, 2)
        self.assertEqual(self.session.passed_count, 1)
        self.assertEqual(self.session.pass_rate, 50.0)
        self.assertEqual(self.session.satisfaction_avg, 4.0)
        self.assertEqual(self.session.cost, 1000.0)

    def test_enrol_wizard_enrols_a_department_once(self):
        self._enrol(self.emma)
        wizard = self.env["trainlink.enrol.wizard"].create(
            {
                "session_id": self.session.id,
                "department_id": self.department.id,
            }
        )
        self.assertEqual(
            wizard.employee_ids, self.mia | self.eric | self.emma | self.mentor
        )
        result = wizard.action_enrol()
        self.assertEqual(
            self.session.attendance_ids.employee_id,
            self.mia | self.eric | self.emma | self.mentor,
        )
        self.assertIn("Emma", result["params"]["message"])

    def test_enrolment_respects_capacity(self):
        self.session.capacity = 1
        self._enrol(self.emma)
        with self.assertRaisesRegex(UserError, "free seats"):
            self.session._enrol_employees(self.eric | self.otto)
        self.assertEqual(self.session.attendee_count, 1)

    def test_no_enrolment_in_a_closed_session(self):
        self.session.action_cancel()
        with self.assertRaisesRegex(UserError, "closed"):
            self.session._enrol_employees(self.emma)

    def test_employee_of_another_company_cannot_attend(self):
        other = self.env["res.company"].create({"name": "TL Other Co"})
        stranger = self.env["hr.employee"].create(
            {"name": "Stranger", "company_id": other.id}
        )
        with self.assertRaisesRegex(ValidationError, "another company"):
            self._enrol(stranger)
