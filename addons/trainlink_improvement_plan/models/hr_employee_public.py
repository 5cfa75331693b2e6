from odoo import api, fields, models


class HrEmployeePublic(models.Model):
    _inherit = "hr.employee.public"

    trainlink_improvement_plan_count = fields.Integer(
        string="Improvement Plans",
        compute="_compute_trainlink_improvement_counts",
    )

    @api.depends_context("uid")
    def _compute_trainlink_improvement_counts(self):
        # hr.employee.public shares its ids with hr.employee; counted with the
        # reader's rights, so a colleague's plans count as none.
        counts = dict(
            (employee.id, count)
            for employee, count in self.env["trainlink.improvement.plan"]._read_group(
                [("employee_id", "in", self.ids)], ["employee_id"], ["__count"]
            )
        )
        for employee in self:
            employee.trainlink_improvement_plan_count = counts.get(employee.id, 0)

    def action_open_trainlink_improvement_plans(self):
        return (
            self.env["hr.employee"]
            .browse(self.id)
            .action_open_trainlink_improvement_plans()
        )

    def action_request_improvement_plan(self):
        return self.env["hr.employee"].browse(self.id).action_request_improvement_plan()
