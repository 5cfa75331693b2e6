from odoo import fields, models

from .trainlink_contribution import RATINGS, VERDICTS


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
    promotion_groups = env["trainlink.promotion.candidate"]._read_group(
        [("employee_id", "in", employee_ids), ("state", "in", ("path", "review"))],
        ["employee_id"],
        ["__count"],
    )
    trainings = {employee.id: count for employee, count in attendance_groups}
    promotions = {employee.id: count for employee, count in promotion_groups}
    hours = {employee.id: total for employee, total in hour_groups}
    plans = {employee.id: count for employee, count in plan_groups}
    for record, employee_id in zip(employees, employee_ids, strict=True):
        record.trainlink_training_count = trainings.get(employee_id, 0)
        record.trainlink_hours_year = hours.get(employee_id, 0.0)
        record.trainlink_open_plan_count = plans.get(employee_id, 0)
        record.trainlink_promotion_count = promotions.get(employee_id, 0)


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
    trainlink_promotion_count = fields.Integer(
        string="Promotion Paths",
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

    def action_open_trainlink_promotions(self):
        action = self._trainlink_action(
            "trainlink_performance.trainlink_promotion_candidate_action"
        )
        action["context"]["default_employee_id"] = self.id
        return action

    # -- training effect summary (HR officers only) --

    trainlink_contribution_ids = fields.One2many(
        "trainlink.contribution",
        "employee_id",
        string="Training Contributions",
        groups="hr.group_hr_user",
    )
    trainlink_contribution_pct = fields.Float(
        string="Training Contribution (%)",
        compute="_compute_trainlink_effect",
        digits=(16, 1),
        groups="hr.group_hr_user",
        help="Average net KPI lift of the employee's rated contributions whose "
        "window ended in the last 12 months; low-confidence ones are left out.",
    )
    trainlink_latest_rating = fields.Selection(
        RATINGS,
        string="Latest Training Rating",
        compute="_compute_trainlink_effect",
        groups="hr.group_hr_user",
    )
    trainlink_effect_summary = fields.Html(
        string="Training Effect by KPI",
        compute="_compute_trainlink_effect",
        sanitize=False,
        groups="hr.group_hr_user",
        help="Last 12 months, per KPI: contributions, average net lift and "
        "latest rating.",
    )

    def _compute_trainlink_effect(self):
        Contribution = self.env["trainlink.contribution"]
        recent = Contribution._last_twelve_months_domain()
        rated = [*recent, ("rating", "in", VERDICTS)]
        averages = dict(
            Contribution._read_group(
                [*rated, ("employee_id", "in", self.ids)],
                ["employee_id"],
                ["net_lift:avg"],
            )
        )
        for employee in self:
            latest = Contribution.search(
                [*rated, ("employee_id", "=", employee.id)],
                order="post_end desc, id desc",
                limit=1,
            )
            employee.trainlink_contribution_pct = averages.get(employee, 0.0)
            employee.trainlink_latest_rating = latest.rating
            employee.trainlink_effect_summary = Contribution._effect_summary_html(
                [*recent, ("employee_id", "=", employee.id)], one_person=True
            )

    def action_open_trainlink_contributions(self):
        return self._trainlink_action(
            "trainlink_performance.trainlink_contribution_action"
        )
