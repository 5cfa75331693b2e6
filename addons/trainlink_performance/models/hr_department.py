from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

OFFICER_GROUP = "trainlink_performance.group_trainlink_officer"


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
    trainlink_indicators_withheld = fields.Boolean(
        string="Training Figures Withheld",
        compute="_compute_trainlink_indicators",
        groups="trainlink_performance.group_trainlink_manager",
        help="The department is not yours and too few people are behind a "
        "figure to show it without revealing one person's result.",
    )

    @api.depends_context("uid")
    def _compute_trainlink_indicators(self):
        """Officers and the managers of a department (up the chain) read its
        figures; other managers only when at least the company's minimum
        group size of people are behind each figure."""
        today = fields.Date.context_today(self)
        year_start = today.replace(month=1, day=1)
        user = self.env.user
        officer = user.has_group(OFFICER_GROUP)
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
            contributions = Contribution.search(
                [
                    ("employee_id", "in", employees.ids),
                    ("post_end", ">=", today - relativedelta(months=12)),
                    ("low_confidence", "=", False),
                ]
            )
            minimum = department.sudo().company_id.trainlink_min_group_size
            trusted = officer or department._trainlink_managed_by(user)
            show_rate = trusted or len(employees) >= minimum
            show_lift = trusted or len(contributions.employee_id) >= minimum
            lifts = contributions.mapped("net_lift")
            department.trainlink_participation_rate = (
                100.0 * len(trained) / len(employees)
                if employees and show_rate
                else 0.0
            )
            department.trainlink_post_training_lift = (
                sum(lifts) / len(lifts) if lifts and show_lift else 0.0
            )
            department.trainlink_indicators_withheld = not (show_rate and show_lift)

    def _trainlink_managed_by(self, user):
        """The user manages this department or one above it."""
        self.ensure_one()
        department = self.sudo()
        while department:
            if department.manager_id.user_id == user:
                return True
            department = department.parent_id
        return False
