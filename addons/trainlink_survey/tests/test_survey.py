from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from odoo.addons.trainlink_performance.tests.common import TrainlinkCase

from ..models.trainlink_attendance import satisfaction_from_percentage


@tagged("post_install", "-at_install")
class TestTrainlinkSurvey(TrainlinkCase):
    """The Negotiation course (pass mark 80) is tested by a certification of
    four questions, one point each, passed from 70 %; its sessions are rated
    by a one-question survey whose answers score 1 to 5."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Survey = cls.env["survey.survey"]
        cls.certification = Survey.create(
            {
                "title": "TL Negotiation Certification",
                "certification": True,
                "scoring_type": "scoring_without_answers",
                "scoring_success_min": 70.0,
                "access_mode": "public",
            }
        )
        cls.questions = cls.env["survey.question"].create(
            [
                {
                    "survey_id": cls.certification.id,
                    "sequence": index,
                    "title": f"TL question {index}",
                    "question_type": "simple_choice",
                    "suggested_answer_ids": [
                        Command.create(
                            {"value": "Right", "answer_score": 1.0, "is_correct": True}
                        ),
                        Command.create({"value": "Wrong", "answer_score": 0.0}),
                    ],
                }
                for index in range(1, 5)
            ]
        )
        cls.satisfaction_survey = Survey.create(
            {
                "title": "TL Session Satisfaction",
                "scoring_type": "scoring_without_answers",
                "access_mode": "public",
            }
        )
        cls.rating_question = cls.env["survey.question"].create(
            {
                "survey_id": cls.satisfaction_survey.id,
                "title": "How satisfied are you?",
                "question_type": "simple_choice",
                "suggested_answer_ids": [
                    Command.create({"value": str(rating), "answer_score": rating})
                    for rating in range(1, 6)
                ],
            }
        )
        cls.course.write(
            {
                "certification_survey_id": cls.certification.id,
                "satisfaction_survey_id": cls.satisfaction_survey.id,
            }
        )
        cls.session = cls._session()
        cls.attendance = cls._enrol(cls.emma)
        cls.attendance.action_mark_present()

    @classmethod
    def _enrol(cls, employee, session=None):
        return cls.env["trainlink.attendance"].create(
            {"session_id": (session or cls.session).id, "employee_id": employee.id}
        )

    def _attempt(self, user, right, survey=None, **values):
        """A finished attempt of `user` at the certification with `right`
        right answers out of four, finished as the survey controller does
        (the user's environment, as superuser)."""
        test_entry = values.pop("test_entry", False)
        answer = (survey or self.certification)._create_answer(user=user, **values)
        # As when the survey's responsible tries it out under the user's name.
        answer.test_entry = test_entry
        for index, question in enumerate(self.questions):
            choice = question.suggested_answer_ids.filtered(
                lambda a, right_one=index < right: a.is_correct == right_one
            )
            answer._save_lines(question, choice.id)
        runner = user or self.env.ref("base.public_user")
        answer.with_user(runner).sudo()._mark_done()
        return answer

    def _rate(self, user, rating):
        answer = self.satisfaction_survey._create_answer(user=user)
        choice = self.rating_question.suggested_answer_ids.filtered(
            lambda a: a.answer_score == rating
        )
        answer._save_lines(self.rating_question, choice.id)
        answer.with_user(user).sudo()._mark_done()
        return answer

    def _results(self, attendance=None):
        attendance = attendance or self.attendance
        return (
            attendance.exam_score,
            attendance.passed,
            attendance.certification_passed,
            attendance.certification_input_ids,
        )

    # ----------------------------------------------------------- scoring --

    def test_passed_attempt_sets_score_and_pass(self):
        attempt = self._attempt(self.user_emma, right=3)
        self.assertEqual(attempt.scoring_percentage, 75.0)
        self.assertTrue(attempt.scoring_success)
        # The certification's pass mark (70) decides, not the course's (80).
        self.assertEqual(self._results(), (75.0, True, True, attempt))
        self.assertEqual(self.attendance.assessment, "good")

    def test_failed_attempt_sets_score_and_fail(self):
        attempt = self._attempt(self.user_emma, right=2)
        self.assertEqual(self._results(), (50.0, False, False, attempt))
        self.assertTrue(self.attendance.certification_attempted)
        self.assertEqual(self.attendance.assessment, "failed")

    def test_best_attempt_counts(self):
        first = self._attempt(self.user_emma, right=1)
        second = self._attempt(self.user_emma, right=3)
        self.assertEqual(self._results(), (75.0, True, True, first | second))
        third = self._attempt(self.user_emma, right=4)
        self.assertEqual(self._results(), (100.0, True, True, first | second | third))
        self.assertEqual(self.attendance.assessment, "excellent")

    def test_fail_after_pass_keeps_pass_and_best_score(self):
        passed = self._attempt(self.user_emma, right=4)
        failed = self._attempt(self.user_emma, right=0)
        self.assertFalse(failed.scoring_success)
        self.assertEqual(self._results(), (100.0, True, True, passed | failed))

    def test_same_attempt_twice_changes_nothing(self):
        passed = self._attempt(self.user_emma, right=4)
        failed = self._attempt(self.user_emma, right=1)
        before = self._results()
        for attempt in (passed, failed):
            attempt._trainlink_record_results()
            attempt.with_user(self.user_emma).sudo()._mark_done()
        self.assertEqual(self._results(), before)
        self.assertEqual(len(self.attendance.certification_input_ids), 2)

    def test_enrolled_attendance_passes_once_present(self):
        attendance = self._enrol(self.eric)
        self._attempt(self.user_eric, right=4)
        self.assertEqual(attendance.exam_score, 100.0)
        self.assertTrue(attendance.certification_passed)
        self.assertFalse(attendance.passed, "not attended yet")
        attendance.with_user(self.user_officer).action_mark_present()
        self.assertTrue(attendance.passed)

    def test_without_attempt_the_course_pass_mark_applies(self):
        attendance = self._enrol(self.eric)
        attendance.action_mark_present()
        attendance.with_user(self.user_officer).exam_score = 85.0
        self.assertTrue(attendance.passed)
        self.assertFalse(attendance.certification_attempted)

    def test_latest_open_attendance_takes_the_attempt(self):
        older = self.attendance
        newer = self._enrol(
            self.emma, self._session(date_start="2026-06-01", date_end="2026-06-02")
        )
        cancelled = self._enrol(
            self.emma,
            self._session(date_start="2026-09-01", date_end="2026-09-02"),
        )
        cancelled.action_cancel()
        attempt = self._attempt(self.user_emma, right=4)
        self.assertEqual(newer.certification_input_ids, attempt)
        self.assertFalse(older.certification_input_ids)
        self.assertFalse(cancelled.certification_input_ids)
        self.assertEqual(cancelled.exam_score, 0.0)

    # ---------------------------------------------------------- security --

    def test_another_users_attempt_changes_nothing(self):
        before = self._results()
        # Otto is not enrolled: his attempt neither touches Emma's attendance
        # nor creates anything.
        self._attempt(self.user_otto, right=4)
        self.assertEqual(self._results(), before)
        self.assertFalse(
            self.env["trainlink.attendance"].search(
                [("employee_id", "=", self.otto.id)]
            )
        )
        # Nor does an anonymous attempt under Emma's email, a test entry or
        # an attempt of a contact who is not an employee.
        self._attempt(
            self.env.ref("base.public_user"), right=4, email=self.emma.work_email
        )
        self._attempt(self.user_emma, right=4, test_entry=True)
        stranger = self.env["res.partner"].create({"name": "TL Stranger"})
        self._attempt(self.env["res.users"], right=4, partner=stranger)
        self.assertEqual(self._results(), before)

    def test_attempts_go_to_each_attendees_own_attendance(self):
        eric_attendance = self._enrol(self.eric)
        eric_attendance.action_mark_present()
        emma_attempt = self._attempt(self.user_emma, right=4)
        eric_attempt = self._attempt(self.user_eric, right=1)
        self.assertEqual(self._results(), (100.0, True, True, emma_attempt))
        self.assertEqual(
            self._results(eric_attendance), (25.0, False, False, eric_attempt)
        )

    def test_attempt_of_another_company_stays_there(self):
        company_b = self.env["res.company"].create({"name": "TL Company B"})
        user_bea = self._user("tl_bea", "trainlink_performance.group_trainlink_user")
        user_bea.write(
            {"company_ids": [Command.set(company_b.ids)], "company_id": company_b.id}
        )
        bea = self.env["hr.employee"].create(
            {"name": "Bea", "user_id": user_bea.id, "company_id": company_b.id}
        )
        course_b = self.course.copy({"company_id": company_b.id, "code": "TL-B"})
        session_b = self._session(course_id=course_b.id, company_id=company_b.id)
        bea_attendance = self._enrol(bea, session_b)
        self._attempt(user_bea, right=4)
        self.assertEqual(bea_attendance.exam_score, 100.0)
        self.assertEqual(self._results()[0], 0.0)
        self.assertFalse(self.attendance.certification_input_ids)

    def test_survey_results_are_written_by_answers_only(self):
        for field, value in (
            ("certification_passed", True),
            ("certification_attempted", True),
        ):
            with self.assertRaisesRegex(AccessError, "survey answers only"):
                self.attendance.with_user(self.user_officer).write({field: value})
        with self.assertRaisesRegex(AccessError, "survey answers only"):
            self.env["trainlink.attendance"].with_user(self.user_officer).create(
                {
                    "session_id": self.session.id,
                    "employee_id": self.otto.id,
                    "certification_passed": True,
                }
            )
        self.assertFalse(self.attendance.certification_passed)

    def test_employee_reads_own_result_not_the_attempts(self):
        self._attempt(self.user_emma, right=4)
        own = self.attendance.with_user(self.user_emma)
        self.assertEqual(own.exam_score, 100.0)
        self.assertTrue(own.passed)
        with self.assertRaises(AccessError):
            own.read(["certification_input_ids"])

    def test_course_surveys_must_fit(self):
        with self.assertRaisesRegex(ValidationError, "not a certification"):
            self.course.certification_survey_id = self.satisfaction_survey
        with self.assertRaisesRegex(ValidationError, "must be scored"):
            self.course.satisfaction_survey_id = self.certification

    # ------------------------------------------------------- satisfaction --

    def test_satisfaction_survey_sets_satisfaction(self):
        answer = self._rate(self.user_emma, 4)
        self.assertEqual(answer.scoring_percentage, 80.0)
        self.assertEqual(self.attendance.satisfaction, "4")
        self.assertEqual(self.attendance.satisfaction_input_id, answer)
        self.assertEqual(self.session.satisfaction_avg, 4.0)
        self.assertFalse(self.attendance.certification_attempted)

    def test_latest_satisfaction_answer_counts_and_replay_changes_nothing(self):
        first = self._rate(self.user_emma, 5)
        second = self._rate(self.user_emma, 2)
        self.assertEqual(self.attendance.satisfaction, "2")
        first._trainlink_record_results()
        second._trainlink_record_results()
        self.assertEqual(self.attendance.satisfaction, "2")
        self.assertEqual(self.attendance.satisfaction_input_id, second)

    def test_another_users_satisfaction_changes_nothing(self):
        self._rate(self.user_otto, 1)
        self.assertFalse(self.attendance.satisfaction)
        self.assertEqual(self.session.satisfaction_avg, 0.0)

    def test_satisfaction_from_percentage(self):
        for percentage, rating in (
            (0.0, "1"),
            (20.0, "1"),
            (29.9, "1"),
            (30.0, "2"),
            (50.0, "3"),
            (60.0, "3"),
            (70.0, "4"),
            (89.9, "4"),
            (90.0, "5"),
            (100.0, "5"),
        ):
            self.assertEqual(satisfaction_from_percentage(percentage), rating)

    # -------------------------------------------------------------- views --

    def test_forms_show_the_attempts_to_survey_users_only(self):
        Attendance = self.env["trainlink.attendance"]
        employee_arch = Attendance.with_user(self.user_emma).get_views(
            [(False, "form")]
        )["views"]["form"]["arch"]
        self.assertIn("certification_passed", employee_arch)
        self.assertNotIn("certification_input_ids", employee_arch)
        self.user_officer.groups_id |= self.env.ref("survey.group_survey_user")
        officer_arch = Attendance.with_user(self.user_officer).get_views(
            [(False, "form")]
        )["views"]["form"]["arch"]
        self.assertIn("certification_input_ids", officer_arch)
        course_arch = (
            self.env["trainlink.course"]
            .with_user(self.user_officer)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn("certification_survey_id", course_arch)
        self.assertIn("satisfaction_survey_id", course_arch)
