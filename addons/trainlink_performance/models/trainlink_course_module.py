from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class TrainlinkCourseModule(models.Model):
    _name = "trainlink.course.module"
    _description = "Course Module"
    _order = "course_id, sequence, id"

    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    course_id = fields.Many2one(
        "trainlink.course", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="course_id.company_id", store=True)
    hours = fields.Float()
    description = fields.Text(translate=True)
    kpi_line_ids = fields.One2many(
        "trainlink.course.module.kpi", "module_id", string="KPIs", copy=True
    )

    @api.constrains("hours")
    def _check_hours(self):
        for module in self:
            if module.hours < 0:
                raise ValidationError(
                    _(
                        "Module %(module)s: hours cannot be negative.",
                        module=module.name,
                    )
                )
