from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import TrainlinkCase


@tagged("post_install", "-at_install")
class TestApplication(TrainlinkCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.attendance = cls._completed_attendance(cls.emma)

    def test_plan_needs_a_completed_attendance(self):
        enrolled = self.env["trainlink.attendance"].create(
            {"session_id": self._session().id, "employee_id": self.eric.id}
        )
        with self.assertRaisesRegex(ValidationError, "has not completed"):
            self._plan(enrolled)
        self.assertFalse(enrolled.plan_ids)

    def test_plan_end_before_start_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "end date cannot be before"):
            self._plan(self.attendance, date_end="2026-03-01")

    def test_employee_writes_and_submits_own_plan(self):
        plan = (
            self.env["trainlink.application.plan"]
            .with_user(self.user_emma)
            .create(
                {
                    "attendance_id": self.attendance.id,
                    "scenario": "Key account renewals",
                    "date_start": "2026-03-09",
                    "date_end": "2026-05-31",
                    "kpi_id": self.kpi_revenue.id,
                    "expected_effect": 10.0,
                }
            )
        )
        self.assertEqual(plan.name, "Negotiation - Emma")
        self.assertFalse(
            self.attendance.activity_ids, "writing the plan closes the reminder"
        )
        plan.with_user(self.user_emma).action_submit()
        self.assertEqual(plan.state, "submitted")

    def test_employee_cannot_accept_own_plan_or_set_its_state(self):
        plan = self._plan(self.attendance)
        with self.assertRaises(AccessError):
            plan.with_user(self.user_emma).action_approve()
        with self.assertRaises(AccessError):
            plan.with_user(self.user_emma).write({"state": "in_progress"})
        self.assertEqual(plan.state, "draft")

    def test_employee_cannot_edit_an_accepted_plan(self):
        plan = self._plan(self.attendance)
        plan.with_user(self.user_eric).action_approve()
        with self.assertRaises(AccessError):
            plan.with_user(self.user_emma).write({"scenario": "Something else"})

    def test_manager_cannot_accept_own_plan(self):
        own = self._plan(self._completed_attendance(self.eric))
        with self.assertRaisesRegex(AccessError, "reviewed by your manager"):
            own.with_user(self.user_eric).action_approve()
        own.with_user(self.user_mia).action_approve()
        self.assertEqual(own.state, "in_progress")

    def test_accepting_a_plan_schedules_the_managers_weekly_checkin(self):
        plan = self._plan(
            self.attendance, date_start=str(date.today()), date_end="2099-12-31"
        )
        plan.with_user(self.user_eric).action_approve()
        activity = plan.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_eric)
        self.assertEqual((activity.date_deadline - date.today()).days, 7)

    def test_checkin_closes_the_activity_and_schedules_the_next(self):
        plan = self._plan(
            self.attendance, date_start=str(date.today()), date_end="2099-12-31"
        )
        plan.with_user(self.user_eric).action_approve()
        first = plan.activity_ids
        checkin = (
            self.env["trainlink.application.checkin"]
            .with_user(self.user_eric)
            .create({"plan_id": plan.id, "date": "2030-01-07", "applied": True})
        )
        self.assertFalse(first.exists())
        self.assertEqual(str(plan.activity_ids.date_deadline), "2030-01-14")
        self.assertEqual(checkin.reviewer_id, self.user_eric)

    def test_checkin_only_while_plan_runs(self):
        plan = self._plan(self.attendance)
        with self.assertRaisesRegex(ValidationError, "not in progress"):
            self.env["trainlink.application.checkin"].create({"plan_id": plan.id})

    def test_application_rate_and_coaching_flag(self):
        plan = self._plan(self.attendance)
        plan.action_approve()
        Checkin = self.env["trainlink.application.checkin"]
        for day, applied in (("2026-03-13", True), ("2026-03-20", False)):
            Checkin.create({"plan_id": plan.id, "date": day, "applied": applied})
        self.assertEqual(plan.application_rate, 50.0)
        self.assertFalse(plan.needs_coaching)
        Checkin.create({"plan_id": plan.id, "date": "2026-03-27", "applied": False})
        self.assertTrue(plan.needs_coaching, "two weeks in a row without applying")
        self.assertAlmostEqual(plan.application_rate, 100 / 3)

    def test_practice_case_flow_from_author_to_knowledge_base(self):
        plan = self._plan(self.attendance)
        case = (
            self.env["trainlink.practice.case"]
            .with_user(self.user_emma)
            .create(
                {
                    "name": "Shorter complaint flow",
                    "plan_id": plan.id,
                    "kpi_id": self.kpi_complaints.id,
                    "measured_change": -25.0,
                    "measured_result": "complaints -25 %",
                }
            )
        )
        with self.assertRaises(AccessError):
            case.with_user(self.user_emma).write({"state": "approved"})
        case.with_user(self.user_emma).action_submit()
        with self.assertRaises(AccessError):
            case.with_user(self.user_emma).write({"name": "Changed after submit"})
        with self.assertRaises(AccessError):
            case.with_user(self.user_eric).action_adopt()
        case.with_user(self.user_eric).action_approve()
        self.assertEqual(case.approved_by_id, self.user_eric)
        case.with_user(self.user_officer).action_adopt()
        self.assertTrue(case.adopted)
        case.with_user(
            self.user_officer
        ).reused_by_department_ids = self.other_department
        self.assertEqual(case.reuse_count, 1)

    def test_only_approved_case_joins_knowledge_base(self):
        case = self.env["trainlink.practice.case"].create(
            {"name": "Draft case", "plan_id": self._plan(self.attendance).id}
        )
        with self.assertRaisesRegex(UserError, "only an approved case"):
            case.action_adopt()

    def test_mentorship_lasts_company_default_and_mentor_writes_notes(self):
        plan = self._plan(self.attendance)
        mentorship = self.env["trainlink.mentorship"].create(
            {
                "plan_id": plan.id,
                "mentor_id": self.mentor.id,
                "date_start": "2026-03-09",
            }
        )
        self.assertEqual(str(mentorship.date_end), "2026-05-09")
        mentorship.with_user(
            self.user_mentor
        ).coaching_notes = "<p>Week 1: role play</p>"
        self.assertIn("role play", mentorship.coaching_notes)
        with self.assertRaises(AccessError):
            mentorship.with_user(self.user_mentor).date_end = "2026-12-31"

    def test_employee_cannot_mentor_themselves(self):
        plan = self._plan(self.attendance)
        with self.assertRaisesRegex(ValidationError, "own mentor"):
            self.env["trainlink.mentorship"].create(
                {"plan_id": plan.id, "mentor_id": self.emma.id}
            )
