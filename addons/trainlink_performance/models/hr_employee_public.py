from odoo import fields, models

from .hr_employee import compute_training_summary


class HrEmployeePublic(models.Model):
    _inherit = "hr.employee.public"

    trainlink_training_count = fields.Integer(
        string="Trainings", compute="_compute_trainlink_summary"
    )
    trainlink_hours_year = fields.Float(
        string="Training Hours This Year", compute="_compute_trainlink_summary"
    )
    trainlink_open_plan_count = fields.Integer(
        string="Open Application Plans", compute="_compute_trainlink_summary"
    )
    trainlink_promotion_count = fields.Integer(
        string="Promotion Paths", compute="_compute_trainlink_summary"
    )

    def _compute_trainlink_summary(self):
        # hr.employee.public shares its ids with hr.employee.
        compute_training_summary(self, self.ids)

    def action_open_trainlink_attendances(self):
        return (
            self.env["hr.employee"].browse(self.id).action_open_trainlink_attendances()
        )

    def action_open_trainlink_plans(self):
        return self.env["hr.employee"].browse(self.id).action_open_trainlink_plans()

    def action_open_trainlink_promotions(self):
        return (
            self.env["hr.employee"].browse(self.id).action_open_trainlink_promotions()
        )
