from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

GOAL_TYPES = [("course", "Course"), ("skill", "Skill"), ("kpi", "KPI")]


class TrainlinkIdpGoal(models.Model):
    _name = "trainlink.idp.goal"
    _description = "Development Plan Goal"
    _order = "idp_id, sequence, id"

    sequence = fields.Integer(default=10)
    idp_id = fields.Many2one(
        "trainlink.idp",
        string="Development Plan",
        required=True,
        index=True,
        ondelete="cascade",
    )
    employee_id = fields.Many2one(related="idp_id.employee_id", store=True, index=True)
    company_id = fields.Many2one(related="idp_id.company_id", store=True, index=True)
    idp_state = fields.Selection(related="idp_id.state", string="Plan Status")
    goal_type = fields.Selection(
        GOAL_TYPES, string="Type", required=True, default="course"
    )
    name = fields.Char(string="Description")
    course_id = fields.Many2one(
        "trainlink.course",
        ondelete="restrict",
        domain="[('company_id', '=', company_id)]",
    )
    skill = fields.Char(help="The skill to learn, in the employee's words.")
    kpi_id = fields.Many2one("trainlink.kpi", string="KPI", ondelete="restrict")
    kpi_direction = fields.Selection(related="kpi_id.direction")
    target_value = fields.Float(help="KPI goals: the value the KPI should reach.")
    target_date = fields.Date()
    skill_done = fields.Boolean(
        string="Skill Acquired",
        help="Skill goals: ticked by the manager when the skill is acquired.",
    )
    status = fields.Selection(
        [("todo", "In Progress"), ("done", "Done"), ("late", "Done Late")],
        compute="_compute_status",
        help="From the records: a completed attendance of the course (late "
        "when completed after the target date), the employee's latest value "
        "of the KPI against the target, the manager's tick for a skill.",
    )
    completion_date = fields.Date(
        compute="_compute_status",
        help="Course goals: when the employee completed the course.",
    )
    current_value = fields.Float(
        compute="_compute_status",
        help="KPI goals: the employee's latest value of the KPI.",
    )

    @api.depends(
        "goal_type",
        "course_id",
        "kpi_id.direction",
        "target_value",
        "target_date",
        "skill_done",
        "idp_id.employee_id",
    )
    def _compute_status(self):
        for goal in self:
            goal.completion_date = False
            goal.current_value = 0.0
            if goal.goal_type == "course":
                goal.status = goal._course_status()
            elif goal.goal_type == "kpi":
                goal.status = goal._kpi_status()
            else:
                goal.status = "done" if goal.skill_done else "todo"

    def _course_status(self):
        if not self.course_id or not self.employee_id:
            return "todo"
        completed = (
            self.env["trainlink.attendance"]
            .sudo()
            .search(
                [
                    ("employee_id", "=", self.employee_id.id),
                    ("course_id", "=", self.course_id.id),
                    ("state", "=", "completed"),
                ]
            )
        )
        if not completed:
            return "todo"
        dates = [a.completion_date for a in completed if a.completion_date]
        self.completion_date = min(dates) if dates else False
        if self.target_date and self.completion_date:
            return "late" if self.completion_date > self.target_date else "done"
        return "done"

    def _kpi_status(self):
        if not self.kpi_id or not self.employee_id:
            return "todo"
        latest = (
            self.env["trainlink.kpi.value"]
            .sudo()
            .search(
                [
                    ("employee_id", "=", self.employee_id.id),
                    ("kpi_id", "=", self.kpi_id.id),
                ],
                order="period_start desc, id desc",
                limit=1,
            )
        )
        if not latest:
            return "todo"
        self.current_value = latest.value
        if self.kpi_id.direction == "lower":
            met = latest.value <= self.target_value
        else:
            met = latest.value >= self.target_value
        return "done" if met else "todo"

    @api.constrains("goal_type", "course_id", "kpi_id", "skill")
    def _check_goal_target(self):
        for goal in self:
            if goal.goal_type == "course" and not goal.course_id:
                raise ValidationError(
                    _(
                        "%(plan)s: a course goal needs the course.",
                        plan=goal.idp_id.display_name,
                    )
                )
            if goal.goal_type == "kpi" and not goal.kpi_id:
                raise ValidationError(
                    _(
                        "%(plan)s: a KPI goal needs the KPI and its target value.",
                        plan=goal.idp_id.display_name,
                    )
                )
            if goal.goal_type == "skill" and not (goal.skill or "").strip():
                raise ValidationError(
                    _(
                        "%(plan)s: a skill goal needs the skill to learn.",
                        plan=goal.idp_id.display_name,
                    )
                )

    @api.constrains("target_date", "idp_id")
    def _check_target_date(self):
        for goal in self:
            if goal.target_date and goal.target_date.year != goal.idp_id.year:
                raise ValidationError(
                    _(
                        "%(plan)s: the target date %(date)s is outside the plan's "
                        "year %(year)s.",
                        plan=goal.idp_id.display_name,
                        date=goal.target_date,
                        year=goal.idp_id.year,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        goals = super().create(vals_list)
        goals._check_may_change(
            skill_done=any(vals.get("skill_done") for vals in vals_list)
        )
        return goals

    def write(self, vals):
        if "idp_id" in vals and not self.env.su:
            raise UserError(_("A goal does not move to another development plan."))
        self._check_may_change(skill_done="skill_done" in vals)
        return super().write(vals)

    def unlink(self):
        self._check_may_change()
        return super().unlink()

    def _check_may_change(self, skill_done=False):
        """The employee changes the goals of their own plan while it is a
        draft; the manager (or an HR officer), never the employee, ticks a
        skill as acquired."""
        if self.env.su:
            return
        user = self.env.user
        for goal in self.sudo():
            if user not in goal.idp_id.employee_id.user_id:
                continue
            if skill_done:
                raise UserError(
                    _(
                        "%(plan)s: your manager confirms that you acquired a "
                        "skill, not you.",
                        plan=goal.idp_id.display_name,
                    )
                )
            if goal.idp_id.state != "draft":
                raise UserError(
                    _(
                        "%(plan)s is no longer a draft: its goals are read-only "
                        "for you.",
                        plan=goal.idp_id.display_name,
                    )
                )
