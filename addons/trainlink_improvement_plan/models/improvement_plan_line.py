from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_list

from .improvement_figures import (
    format_figure,
    is_better,
    kpi_figure,
    period_label,
    reaches,
)
from .improvement_plan import OUTCOMES

DIRECTIONS = [("higher", "Higher is better"), ("lower", "Lower is better")]


class TrainlinkImprovementLineMixin(models.AbstractModel):
    """A part of an improvement plan (goal, cause, action, resource, gap).

    Written by whoever manages the plan (its managers and HR, never the
    employee it is about) while the plan is open. Changing the goals or the
    actions of a signed plan asks both to sign again."""

    _name = "trainlink.improvement.line.mixin"
    _description = "Improvement Plan Line"

    # Goals and actions are what the employee and the manager sign.
    _trainlink_signed_content = False
    # Fields that may still change once the plan is being evaluated.
    _trainlink_evaluation_fields = frozenset()

    plan_id = fields.Many2one(
        "trainlink.improvement.plan",
        string="Improvement Plan",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    employee_id = fields.Many2one(related="plan_id.employee_id", store=True, index=True)

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        if not self.env.su:
            lines._check_may_change(set().union(*vals_list))
            if self._trainlink_signed_content:
                lines.plan_id._content_changed()
        return lines

    def write(self, vals):
        if not self.env.su:
            if "plan_id" in vals:
                raise UserError(_("A part of an improvement plan stays in its plan."))
            self._check_may_change(set(vals))
        result = super().write(vals)
        if (
            not self.env.su
            and self._trainlink_signed_content
            and set(vals) - self._trainlink_evaluation_fields
        ):
            self.plan_id._content_changed()
        return result

    def unlink(self):
        plans = self.plan_id
        if not self.env.su:
            self._check_may_change(set())
        result = super().unlink()
        if not self.env.su and self._trainlink_signed_content:
            plans.exists()._content_changed()
        return result

    def _check_may_change(self, field_names):
        plans = self.plan_id
        plans._check_can_manage()
        plans._check_open()
        if field_names and field_names <= self._trainlink_evaluation_fields:
            return
        for plan in plans:
            if plan.stage == "evaluation":
                raise UserError(
                    _(
                        "%(plan)s is being evaluated: extend or adjust it to change "
                        "its content.",
                        plan=plan.display_name,
                    )
                )


class TrainlinkImprovementGap(models.Model):
    """A gap from data, pulled in for the problem statement."""

    _name = "trainlink.improvement.gap"
    _description = "Improvement Plan Gap"
    _inherit = ["trainlink.improvement.line.mixin"]
    _order = "period_start, id"

    kpi_id = fields.Many2one("trainlink.kpi", string="KPI", required=True)
    kpi_unit = fields.Char(related="kpi_id.unit")
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    target_id = fields.Many2one("trainlink.kpi.target", readonly=True)
    target_value = fields.Float(readonly=True)
    actual_value = fields.Float(string="Actual", readonly=True)
    has_actual = fields.Boolean(readonly=True)
    achievement = fields.Float(string="Achievement (%)", readonly=True)
    department_value = fields.Float(string="Department Mean", readonly=True)
    department_count = fields.Integer(
        string="Department People",
        readonly=True,
        help="Employees of the department with data behind the department mean.",
    )
    department_shown = fields.Boolean(readonly=True)
    summary = fields.Char(readonly=True)

    def _compute_figures(self):
        """Read the figures from the data (as superuser: the plan's own
        visibility decides who sees them)."""
        for gap in self.sudo():
            employee = gap.plan_id.employee_id
            kpi = gap.kpi_id
            actual, _coverage, count = kpi_figure(
                self.env, employee, kpi, gap.period_start, gap.period_end
            )
            department = gap._department_mean()
            vals = {
                "actual_value": actual,
                "has_actual": bool(count),
                "target_value": gap.target_id.target_value,
                "achievement": gap.target_id.achievement if gap.target_id else 0.0,
                "department_value": department[0],
                "department_count": department[1],
                "department_shown": department[2],
            }
            gap.write(vals)
            gap.summary = gap._summary_text()

    def _department_mean(self):
        """(mean, people, shown): the mean over the department's employees of
        their figure for the KPI and period, shown only when at least the
        company's minimum group size stands behind it."""
        self.ensure_one()
        department = self.plan_id.department_id
        if not department:
            return 0.0, 0, False
        values = (
            self.env["trainlink.kpi.value"]
            .sudo()
            .search(
                [
                    ("kpi_id", "=", self.kpi_id.id),
                    ("period_start", ">=", self.period_start),
                    ("period_end", "<=", self.period_end),
                    # Values keep the department of their time; older rows
                    # without one count for the employee's current department.
                    "|",
                    ("department_id", "child_of", department.id),
                    "&",
                    ("department_id", "=", False),
                    ("employee_id.department_id", "child_of", department.id),
                ]
            )
        )
        figures = [
            kpi_figure(
                self.env, employee, self.kpi_id, self.period_start, self.period_end
            )[0]
            for employee in values.employee_id
        ]
        if not figures:
            return 0.0, 0, False
        minimum = self.plan_id.company_id.trainlink_min_group_size
        return sum(figures) / len(figures), len(figures), len(figures) >= minimum

    def _summary_text(self):
        self.ensure_one()
        unit = self.kpi_id.unit or ""
        period = period_label(self.period_start, self.period_end)
        if not self.has_actual:
            return _("%(period)s %(kpi)s: no data", period=period, kpi=self.kpi_id.name)
        actual = format_figure(self.env, self.actual_value, unit)
        if self.target_id:
            text = _(
                "%(period)s %(kpi)s: target %(target)s, actual %(actual)s = "
                "%(achievement)s %%",
                period=period,
                kpi=self.kpi_id.name,
                target=format_figure(self.env, self.target_value, unit),
                actual=actual,
                achievement=round(self.achievement),
            )
        else:
            text = _(
                "%(period)s %(kpi)s: %(actual)s",
                period=period,
                kpi=self.kpi_id.name,
                actual=actual,
            )
        if self.department_shown:
            text += _(
                " vs department %(mean)s",
                mean=format_figure(self.env, self.department_value, unit),
            )
        elif self.department_count > 1:
            # With the employee alone there is nothing to compare with.
            text += _(" (department mean withheld: fewer than the minimum group size)")
        return text


class TrainlinkImprovementGoal(models.Model):
    """A SMART goal: a KPI or a measurable criterion, a baseline from the
    data, a target that improves on it, a deadline inside the plan."""

    _name = "trainlink.improvement.goal"
    _description = "Improvement Plan Goal"
    _inherit = ["trainlink.improvement.line.mixin"]
    _order = "deadline, id"

    _trainlink_signed_content = True
    _trainlink_evaluation_fields = frozenset({"manual_actual", "manual_actual_entered"})

    kpi_id = fields.Many2one("trainlink.kpi", string="KPI")
    criterion = fields.Char(
        help="A measurable criterion when the goal is not a KPI, "
        "e.g. 'Customer visits per week'.",
    )
    unit = fields.Char(compute="_compute_unit", store=True, readonly=False)
    direction = fields.Selection(
        DIRECTIONS,
        compute="_compute_direction",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
    )
    baseline = fields.Float(
        compute="_compute_baseline",
        store=True,
        readonly=False,
        help="Where the employee stands: the KPI over the plan's analysed "
        "period, from the data.",
    )
    target = fields.Float(required=True)
    period_start = fields.Date(
        string="Measured From",
        compute="_compute_period_start",
        store=True,
        readonly=False,
        help="The goal is measured on the KPI values of the periods between "
        "this date and the deadline.",
    )
    deadline = fields.Date(required=True)
    manual_actual = fields.Float(
        string="Actual (entered)",
        help="For a goal without KPI: the actual value the manager observed.",
    )
    manual_actual_entered = fields.Boolean(readonly=True)
    current_value = fields.Float(compute="_compute_progress", compute_sudo=True)
    projected_value = fields.Float(
        compute="_compute_progress",
        compute_sudo=True,
        help="Where the goal is heading: for KPIs that add up, the value so far "
        "scaled to the whole window.",
    )
    coverage = fields.Float(
        string="Data Coverage (%)",
        compute="_compute_progress",
        compute_sudo=True,
        help="Share of the goal's window covered by synced KPI values.",
    )
    progress_status = fields.Selection(
        [
            ("on_track", "On Track"),
            ("at_risk", "At Risk"),
            ("no_data", "No Data Yet"),
        ],
        compute="_compute_progress",
        compute_sudo=True,
    )
    actual_value = fields.Float(readonly=True, copy=False)
    result = fields.Selection(OUTCOMES, readonly=True, copy=False)

    @api.depends("kpi_id")
    def _compute_unit(self):
        for goal in self.filtered("kpi_id"):
            goal.unit = goal.kpi_id.unit

    @api.depends("kpi_id")
    def _compute_direction(self):
        for goal in self:
            goal.direction = goal.kpi_id.direction or goal.direction or "higher"

    @api.depends("kpi_id", "plan_id.gap_start", "plan_id.gap_end")
    def _compute_baseline(self):
        for goal in self:
            plan = goal.plan_id
            if goal.kpi_id and plan.gap_start and plan.gap_end:
                goal.baseline = kpi_figure(
                    self.env,
                    plan.employee_id,
                    goal.kpi_id,
                    plan.gap_start,
                    plan.gap_end,
                )[0]
            elif not goal.baseline:
                goal.baseline = 0.0

    @api.depends("plan_id.date_start")
    def _compute_period_start(self):
        for goal in self:
            if not goal.period_start:
                goal.period_start = goal.plan_id.date_start

    def _compute_progress(self):
        today = fields.Date.context_today(self)
        for goal in self:
            goal.current_value = goal.projected_value = goal.coverage = 0.0
            goal.progress_status = "no_data"
            if not goal.kpi_id:
                if goal.manual_actual_entered:
                    goal.current_value = goal.projected_value = goal.manual_actual
                    goal.progress_status = (
                        "on_track"
                        if reaches(goal.direction, goal.manual_actual, goal.target)
                        else "at_risk"
                    )
                continue
            value, coverage, count = goal._figure(min(today, goal.deadline))
            if not count:
                continue
            window = (goal.deadline - goal.period_start).days + 1
            elapsed = (min(today, goal.deadline) - goal.period_start).days + 1
            covered_days = coverage * elapsed
            goal.current_value = value
            goal.coverage = covered_days / window * 100.0
            projected = value
            if goal.kpi_id.aggregation == "sum" and covered_days:
                # What the window adds up to at the pace of the data so far.
                projected = value * window / covered_days
            goal.projected_value = projected
            goal.progress_status = (
                "on_track"
                if reaches(goal.direction, projected, goal.target)
                else "at_risk"
            )

    def _figure(self, until=None):
        self.ensure_one()
        return kpi_figure(
            self.env,
            self.plan_id.employee_id,
            self.kpi_id,
            self.period_start,
            until or self.deadline,
        )

    # ---------------------------------------------------------- checks --

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_target_given(vals)
            if "manual_actual" in vals:
                vals["manual_actual_entered"] = True
        return super().create(vals_list)

    def write(self, vals):
        self._check_target_given(vals, creating=False)
        if "manual_actual" in vals:
            vals = {**vals, "manual_actual_entered": True}
        return super().write(vals)

    @api.model
    def _check_target_given(self, vals, creating=True):
        missing = []
        for name, label in (("target", _("target")), ("deadline", _("deadline"))):
            if (creating and name not in vals) or (
                name in vals and vals[name] in (False, None, "")
            ):
                missing.append(label)
        if missing:
            raise ValidationError(
                _(
                    "A goal needs a %(missing)s: %(goal)s.",
                    missing=_(" and a ").join(missing),
                    goal=vals.get("criterion") or _("goal without a name"),
                )
            )

    @api.constrains("kpi_id", "criterion", "unit")
    def _check_measurable(self):
        for goal in self:
            if not goal.kpi_id and not (goal.criterion or "").strip():
                raise ValidationError(
                    _("A goal names a KPI or a measurable criterion.")
                )
            if not goal.kpi_id and not (goal.unit or "").strip():
                raise ValidationError(
                    _(
                        "The goal %(goal)s needs a unit to be measurable.",
                        goal=goal.criterion,
                    )
                )

    @api.constrains("baseline", "target", "direction")
    def _check_improves(self):
        for goal in self:
            if not is_better(goal.direction, goal.target, goal.baseline):
                raise ValidationError(
                    _(
                        "The goal %(goal)s does not improve on its baseline "
                        "%(baseline)s: a target of %(target)s is not %(better)s.",
                        goal=goal.display_name,
                        baseline=format_figure(self.env, goal.baseline, goal.unit),
                        target=format_figure(self.env, goal.target, goal.unit),
                        better=_("lower") if goal.direction == "lower" else _("higher"),
                    )
                )

    @api.constrains("deadline", "period_start", "plan_id")
    def _check_dates(self):
        for goal in self:
            plan = goal.plan_id
            if not (plan.date_start <= goal.deadline <= plan.date_end):
                raise ValidationError(
                    _(
                        "The deadline of %(goal)s (%(deadline)s) must fall inside the "
                        "plan (%(start)s to %(end)s).",
                        goal=goal.display_name,
                        deadline=goal.deadline,
                        start=plan.date_start,
                        end=plan.date_end,
                    )
                )
            if goal.period_start and goal.period_start > goal.deadline:
                raise ValidationError(
                    _(
                        "%(goal)s is measured from a date after its deadline.",
                        goal=goal.display_name,
                    )
                )

    @api.depends("kpi_id", "criterion")
    def _compute_display_name(self):
        for goal in self:
            goal.display_name = goal.kpi_id.name or goal.criterion or ""

    def _summary(self):
        self.ensure_one()
        return _(
            "%(goal)s: from %(baseline)s to %(target)s by %(deadline)s",
            goal=self.display_name,
            baseline=format_figure(self.env, self.baseline, self.unit),
            target=format_figure(self.env, self.target, self.unit),
            deadline=self.deadline,
        )

    # ------------------------------------------------------ evaluation --

    def _evaluation(self):
        """{goal: (actual, result)} from the data, or {goal: None} when a
        goal lacks the data to judge it: a KPI goal needs values covering its
        whole window (a part of it would judge the employee on a part of the
        period), a free-text goal an entered actual."""
        results = {}
        for goal in self.sudo():
            if goal.kpi_id:
                actual, coverage, _count = goal._figure()
                if coverage < 0.999:
                    results[goal] = None
                    continue
            elif goal.manual_actual_entered:
                actual = goal.manual_actual
            else:
                results[goal] = None
                continue
            if reaches(goal.direction, actual, goal.target):
                result = "met"
            elif is_better(goal.direction, actual, goal.baseline):
                result = "partly"
            else:
                result = "not_met"
            results[goal] = (actual, result)
        return results

    def _missing_data_text(self):
        self.ensure_one()
        if not self.kpi_id:
            return _("%(goal)s has no actual value entered", goal=self.display_name)
        _value, coverage, _count = self.sudo()._figure()
        return _(
            "%(goal)s has KPI values for %(coverage)s %% of %(start)s to %(deadline)s",
            goal=self.display_name,
            coverage=round(coverage * 100),
            start=self.period_start,
            deadline=self.deadline,
        )


PERSONAL_CAUSES = ("skill", "attitude", "method")
CAUSE_CATEGORIES = [
    ("skill", "Skill"),
    ("attitude", "Attitude"),
    ("method", "Method"),
    ("resources", "Lack of Resources"),
    ("market", "Market"),
    ("process", "Process"),
]
FIVE_W_TWO_H = ("why", "what", "where", "when", "who", "how", "how_much")


class TrainlinkImprovementCause(models.Model):
    _name = "trainlink.improvement.cause"
    _description = "Improvement Plan Root Cause"
    _inherit = ["trainlink.improvement.line.mixin"]
    _order = "kind desc, id"

    category = fields.Selection(CAUSE_CATEGORIES, required=True)
    kind = fields.Selection(
        [("personal", "Personal"), ("external", "External")],
        compute="_compute_kind",
        store=True,
    )
    why = fields.Text(required=True)
    what = fields.Text()
    where = fields.Text()
    when = fields.Text()
    who = fields.Text()
    how = fields.Text()
    how_much = fields.Text()

    @api.depends("category")
    def _compute_kind(self):
        for cause in self:
            cause.kind = "personal" if cause.category in PERSONAL_CAUSES else "external"

    @api.depends("category", "why")
    def _compute_display_name(self):
        labels = dict(self._fields["category"]._description_selection(self.env))
        for cause in self:
            why = (cause.why or "").strip().splitlines()
            cause.display_name = " - ".join(
                filter(None, [labels.get(cause.category), why[0][:60] if why else ""])
            )

    def _blank_5w2h(self):
        """Labels of the 5W2H questions left blank."""
        self.ensure_one()
        return [
            self._fields[name].get_description(self.env)["string"]
            for name in FIVE_W_TWO_H
            if not (self[name] or "").strip()
        ]


class TrainlinkImprovementAction(models.Model):
    _name = "trainlink.improvement.action"
    _description = "Improvement Plan Action"
    _inherit = ["trainlink.improvement.line.mixin"]
    _order = "date_start, id"

    _trainlink_signed_content = True
    _trainlink_evaluation_fields = frozenset({"state"})

    name = fields.Char(string="Action", required=True)
    owner_type = fields.Selection(
        [
            ("employee", "The employee"),
            ("manager", "The manager"),
            ("department", "A supporting department"),
        ],
        string="Owner",
        required=True,
        default="employee",
    )
    support_department_id = fields.Many2one(
        "hr.department", string="Supporting Department"
    )
    contact_id = fields.Many2one(
        "hr.employee", help="Who in the supporting department."
    )
    date_start = fields.Date(string="Start", required=True)
    date_end = fields.Date(string="End", required=True)
    standard = fields.Text(string="Completion Standard", required=True)
    resources = fields.Text(string="Resources Needed")
    state = fields.Selection(
        [
            ("todo", "To Do"),
            ("in_progress", "In Progress"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        default="todo",
        required=True,
    )
    session_id = fields.Many2one(
        "trainlink.session",
        string="Course Session",
        domain="[('state', 'in', ('draft', 'confirmed'))]",
        help="Enrol the employee in this session.",
    )
    attendance_id = fields.Many2one("trainlink.attendance", readonly=True, copy=False)
    need_id = fields.Many2one(
        "trainlink.need", string="Training Need", readonly=True, copy=False
    )

    @api.constrains(
        "date_start", "date_end", "plan_id", "owner_type", "support_department_id"
    )
    def _check_action(self):
        for action in self:
            plan = action.plan_id
            if action.date_end < action.date_start:
                raise ValidationError(
                    _(
                        "The action %(action)s ends before it starts.",
                        action=action.name,
                    )
                )
            if action.date_start < plan.date_start or action.date_end > plan.date_end:
                raise ValidationError(
                    _(
                        "The action %(action)s (%(start)s to %(end)s) must fall "
                        "inside the plan (%(plan_start)s to %(plan_end)s).",
                        action=action.name,
                        start=action.date_start,
                        end=action.date_end,
                        plan_start=plan.date_start,
                        plan_end=plan.date_end,
                    )
                )
            if action.owner_type == "department" and not action.support_department_id:
                raise ValidationError(
                    _(
                        "The action %(action)s is owned by a supporting department: "
                        "name it.",
                        action=action.name,
                    )
                )

    def _owner_text(self):
        self.ensure_one()
        if self.owner_type == "employee":
            return self.plan_id.employee_id.name
        if self.owner_type == "manager":
            return self.plan_id.manager_id.name or _("The manager")
        return format_list(
            self.env,
            [
                name
                for name in (self.support_department_id.name, self.contact_id.name)
                if name
            ],
        )

    def _summary(self):
        self.ensure_one()
        return _(
            "%(action)s (%(owner)s, %(start)s to %(end)s): %(standard)s",
            action=self.name,
            owner=self._owner_text(),
            start=self.date_start,
            end=self.date_end,
            standard=self.standard,
        )

    def action_enrol(self):
        """A real attendance of the employee in the chosen session."""
        for action in self:
            action._check_may_change({"state"})
            if not action.session_id:
                raise UserError(_("Choose the course session to enrol in first."))
            Attendance = self.env["trainlink.attendance"].sudo()
            employee = action.plan_id.employee_id
            attendance = Attendance.search(
                [
                    ("session_id", "=", action.session_id.id),
                    ("employee_id", "=", employee.id),
                ],
                limit=1,
            ) or Attendance.create(
                {"session_id": action.session_id.id, "employee_id": employee.id}
            )
            action.sudo().write(
                {"attendance_id": attendance.id, "state": "in_progress"}
            )
        return True

    def action_raise_need(self):
        """A training need of the employee, for the training officers."""
        for action in self:
            action._check_may_change({"state"})
            if action.need_id:
                continue
            plan = action.plan_id.sudo()
            need = (
                self.env["trainlink.need"]
                .sudo()
                .create(
                    {
                        "name": action.name,
                        "company_id": plan.company_id.id,
                        "source": "competency",
                        "department_id": plan.department_id.id,
                        "employee_ids": [fields.Command.link(plan.employee_id.id)],
                        "kpi_id": plan.kpi_id.id,
                        "deadline": action.date_end,
                        "description": Markup("<p>%s</p>") % action.standard,
                    }
                )
            )
            action.sudo().need_id = need
        return True


class TrainlinkImprovementResource(models.Model):
    """Who provides what: training from HR, tools from IT, time from the
    manager. The provider gets an activity and sees this request only, not
    the plan."""

    _name = "trainlink.improvement.resource"
    _description = "Improvement Plan Resource"
    _inherit = [
        "trainlink.improvement.line.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "due_date, id"
    _trainlink_evaluation_fields = frozenset({"state"})

    name = fields.Char(string="What", required=True)
    provider_type = fields.Selection(
        [
            ("hr", "HR (training)"),
            ("it", "IT (tools)"),
            ("manager", "Manager (time)"),
            ("other", "Other"),
        ],
        string="Provided By",
        required=True,
        default="hr",
    )
    provider_user_id = fields.Many2one(
        "res.users", string="Provider", required=True, index=True
    )
    due_date = fields.Date(required=True)
    state = fields.Selection(
        [("requested", "Requested"), ("provided", "Provided")],
        default="requested",
        required=True,
    )

    @api.model_create_multi
    def create(self, vals_list):
        resources = super().create(vals_list)
        resources._ask_provider()
        return resources

    def write(self, vals):
        result = super().write(vals)
        if "provider_user_id" in vals:
            self._ask_provider()
        return result

    def _ask_provider(self):
        for resource in self.sudo():
            user = resource.provider_user_id
            if resource.state != "requested" or user in resource.employee_id.user_id:
                continue
            resource.activity_unlink(
                ["trainlink_improvement_plan.mail_activity_type_pip_resource"]
            )
            resource.with_context(lang=user.lang).activity_schedule(
                "trainlink_improvement_plan.mail_activity_type_pip_resource",
                date_deadline=resource.due_date,
                summary=_(
                    "Provide for %(employee)s: %(what)s",
                    employee=resource.employee_id.name,
                    what=resource.name,
                ),
                user_id=user.id,
            )

    def action_mark_provided(self):
        """The provider, or whoever manages the plan, confirms it is provided."""
        for resource in self:
            if self.env.user != resource.sudo().provider_user_id:
                resource._check_may_change({"state"})
            resource.sudo().state = "provided"
            resource.sudo().activity_feedback(
                ["trainlink_improvement_plan.mail_activity_type_pip_resource"]
            )
        return True
