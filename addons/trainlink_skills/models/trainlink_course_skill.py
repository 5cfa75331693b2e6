from odoo import fields, models


class TrainlinkCourseSkill(models.Model):
    """A skill a course teaches and the level a pass brings."""

    _name = "trainlink.course.skill"
    _description = "Skill Taught by a Course"
    _inherit = ["trainlink.skill.requirement.mixin"]
    _order = "course_id, skill_type_id, skill_id"

    course_id = fields.Many2one(
        "trainlink.course", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="course_id.company_id", store=True)
    skill_level_id = fields.Many2one(
        string="Level Brought",
        help="Passing the course raises the employee's skill to at least this "
        "level; a higher level is kept.",
    )

    _sql_constraints = [
        (
            "course_skill_uniq",
            "unique(course_id, skill_id)",
            "A course teaches a skill once: set the level on its line.",
        ),
    ]
