from odoo import fields, models


def compute_training_summary(employees, employee_ids):
    """Fill the training counters of hr.employee or hr.employee.public.

    Counts go through the current user's record rules, so a user sees the
    figures of the people they may see and zero for the others.
    """
    env = employees.env
    year_start = fields.Date.context_today(employees).replace(month=1, day=1)
    attendance_groups = env["trainlink.attendance"]._read_group(
        [("employee_id", "in", employee_ids), ("state", "=", "completed")],
        ["employee_id"],
        ["__count"],
    )
    hour_groups = env["trainlink.attendance"]._read_group(
        [
            ("employee_id", "in", employee_ids),
            ("state", "=", "completed"),
            ("completion_date", ">=", year_start),
        ],
        ["employee_id"],
        ["hours_credited:sum"],
    )
    plan_groups = env["trainlink.application.plan"]._read_group(
        [
            ("employee_id", "in", employee_ids),
            ("state", "in", ("draft", "submitted", "in_progress")),
        ],
        ["employee_id"],
        ["__count"],
    )
    trainings = {employee.id: count for employee, count in attendance_groups}
    hours = {employee.id: total for employee, total in hour_groups}
    plans = {employee.id: count for employee, count in plan_groups}
    for record, employee_id in zip(employees, employee_ids, strict=True):
        record.trainlink_training_count = trainings.get(employee_id, 0)
        record.trainlink_hours_year = hours.get(employee_id, 0.0)
        record.trainlink_open_plan_count = plans.get(employee_id, 0)


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    trainlink_attendance_ids = fields.One2many(
        "trainlink.attendance",
        "employee_id",
        string="Training Attendances",
        groups="hr.group_hr_user",
    )
    trainlink_plan_ids = fields.One2many(
        "trainlink.application.plan",
        "employee_id",
        string="Application Plans",
        groups="hr.group_hr_user",
    )
    trainlink_training_count = fields.Integer(
        string="Trainings",
        compute="_compute_trainlink_summary",
        groups="hr.group_hr_user",
    )
    trainlink_hours_year = fields.Float(
        string="Training Hours This Year",
        compute="_compute_trainlink_summary",
        groups="hr.group_hr_user",
    )
    trainlink_open_plan_count = fields.Integer(
        string="Open Application Plans",
        compute="_compute_trainlink_summary",
        groups="hr.group_hr_user",
    )

    def _compute_trainlink_summary(self):
        compute_training_summary(self, self.ids)

    def _trainlink_action(self, xml_id):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xml_id)
        action["domain"] = [("employee_id", "=", self.id)]
        action["context"] = {"search_default_employee_id": self.id}
        return action

    def action_open_trainlink_attendances(self):
        return self._trainlink_action(
            "trainlink_performance.trainlink_attendance_action"
        )

    def action_open_trainlink_plans(self):
        return self._trainlink_action(
            "trainlink_performance.trainlink_application_plan_action"
        )
