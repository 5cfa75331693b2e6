from odoo import fields, models


class TrainlinkCourse(models.Model):
    _inherit = "trainlink.course"

    skill_ids = fields.One2many(
        "trainlink.course.skill",
        "course_id",
        string="Skills Taught",
        copy=True,
        help="Passing the course raises each skill of the attendee to at least "
        "its level (never lowers it).",
    )
