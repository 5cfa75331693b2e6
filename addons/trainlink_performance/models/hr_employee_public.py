from odoo import api, fields, models

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

    # What the reader may see of this person's training, as the record rules
    # say: their own, their team's, their mentees'; nothing of a colleague.
    trainlink_attendance_ids = fields.Many2many(
        "trainlink.attendance",
        string="Trainings Shown",
        compute="_compute_trainlink_records",
    )
    trainlink_plan_ids = fields.Many2many(
        "trainlink.application.plan",
        string="Application Plans Shown",
        compute="_compute_trainlink_records",
    )

    @api.depends_context("uid")
    def _compute_trainlink_records(self):
        Attendance = self.env["trainlink.attendance"]
        Plan = self.env["trainlink.application.plan"]
        attendances = Attendance.search([("employee_id", "in", self.ids)])
        plans = Plan.search([("employee_id", "in", self.ids)])
        for employee in self:
            employee.trainlink_attendance_ids = attendances.filtered(
                lambda a, e=employee: a.employee_id.id == e.id
            )
            employee.trainlink_plan_ids = plans.filtered(
                lambda p, e=employee: p.employee_id.id == e.id
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
