from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SkillsCase


@tagged("post_install", "-at_install")
class TestCourseSkills(SkillsCase):
    # -- passing a course --

    def test_pass_brings_the_skill_and_a_resume_line(self):
        attendance = self._completed_attendance(self.emma, 90.0)
        self.assertTrue(attendance.passed)
        employee_skill = self._employee_skill(self.emma, self.negotiation)
        self.assertEqual(employee_skill.skill_level_id, self.intermediate)
        self.assertEqual(employee_skill.skill_type_id, self.skill_type)
        line = self._resume_lines(self.emma)
        self.assertEqual(len(line), 1)
        self.assertEqual(line.line_type_id, self.line_type)
        self.assertEqual(line.name, "Negotiation")
        self.assertEqual(line.trainlink_attendance_id, attendance)
        self.assertEqual(line.date_end, attendance.completion_date)
        self.assertEqual(line.date_start, attendance.session_id.date_start)
        self.assertEqual(line.display_type, "classic")

    def test_a_lower_level_is_raised(self):
        employee_skill = self._employee_skill(
            self.emma, self.negotiation, self.beginner
        )
        self._completed_attendance(self.emma, 90.0)
        self.assertEqual(employee_skill.skill_level_id, self.intermediate)
        self.assertEqual(len(self._employee_skill(self.emma, self.negotiation)), 1)

    def test_a_higher_level_is_kept(self):
        employee_skill = self._employee_skill(
            self.emma, self.negotiation, self.advanced
        )
        self._completed_attendance(self.emma, 90.0)
        self.assertEqual(employee_skill.skill_level_id, self.advanced)
        # The course is on the résumé all the same.
        self.assertEqual(len(self._resume_lines(self.emma)), 1)

    def test_passing_twice_changes_nothing(self):
        first = self._completed_attendance(self.emma, 90.0)
        employee_skill = self._employee_skill(self.emma, self.negotiation)
        line = self._resume_lines(self.emma)
        logs = self.env["hr.employee.skill.log"].search_count(
            [("employee_id", "=", self.emma.id)]
        )
        second = self._completed_attendance(
            self.emma,
            95.0,
            self._session(date_start="2026-06-01", date_end="2026-06-02"),
        )
        self.assertTrue(second.passed)
        self.assertEqual(
            self._employee_skill(self.emma, self.negotiation), employee_skill
        )
        self.assertEqual(employee_skill.skill_level_id, self.intermediate)
        self.assertEqual(self._resume_lines(self.emma), line)
        self.assertEqual(line.trainlink_attendance_id, first)
        self.assertEqual(
            self.env["hr.employee.skill.log"].search_count(
                [("employee_id", "=", self.emma.id)]
            ),
            logs,
        )

    def test_editing_a_passed_attendance_grants_nothing_again(self):
        attendance = self._completed_attendance(self.emma, 90.0)
        employee_skill = self._employee_skill(self.emma, self.negotiation)
        # HR assesses Emma lower since: a corrected score does not undo it.
        employee_skill.skill_level_id = self.beginner
        attendance.with_user(self.user_officer).write({"exam_score": 95.0})
        self.assertEqual(employee_skill.skill_level_id, self.beginner)
        self.assertEqual(len(self._resume_lines(self.emma)), 1)

    def test_failing_brings_nothing(self):
        attendance = self._completed_attendance(self.emma, 50.0)
        self.assertEqual(attendance.state, "completed")
        self.assertFalse(attendance.passed)
        self.assertFalse(self._employee_skill(self.emma, self.negotiation))
        self.assertFalse(self._resume_lines(self.emma))
        # Attended, not completed yet: nothing either.
        attended = self.env["trainlink.attendance"].create(
            {
                "session_id": self._session(
                    date_start="2026-06-01", date_end="2026-06-02"
                ).id,
                "employee_id": self.otto.id,
                "exam_score": 90.0,
            }
        )
        attended.action_mark_present()
        self.assertTrue(attended.passed)
        self.assertFalse(self._employee_skill(self.otto, self.negotiation))
        self.assertFalse(self._resume_lines(self.otto))

    def test_score_corrected_to_a_pass_grants_the_skill(self):
        attendance = self._completed_attendance(self.emma, 50.0)
        attendance.with_user(self.user_officer).write({"exam_score": 85.0})
        self.assertTrue(attendance.passed)
        self.assertEqual(
            self._employee_skill(self.emma, self.negotiation).skill_level_id,
            self.intermediate,
        )
        self.assertEqual(len(self._resume_lines(self.emma)), 1)

    def test_several_skills_and_a_course_without_skills(self):
        self.course.skill_ids = [
            fields.Command.create(self._skill_vals(self.closing, self.advanced))
        ]
        plain = self.env["trainlink.course"].create({"name": "Compliance"})
        self._completed_attendance(self.emma, 90.0)
        self._completed_attendance(self.emma, 90.0, self._session(course_id=plain.id))
        self.assertEqual(
            self._employee_skill(self.emma, self.closing).skill_level_id, self.advanced
        )
        self.assertEqual(len(self._resume_lines(self.emma, plain)), 1)

    def test_completing_several_attendances_at_once(self):
        session = self._session()
        attendances = self.env["trainlink.attendance"].create(
            [
                {"session_id": session.id, "employee_id": employee.id, "exam_score": 90}
                for employee in (self.emma, self.otto)
            ]
        )
        attendances.with_user(self.user_officer).action_mark_present()
        attendances.with_user(self.user_officer).action_complete()
        for employee in (self.emma, self.otto):
            self.assertEqual(
                self._employee_skill(employee, self.negotiation).skill_level_id,
                self.intermediate,
            )
            self.assertEqual(len(self._resume_lines(employee)), 1)

    def test_copy_keeps_the_skills(self):
        copy = self.course.copy()
        self.assertEqual(copy.skill_ids.skill_id, self.negotiation)
        self.assertEqual(copy.skill_ids.skill_level_id, self.intermediate)

    # -- consistency --

    def test_skill_and_level_must_be_of_the_type(self):
        other_type = self.env["hr.skill.type"].create(
            {
                "name": "TL Languages",
                "skill_ids": [fields.Command.create({"name": "TL Klingon"})],
                "skill_level_ids": [
                    fields.Command.create({"name": "TL Fluent", "level_progress": 100})
                ],
            }
        )
        CourseSkill = self.env["trainlink.course.skill"]
        plain = self.env["trainlink.course"].create({"name": "Compliance"})
        with self.assertRaisesRegex(ValidationError, "not of the skill type"):
            CourseSkill.create(
                {
                    "course_id": plain.id,
                    "skill_type_id": self.skill_type.id,
                    "skill_id": other_type.skill_ids.id,
                    "skill_level_id": self.intermediate.id,
                }
            )
        with self.assertRaisesRegex(ValidationError, "not a level of the skill type"):
            CourseSkill.create(
                {
                    "course_id": plain.id,
                    "skill_type_id": self.skill_type.id,
                    "skill_id": self.closing.id,
                    "skill_level_id": other_type.skill_level_ids.id,
                }
            )
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            CourseSkill.create(
                {
                    "course_id": self.course.id,
                    **self._skill_vals(self.negotiation, self.advanced),
                }
            )

    def test_level_defaults_to_the_types_default(self):
        self.intermediate.default_level = True
        line = self.env["trainlink.course.skill"].create(
            {
                "course_id": self.env["trainlink.course"].create({"name": "X"}).id,
                "skill_type_id": self.skill_type.id,
                "skill_id": self.closing.id,
            }
        )
        self.assertEqual(line.skill_level_id, self.intermediate)
        self.assertEqual(line.display_name, "TL Closing: TL Intermediate")

    # -- access --

    def test_officer_without_hr_rights_grants_through_the_completion(self):
        self.assertFalse(self.user_officer.has_group("hr.group_hr_user"))
        attendance = self.env["trainlink.attendance"].create(
            {
                "session_id": self._session().id,
                "employee_id": self.emma.id,
                "exam_score": 90.0,
            }
        )
        attendance.with_user(self.user_officer).action_mark_present()
        attendance.with_user(self.user_officer).action_complete()
        employee_skill = self._employee_skill(self.emma, self.negotiation)
        self.assertEqual(employee_skill.skill_level_id, self.intermediate)
        # hr_skills' rules still apply to the officer's own writes.
        with self.assertRaises(AccessError):
            employee_skill.with_user(self.user_officer).skill_level_id = self.advanced
        with self.assertRaises(AccessError):
            self.env["hr.resume.line"].with_user(self.user_officer).create(
                {
                    "employee_id": self.emma.id,
                    "name": "Fake",
                    "date_start": "2026-01-01",
                }
            )

    def test_employees_see_skills_as_hr_skills_allows(self):
        self._completed_attendance(self.emma, 90.0)
        self._completed_attendance(self.otto, 90.0)
        emma_skill = self._employee_skill(self.emma, self.negotiation)
        otto_skill = self._employee_skill(self.otto, self.negotiation)
        EmployeeSkill = self.env["hr.employee.skill"].with_user(self.user_emma)
        # hr_skills: employees read every skill, write only their own.
        self.assertEqual(
            EmployeeSkill.search([("id", "in", (emma_skill | otto_skill).ids)]),
            emma_skill | otto_skill,
        )
        with self.assertRaises(AccessError):
            otto_skill.with_user(self.user_emma).skill_level_id = self.advanced
        with self.assertRaises(AccessError):
            self._resume_lines(self.otto).with_user(self.user_emma).unlink()
        # Nobody completes their own training, so nobody grants themselves.
        own = self.env["trainlink.attendance"].create(
            {
                "session_id": self._session(
                    date_start="2026-07-01", date_end="2026-07-02"
                ).id,
                "employee_id": self.emma.id,
                "exam_score": 100.0,
            }
        )
        with self.assertRaises(AccessError):
            own.with_user(self.user_emma).action_mark_present()

    def test_course_skills_are_read_by_employees_set_by_officers(self):
        line = self.course.skill_ids
        self.assertEqual(line.with_user(self.user_emma).skill_id, self.negotiation)
        with self.assertRaises(AccessError):
            line.with_user(self.user_emma).skill_level_id = self.advanced
        with self.assertRaises(AccessError):
            self.env["trainlink.course.skill"].with_user(self.user_mia).create(
                {
                    "course_id": self.course.id,
                    **self._skill_vals(self.closing, self.advanced),
                }
            )
        self.course.with_user(self.user_officer).skill_ids = [
            fields.Command.create(self._skill_vals(self.closing, self.advanced))
        ]
        self.assertEqual(len(self.course.skill_ids), 2)

    def test_other_company(self):
        other = self.env["res.company"].create({"name": "TL Other Co"})
        course = self.env["trainlink.course"].create(
            {
                "name": "Other course",
                "company_id": other.id,
                "skill_ids": [
                    fields.Command.create(
                        self._skill_vals(self.negotiation, self.advanced)
                    )
                ],
            }
        )
        session = self._session(course_id=course.id, company_id=other.id)
        stranger = self.env["hr.employee"].create(
            {"name": "Stranger", "company_id": other.id}
        )
        self._completed_attendance(stranger, 90.0, session)
        self.assertEqual(
            self._employee_skill(stranger, self.negotiation).skill_level_id,
            self.advanced,
        )
        self.assertEqual(len(self._resume_lines(stranger, course)), 1)
        # Nobody else is touched by the other company's course.
        self.assertFalse(self._employee_skill(self.emma, self.negotiation))
        CourseSkill = self.env["trainlink.course.skill"]
        self.user_officer.company_ids = self.company
        self.assertFalse(
            CourseSkill.with_user(self.user_officer).search(
                [("id", "=", course.skill_ids.id)]
            )
        )
        self.assertEqual(
            CourseSkill.with_user(self.user_officer).search(
                [("course_id", "=", self.course.id)]
            ),
            self.course.skill_ids,
        )
        self.user_officer.company_ids = self.company | other
        self.assertEqual(
            CourseSkill.with_user(self.user_officer)
            .with_context(allowed_company_ids=[self.company.id, other.id])
            .search([("id", "=", course.skill_ids.id)]),
            course.skill_ids,
        )
