from odoo import fields

from odoo.addons.trainlink_performance.tests.common import TrainlinkCase


class SkillsCase(TrainlinkCase):
    """Negotiation teaches the sales skill Negotiation at Intermediate."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.skill_type = cls.env["hr.skill.type"].create(
            {
                "name": "TL Sales Skills",
                "skill_level_ids": [
                    fields.Command.create(
                        {"name": "TL Beginner", "level_progress": 20}
                    ),
                    fields.Command.create(
                        {"name": "TL Intermediate", "level_progress": 50}
                    ),
                    fields.Command.create(
                        {"name": "TL Advanced", "level_progress": 80}
                    ),
                ],
                "skill_ids": [
                    fields.Command.create({"name": "TL Negotiation"}),
                    fields.Command.create({"name": "TL Closing"}),
                ],
            }
        )
        levels = cls.skill_type.skill_level_ids
        cls.beginner, cls.intermediate, cls.advanced = (
            levels.filtered(lambda level, p=progress: level.level_progress == p)
            for progress in (20, 50, 80)
        )
        skills = cls.skill_type.skill_ids
        cls.negotiation = skills.filtered(lambda s: s.name == "TL Negotiation")
        cls.closing = skills.filtered(lambda s: s.name == "TL Closing")
        cls.course.skill_ids = [
            fields.Command.create(cls._skill_vals(cls.negotiation, cls.intermediate))
        ]
        cls.line_type = cls.env.ref("trainlink_skills.resume_type_training")

    @classmethod
    def _skill_vals(cls, skill, level, **values):
        return {
            "skill_type_id": skill.skill_type_id.id,
            "skill_id": skill.id,
            "skill_level_id": level.id,
            **values,
        }

    @classmethod
    def _employee_skill(cls, employee, skill, level=None):
        """The employee's skill, or a new one at `level`."""
        EmployeeSkill = cls.env["hr.employee.skill"]
        found = EmployeeSkill.search(
            [("employee_id", "=", employee.id), ("skill_id", "=", skill.id)]
        )
        if found or not level:
            return found
        return EmployeeSkill.create(
            {"employee_id": employee.id, **cls._skill_vals(skill, level)}
        )

    def _resume_lines(self, employee, course=None):
        return self.env["hr.resume.line"].search(
            [
                ("employee_id", "=", employee.id),
                ("trainlink_course_id", "=", (course or self.course).id),
            ]
        )
