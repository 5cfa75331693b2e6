from odoo import api, fields, models

# Writes that can make an attendance completed and passed.
PASS_FIELDS = frozenset({"state", "exam_score", "session_id"})


class TrainlinkAttendance(models.Model):
    _inherit = "trainlink.attendance"

    @api.model_create_multi
    def create(self, vals_list):
        attendances = super().create(vals_list)
        attendances._trainlink_passed()._trainlink_grant_skills()
        return attendances

    def write(self, vals):
        if not PASS_FIELDS & vals.keys():
            return super().write(vals)
        # Only an attendance that becomes completed and passed brings the
        # course's skills: editing one that already did changes nothing.
        before = self._trainlink_passed()
        result = super().write(vals)
        (self._trainlink_passed() - before)._trainlink_grant_skills()
        return result

    def _trainlink_passed(self):
        return self.sudo().filtered(
            lambda attendance: attendance.state == "completed" and attendance.passed
        )

    def _trainlink_grant_skills(self):
        """Raise each skill the course teaches to at least its level (never
        lower one) and put the course on the employee's résumé once.

        Derived from a completion the caller was allowed to record: written
        as superuser, as hr_skills_slides does for a completed eLearning
        course (officers are not HR users and cannot write skills)."""
        attendances = self.sudo().filtered(
            lambda attendance: attendance.state == "completed" and attendance.passed
        )
        if not attendances:
            return
        attendances._trainlink_raise_skills()
        attendances._trainlink_add_resume_lines()

    def _trainlink_raise_skills(self):
        lines = self.course_id.skill_ids
        if not lines:
            return
        EmployeeSkill = self.env["hr.employee.skill"].sudo()
        current = {
            (employee_skill.employee_id.id, employee_skill.skill_id.id): employee_skill
            for employee_skill in EmployeeSkill.search(
                [
                    ("employee_id", "in", self.employee_id.ids),
                    ("skill_id", "in", lines.skill_id.ids),
                ]
            )
        }
        to_create = {}
        for attendance in self:
            employee = attendance.employee_id
            for line in attendance.course_id.skill_ids:
                key = (employee.id, line.skill_id.id)
                employee_skill = current.get(key)
                if employee_skill:
                    if employee_skill.level_progress < line.level_progress:
                        employee_skill.skill_level_id = line.skill_level_id
                    continue
                pending = to_create.get(key)
                if not pending or pending.level_progress < line.level_progress:
                    to_create[key] = line
        if to_create:
            EmployeeSkill.create(
                [
                    {
                        "employee_id": employee_id,
                        "skill_type_id": line.skill_type_id.id,
                        "skill_id": line.skill_id.id,
                        "skill_level_id": line.skill_level_id.id,
                    }
                    for (employee_id, _skill_id), line in to_create.items()
                ]
            )

    def _trainlink_add_resume_lines(self):
        """One résumé line per employee and course, dated on the completion:
        passing the course again adds none."""
        ResumeLine = self.env["hr.resume.line"].sudo()
        done = {
            (line.employee_id.id, line.trainlink_course_id.id)
            for line in ResumeLine.search(
                [
                    ("employee_id", "in", self.employee_id.ids),
                    ("trainlink_course_id", "in", self.course_id.ids),
                ]
            )
        }
        line_type = self.env.ref(
            "trainlink_skills.resume_type_training", raise_if_not_found=False
        )
        vals_list = []
        for attendance in self:
            key = (attendance.employee_id.id, attendance.course_id.id)
            if key in done:
                continue
            done.add(key)
            date = (
                attendance.completion_date
                or attendance.session_id.date_end
                or fields.Date.context_today(attendance)
            )
            course = attendance.course_id
            vals_list.append(
                {
                    "employee_id": attendance.employee_id.id,
                    "name": course.name,
                    "date_start": attendance.session_id.date_start or date,
                    "date_end": date,
                    "description": course.description,
                    "line_type_id": line_type.id if line_type else False,
                    "trainlink_course_id": course.id,
                    "trainlink_attendance_id": attendance.id,
                }
            )
        if vals_list:
            ResumeLine.create(vals_list)
