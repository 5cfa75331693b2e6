from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_list

MANAGER_GROUP = "trainlink_performance.group_trainlink_manager"


class TrainlinkApplicationPlan(models.Model):
    _name = "trainlink.application.plan"
    _description = "Training Application Plan"
    _inherit = ["mail.thread", "mail.activity.mixin", "trainlink.guarded.mixin"]
    _order = "date_start desc, id desc"

    # Changed through the buttons only (submit, accept, close).
    _trainlink_guarded_fields = frozenset({"state", "approved_by_id"})

    # What the employee may change on their own plan; everything else
    # (state, approval) is for managers and training officers.
    _EMPLOYEE_FIELDS = {
        "name",
        "scenario",
        "date_start",
        "date_end",
        "kpi_id",
        "expected_effect",
        "expected_effect_note",
    }

    name = fields.Char(
        compute="_compute_name",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    attendance_id = fields.Many2one(
        "trainlink.attendance",
        required=True,
        ondelete="cascade",
        index=True,
        domain="[('state', '=', 'completed')]",
    )
    employee_id = fields.Many2one(
        related="attendance_id.employee_id", store=True, index=True
    )
    manager_id = fields.Many2one(
        related="attendance_id.employee_id.parent_id", string="Manager"
    )
    course_id = fields.Many2one(related="attendance_id.course_id", store=True)
    company_id = fields.Many2one(related="attendance_id.company_id", store=True)
    department_id = fields.Many2one(related="attendance_id.department_id", store=True)
    scenario = fields.Text(
        required=True,
        help="Where the course will be applied, e.g. client negotiations or "
        "monthly report building.",
    )
    date_start = fields.Date(required=True, default=fields.Date.context_today)
    date_end = fields.Date(required=True)
    course_kpi_ids = fields.Many2many(related="course_id.kpi_ids")
    kpi_id = fields.Many2one(
        "trainlink.kpi", string="KPI", domain="[('id', 'in', course_kpi_ids)]"
    )
    expected_effect = fields.Float(
        string="Expected Effect (%)",
        help="Expected improvement of the KPI in percent, e.g. 10 for +10 %.",
    )
    expected_effect_note = fields.Char(string="Expected Effect")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("in_progress", "In Progress"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
        group_expand="_expand_states",
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    checkin_ids = fields.One2many("trainlink.application.checkin", "plan_id")
    checkin_count = fields.Integer(
        string="Weekly Check-ins", compute="_compute_checkin_stats"
    )
    application_rate = fields.Float(
        string="Application Rate (%)",
        compute="_compute_checkin_stats",
        help="Share of weekly check-ins where the skill was applied.",
    )
    case_ids = fields.One2many("trainlink.practice.case", "plan_id")
    case_count = fields.Integer(compute="_compute_case_count")
    mentorship_ids = fields.One2many("trainlink.mentorship", "plan_id")
    needs_coaching = fields.Boolean(
        compute="_compute_checkin_stats",
        help="Set when the last check-ins show the course is not applied.",
    )

    def _expand_states(self, states, domain):
        """Kanban columns for every state, in the workflow's order."""
        return [key for key, _label in self._fields["state"].selection]

    @api.depends("attendance_id.course_id.name", "attendance_id.employee_id.name")
    def _compute_name(self):
        for plan in self:
            if plan.attendance_id:
                plan.name = _(
                    "%(course)s - %(employee)s",
                    course=plan.attendance_id.course_id.name,
                    employee=plan.attendance_id.employee_id.name,
                )
            elif not plan.name:
                plan.name = False

    @api.depends("checkin_ids.applied")
    def _compute_checkin_stats(self):
        for plan in self:
            checkins = plan.checkin_ids.sorted("date")
            plan.checkin_count = len(checkins)
            applied = checkins.filtered("applied")
            plan.application_rate = (
                100.0 * len(applied) / len(checkins) if checkins else 0.0
            )
            last_two = checkins[-2:]
            plan.needs_coaching = len(last_two) == 2 and not any(
                last_two.mapped("applied")
            )

    @api.depends("case_ids")
    def _compute_case_count(self):
        for plan in self:
            plan.case_count = len(plan.case_ids)

    @api.constrains("attendance_id")
    def _check_attendance_completed(self):
        for plan in self:
            if plan.attendance_id.state != "completed":
                raise ValidationError(
                    _(
                        "%(employee)s has not completed %(course)s: an application "
                        "plan needs a completed attendance.",
                        employee=plan.attendance_id.employee_id.name,
                        course=plan.attendance_id.course_id.name,
                    )
                )

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for plan in self:
            if plan.date_end < plan.date_start:
                raise ValidationError(
                    _(
                        "Plan %(plan)s: the end date cannot be before the start date.",
                        plan=plan.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            for vals in vals_list:
                self._check_employee_fields(set(vals) - {"attendance_id"})
        plans = super().create(vals_list)
        # The plan-writing reminder sits on the attendance, which the employee
        # may only read: closing it is part of creating the plan.
        plans.attendance_id.sudo().activity_feedback(
            ["trainlink_performance.mail_activity_type_write_plan"]
        )
        return plans

    def write(self, vals):
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            self._check_employee_fields(set(vals))
            if self.filtered(lambda p: p.state not in ("draft", "submitted")):
                raise AccessError(
                    _("A plan your manager accepted can only be changed by them.")
                )
        return super().write(vals)

    def _check_employee_fields(self, field_names):
        forbidden = field_names - self._EMPLOYEE_FIELDS
        if forbidden:
            raise AccessError(
                _(
                    "You can change the scenario, dates and expected effect of "
                    "your plan, not: %(fields)s.",
                    fields=format_list(
                        self.env,
                        [
                            self._fields[name].get_description(self.env)["string"]
                            for name in sorted(forbidden)
                            if name in self._fields
                        ],
                    ),
                )
            )

    def _check_manager(self):
        """The employee's manager (up the chain) or a training officer, never
        the employee: the record rules say whose plans a manager may write."""
        user = self.env.user
        if not user.has_group(MANAGER_GROUP):
            raise AccessError(
                _("Only the employee's manager or a training officer can do this.")
            )
        if self.sudo().employee_id.user_id & user:
            raise AccessError(_("Your own plan is reviewed by your manager."))
        self.check_access("write")

    def action_submit(self):
        for plan in self:
            if plan.state != "draft":
                raise UserError(
                    _("Plan %(plan)s: only a draft can be submitted.", plan=plan.name)
                )
        self.check_access("write")
        # The employee submits through this button only: the state itself
        # stays out of what they may write.
        self.sudo().write({"state": "submitted"})
        return True

    def action_approve(self):
        self._check_manager()
        for plan in self:
            if plan.state not in ("draft", "submitted"):
                raise UserError(
                    _(
                        "Plan %(plan)s: only a draft or submitted plan can be "
                        "accepted.",
                        plan=plan.name,
                    )
                )
        self.sudo().write({"state": "in_progress", "approved_by_id": self.env.user.id})
        self._schedule_checkin_activity()
        return True

    def action_done(self):
        self._check_manager()
        self.sudo().write({"state": "done"})
        self.activity_unlink(["trainlink_performance.mail_activity_type_checkin"])
        return True

    def action_cancel(self):
        self._check_manager()
        self.sudo().write({"state": "cancelled"})
        self.activity_unlink(["trainlink_performance.mail_activity_type_checkin"])
        return True

    def action_reset_draft(self):
        self._check_manager()
        self.sudo().write({"state": "draft", "approved_by_id": False})
        return True

    def action_add_mentor(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Assign a Mentor"),
            "res_model": "trainlink.mentorship",
            "view_mode": "form",
            "target": "new",
            "context": {"default_plan_id": self.id},
        }

    def _checkin_user(self):
        self.ensure_one()
        return self.employee_id.parent_id.user_id or self.approved_by_id

    def _schedule_checkin_activity(self, after=None):
        """One pending weekly check-in activity for the manager per plan."""
        for plan in self.filtered(lambda p: p.state == "in_progress"):
            user = plan._checkin_user()
            deadline = fields.Date.add(
                after or max(plan.date_start, fields.Date.context_today(plan)), days=7
            )
            if not user or deadline > plan.date_end:
                continue
            plan.activity_schedule(
                "trainlink_performance.mail_activity_type_checkin",
                date_deadline=deadline,
                summary=_("Weekly check-in: %(plan)s", plan=plan.name),
                user_id=user.id,
            )
