from odoo import fields, models


class HrResumeLine(models.Model):
    _inherit = "hr.resume.line"

    trainlink_course_id = fields.Many2one(
        "trainlink.course",
        string="Training Course",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        groups="trainlink_performance.group_trainlink_user",
    )
    trainlink_attendance_id = fields.Many2one(
        "trainlink.attendance",
        string="Training Attendance",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        groups="trainlink_performance.group_trainlink_user",
    )
