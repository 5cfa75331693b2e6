from dateutil.relativedelta import relativedelta

from odoo import fields, models


class HrDepartment(models.Model):
    _inherit = "hr.department"

    trainlink_participation_rate = fields.Float(
        string="Training Participation (%)",
        compute="_compute_trainlink_indicators",
        groups="trainlink_performance.group_trainlink_manager",
        help="Share of the department's employees who completed at least one "
        "training this year.",
    )
    trainlink_post_training_lift = fields.Float(
        string="Post-training KPI Lift (%)",
        compute="_compute_trainlink_indicators",
        groups="trainlink_performance.group_trainlink_manager",
        help="Mean net KPI lift of the department's training contributions "
        "measured in the last 12 months.",
    )

    def _compute_trainlink_indicators(self):
        today = fields.Date.context_today(self)
        year_start = today.replace(month=1, day=1)
        # Department-level figures: the same for every reader allowed to see them.
        Attendance = self.env["trainlink.attendance"].sudo()
        Contribution = self.env["trainlink.contribution"].sudo()
        Employee = self.env["hr.employee"].sudo()
        for department in self:
            employees = Employee.search([("department_id", "=", department.id)])
            trained = Attendance.search(
                [
                    ("employee_id", "in", employees.ids),
                    ("state", "=", "completed"),
                    ("completion_date", ">=", year_start),
                ]
            ).employee_id
            department.trainlink_participation_rate = (
                100.0 * len(trained) / len(employees) if employees else 0.0
            )
            contributions = Contribution.search(
                [
                    ("employee_id", "in", employees.ids),
                    ("post_end", ">=", today - relativedelta(months=12)),
                    ("low_confidence", "=", False),
                ]
            )
            lifts = contributions.mapped("net_lift")
            department.trainlink_post_training_lift = (
                sum(lifts) / len(lifts) if lifts else 0.0
            )
