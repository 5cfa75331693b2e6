import logging

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_list

from .improvement_figures import combine, format_figure, period_label

_logger = logging.getLogger(__name__)

HR_GROUP = "hr.group_hr_user"
STAGES = [
    ("problem", "Problem & Goals"),
    ("cause", "Root Causes"),
    ("action", "Actions"),
    ("resource", "Resources"),
    ("review", "Review & Signatures"),
    ("follow_up", "Weekly Follow-up"),
    ("evaluation", "Evaluation"),
]
STAGE_ORDER = [code for code, _label in STAGES]
# Before both signatures the content may still move back and forth.
DRAFT_STAGES = ("problem", "cause", "action", "resource", "review")
TRIGGERS = [
    ("training_effect", "Training effect insufficient"),
    ("target_missed", "KPI target missed"),
    ("decline", "Two periods of decline"),
    ("promotion_gap", "New job requirements not met"),
    ("own_request", "Employee's own request"),
    ("manual", "Opened by manager or HR"),
]
OUTCOMES = [
    ("met", "Met"),
    ("partly", "Partly Met"),
    ("not_met", "Not Met"),
]
DECISIONS = [
    ("recorded", "Recorded in the performance file"),
    ("extended", "Extended"),
    ("adjusted", "Adjusted"),
    ("escalated", "Escalated to HR"),
]
# Both signatures cleared: the plan is signed again before it runs.
NO_SIGNATURES = {
    f"{role}_{field}": False
    for role in ("employee", "manager")
    for field in ("signature", "signed_name", "signed_by_id", "signed_on")
}
PREPARE_ACTIVITY = "trainlink_improvement_plan.mail_activity_type_pip_prepare"
CHECKIN_ACTIVITY = "trainlink_improvement_plan.mail_activity_type_pip_checkin"
ESCALATION_ACTIVITY = "trainlink_improvement_plan.mail_activity_type_pip_escalation"


class TrainlinkImprovementPlan(models.Model):
    """A performance improvement plan (绩效改进计划), DOMAIN section 9.

    Seen by the employee, the managers up their chain and HR officers only
    (record rules). The employee reads it and writes nothing on it but their
    signature (through the signing wizard), their progress reports (follow-up
    lines) and their own request; stages, signatures, outcomes and triggers
    change through the buttons, which check who may."""

    _name = "trainlink.improvement.plan"
    _description = "Improvement Plan"
    _inherit = ["mail.thread", "mail.activity.mixin", "trainlink.guarded.mixin"]
    _order = "closed, date_end, id desc"

    _trainlink_guarded_fields = frozenset(
        {
            "stage",
            "closed",
            "closed_date",
            "outcome",
            "decision",
            "trigger",
            "trigger_key",
            "evidence",
            "employee_signature",
            "employee_signed_name",
            "employee_signed_by_id",
            "employee_signed_on",
            "manager_signature",
            "manager_signed_name",
            "manager_signed_by_id",
            "manager_signed_on",
            "signed_version",
            "last_checkin_week",
            "escalated",
        }
    )
    # What managers and HR type: never on a plan about themselves.
    _trainlink_personal_fields = frozenset(
        {
            "name",
            "employee_id",
            "manager_id",
            "kpi_id",
            "problem",
            "gap_start",
            "gap_end",
            "date_start",
            "date_end",
            "review_date",
            "early_close_reason",
            "outcome_note",
            "new_end_date",
        }
    )

    name = fields.Char(required=True, tracking=True)
    employee_id = fields.Many2one(
        "hr.employee",
        required=True,
        index=True,
        tracking=True,
        domain="[('company_id', 'in', [company_id, False])]",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    department_id = fields.Many2one(
        "hr.department",
        compute="_compute_department_id",
        store=True,
        index=True,
    )
    manager_id = fields.Many2one(
        "hr.employee",
        compute="_compute_manager_id",
        store=True,
        readonly=False,
        tracking=True,
        help="The manager who signs the plan and holds the weekly check-ins: "
        "the employee's manager when the plan opens.",
    )
    trigger = fields.Selection(
        TRIGGERS, required=True, default="manual", readonly=True, tracking=True
    )
    trigger_key = fields.Char(
        readonly=True,
        index=True,
        copy=False,
        help="The cause the plan answers (a target, a training, a KPI's "
        "decline, a job): a trigger opens one plan per employee and cause.",
    )
    kpi_id = fields.Many2one("trainlink.kpi", string="KPI", tracking=True)
    evidence = fields.Html(
        readonly=True,
        sanitize=True,
        copy=False,
        help="What the trigger found in the data when it opened the plan.",
    )
    stage = fields.Selection(
        STAGES, required=True, default="problem", tracking=True, index=True
    )
    closed = fields.Boolean(readonly=True, copy=False, index=True)
    closed_date = fields.Date(readonly=True, copy=False)
    # 1. Problem and goals
    problem = fields.Text(
        string="Problem Statement",
        help="The gap, from the data: which KPI, which period, how far off.",
    )
    gap_start = fields.Date(string="Analysed Period Start")
    gap_end = fields.Date(string="Analysed Period End")
    gap_ids = fields.One2many(
        "trainlink.improvement.gap", "plan_id", string="Gaps from Data"
    )
    goal_ids = fields.One2many("trainlink.improvement.goal", "plan_id", string="Goals")
    date_start = fields.Date(
        string="Plan Start",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
    )
    date_end = fields.Date(string="Plan End", required=True, tracking=True)
    # 2-4. Causes, actions, resources
    cause_ids = fields.One2many(
        "trainlink.improvement.cause", "plan_id", string="Root Causes"
    )
    action_ids = fields.One2many(
        "trainlink.improvement.action", "plan_id", string="Actions"
    )
    resource_ids = fields.One2many(
        "trainlink.improvement.resource", "plan_id", string="Resources"
    )
    # 5. Review and signatures
    review_date = fields.Date(string="Review Meeting", tracking=True)
    employee_signature = fields.Binary(readonly=True, copy=False, attachment=False)
    employee_signed_name = fields.Char(readonly=True, copy=False)
    employee_signed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    employee_signed_on = fields.Datetime(readonly=True, copy=False)
    manager_signature = fields.Binary(readonly=True, copy=False, attachment=False)
    manager_signed_name = fields.Char(readonly=True, copy=False)
    manager_signed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    manager_signed_on = fields.Datetime(readonly=True, copy=False)
    signed_version = fields.Integer(
        readonly=True,
        copy=False,
        help="How many times both have signed the plan. Each signed version "
        "is kept in the chatter.",
    )
    # 6. Follow-up
    followup_ids = fields.One2many(
        "trainlink.improvement.followup", "plan_id", string="Follow-up Log"
    )
    last_checkin_week = fields.Date(
        readonly=True,
        copy=False,
        help="Monday of the last week a check-in activity was given to the manager.",
    )
    progress_status = fields.Selection(
        [
            ("on_track", "On Track"),
            ("at_risk", "At Risk"),
            ("no_data", "No Data Yet"),
        ],
        compute="_compute_progress_status",
        compute_sudo=True,
    )
    # 7. Evaluation
    early_close_reason = fields.Text(
        help="Needed to evaluate the plan before its end date.",
    )
    outcome = fields.Selection(OUTCOMES, readonly=True, copy=False, tracking=True)
    outcome_note = fields.Text(
        string="Reason / Analysis",
        help="Why the goals were not (fully) met: needed to extend, adjust or "
        "escalate the plan.",
    )
    new_end_date = fields.Date(help="The plan's new end date when it is extended.")
    decision = fields.Selection(DECISIONS, readonly=True, copy=False, tracking=True)
    escalated = fields.Boolean(readonly=True, copy=False)
    entry_ids = fields.One2many(
        "trainlink.performance.entry", "plan_id", string="Performance File Entries"
    )
    # For the buttons a reader sees.
    is_my_plan = fields.Boolean(compute="_compute_reader_role")
    can_manage = fields.Boolean(compute="_compute_reader_role")
    can_sign_as_manager = fields.Boolean(compute="_compute_reader_role")
    goal_count = fields.Integer(compute="_compute_counts")
    action_count = fields.Integer(compute="_compute_counts")

    # ---------------------------------------------------------- computes --

    @api.depends("employee_id")
    def _compute_department_id(self):
        for plan in self:
            plan.department_id = plan.employee_id.sudo().department_id

    @api.depends("employee_id")
    def _compute_manager_id(self):
        for plan in self:
            plan.manager_id = plan.employee_id.sudo()._trainlink_manager_employee()

    def _compute_reader_role(self):
        user = self.env.user
        for plan in self:
            plan.is_my_plan = user in plan.sudo().employee_id.user_id
            plan.can_manage = plan._can_manage()
            plan.can_sign_as_manager = plan._may_sign_as_manager()

    @api.depends("goal_ids", "action_ids")
    def _compute_counts(self):
        for plan in self:
            plan.goal_count = len(plan.goal_ids)
            plan.action_count = len(plan.action_ids)

    @api.depends("goal_ids.progress_status")
    def _compute_progress_status(self):
        for plan in self:
            statuses = set(plan.goal_ids.mapped("progress_status"))
            if "at_risk" in statuses:
                plan.progress_status = "at_risk"
            elif statuses and statuses <= {"on_track", "met"}:
                plan.progress_status = "on_track"
            else:
                plan.progress_status = "no_data"

    # -------------------------------------------------------- constraints --

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for plan in self:
            if plan.date_end and plan.date_start and plan.date_end <= plan.date_start:
                raise ValidationError(
                    _(
                        "The plan %(plan)s must end after it starts.",
                        plan=plan.display_name,
                    )
                )

    @api.constrains("employee_id")
    def _check_employee(self):
        for plan in self:
            employee = plan.employee_id.sudo()
            if not employee.active:
                raise ValidationError(
                    _(
                        "%(employee)s is archived: no improvement plan can be "
                        "opened for them.",
                        employee=employee.name,
                    )
                )
            if employee.company_id and employee.company_id != plan.company_id:
                raise ValidationError(
                    _("An improvement plan belongs to the employee's company.")
                )

    # ------------------------------------------------------------- access --

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("date_end"):
                start = fields.Date.to_date(
                    vals.get("date_start") or fields.Date.context_today(self)
                )
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id
                )
                vals["date_end"] = start + relativedelta(
                    days=company.sudo().trainlink_pip_duration_days or 90
                )
            if vals.get("employee_id") and not vals.get("company_id"):
                employee = self.env["hr.employee"].sudo().browse(vals["employee_id"])
                vals["company_id"] = (employee.company_id or self.env.company).id
        plans = super().create(vals_list)
        if not self.env.su:
            for plan in plans:
                plan._check_can_manage()
        return plans

    def write(self, vals):
        if not self.env.su:
            for plan in self:
                plan._check_can_manage()
                plan._check_open()
            if "employee_id" in vals and self.filtered(
                lambda p: p.stage not in ("problem",) or p.signed_version
            ):
                raise UserError(
                    _("The employee of a plan changes only in its first stage.")
                )
        result = super().write(vals)
        if not self.env.su and "employee_id" in vals:
            # Nor is a plan handed to someone the writer does not manage.
            self._check_can_manage()
        return result

    def unlink(self):
        if not self.env.su:
            for plan in self:
                plan._check_can_manage()
                if plan.signed_version or plan.closed:
                    raise UserError(
                        _(
                            "%(plan)s was signed: it is kept for the employee's "
                            "file. Close it instead.",
                            plan=plan.display_name,
                        )
                    )
        return super().unlink()

    def _chain_manager_users(self):
        """Users of the managers up the employee's chain."""
        self.ensure_one()
        users = self.env["res.users"]
        manager = self.sudo().employee_id.parent_id
        seen = self.env["hr.employee"]
        while manager and manager not in seen:
            seen |= manager
            users |= manager.user_id
            manager = manager.parent_id
        return users

    def _can_manage(self):
        """HR officers and the managers up the chain manage a plan, never
        their own."""
        self.ensure_one()
        user = self.env.user
        if self.env.su:
            return True
        if user in self.sudo().employee_id.user_id:
            return False
        return user.has_group(HR_GROUP) or user in self._chain_manager_users()

    def _check_can_manage(self):
        for plan in self:
            if not plan._can_manage():
                raise AccessError(
                    _(
                        "Only HR officers and the managers of %(employee)s manage "
                        "this improvement plan; nobody manages their own.",
                        employee=plan.sudo().employee_id.name,
                    )
                )

    def _may_sign_as_manager(self):
        self.ensure_one()
        user = self.env.user
        if user in self.sudo().employee_id.user_id:
            return False
        return user in (self.sudo().manager_id.user_id | self._chain_manager_users())

    def _check_open(self):
        for plan in self:
            if plan.closed:
                raise UserError(
                    _(
                        "%(plan)s is closed: it no longer changes.",
                        plan=plan.display_name,
                    )
                )

    # ------------------------------------------------------------- stages --

    def _missing_for_stage(self):
        """What the current stage still lacks before the plan may leave it, as
        sentences (empty when complete)."""
        self.ensure_one()
        missing = []
        stage = self.stage
        if stage == "problem":
            if not (self.problem or "").strip():
                missing.append(_("a problem statement"))
            if not self.goal_ids:
                missing.append(_("at least one goal"))
        elif stage == "cause":
            if not self.cause_ids:
                missing.append(_("at least one root cause"))
            for cause in self.cause_ids:
                blank = cause._blank_5w2h()
                if blank:
                    missing.append(
                        _(
                            "the answers %(questions)s of the cause %(cause)s",
                            questions=format_list(self.env, blank),
                            cause=cause.display_name,
                        )
                    )
        elif stage == "action":
            if not self.action_ids:
                missing.append(_("at least one action"))
        elif stage == "resource":
            if not self.resource_ids:
                missing.append(_("at least one resource and who provides it"))
        elif stage == "review":
            missing.extend(self._missing_to_sign())
            if not self.employee_signed_on:
                missing.append(_("the employee's signature"))
            if not self.manager_signed_on:
                missing.append(_("the manager's signature"))
        return missing

    def _missing_to_sign(self):
        """What a plan needs before anybody signs it."""
        self.ensure_one()
        missing = []
        if not self.goal_ids:
            missing.append(_("at least one goal"))
        if not self.action_ids:
            missing.append(_("at least one action"))
        if not self.review_date:
            missing.append(_("the date of the review meeting"))
        return missing

    def action_next_stage(self):
        self._check_can_manage()
        self._check_open()
        for plan in self:
            if plan.stage in ("follow_up", "evaluation"):
                raise UserError(
                    _("A running plan moves on through its evaluation: use Evaluate.")
                )
            missing = plan._missing_for_stage()
            if missing:
                raise UserError(
                    _(
                        "%(plan)s cannot leave the stage %(stage)s yet. Missing: "
                        "%(missing)s.",
                        plan=plan.display_name,
                        stage=plan._stage_label(),
                        missing="; ".join(missing),
                    )
                )
            plan.sudo().stage = STAGE_ORDER[STAGE_ORDER.index(plan.stage) + 1]
        return True

    def action_previous_stage(self):
        self._check_can_manage()
        self._check_open()
        for plan in self:
            if plan.stage not in DRAFT_STAGES or plan.stage == "problem":
                raise UserError(
                    _("Only a plan that is not signed yet goes back a stage.")
                )
            plan.sudo().stage = STAGE_ORDER[STAGE_ORDER.index(plan.stage) - 1]
        return True

    def _stage_label(self):
        return dict(self._fields["stage"]._description_selection(self.env))[self.stage]

    # --------------------------------------------------------- signatures --

    def action_open_sign_wizard(self):
        self.ensure_one()
        role = self.env.context.get("sign_role", "employee")
        return {
            "type": "ir.actions.act_window",
            "name": _("Sign the Improvement Plan"),
            "res_model": "trainlink.improvement.plan.sign",
            "view_mode": "form",
            "target": "new",
            "context": {"default_plan_id": self.id, "default_role": role},
        }

    def _sign(self, role, signature, name):
        """Record the employee's or the manager's signature. The employee signs
        their own plan only; the manager signs for the manager only. When both
        have signed, the signed version goes to the chatter and the plan runs."""
        self.ensure_one()
        self._check_open()
        user = self.env.user
        plan = self.sudo()
        if role == "employee":
            if user not in plan.employee_id.user_id:
                raise AccessError(
                    _(
                        "Only %(employee)s signs as the employee of this plan.",
                        employee=plan.employee_id.name,
                    )
                )
        elif role == "manager":
            if not self._may_sign_as_manager():
                raise AccessError(
                    _(
                        "Only a manager of %(employee)s signs as the manager; "
                        "nobody signs for the employee.",
                        employee=plan.employee_id.name,
                    )
                )
        else:
            raise UserError(_("Unknown signature role."))
        if plan.stage != "review":
            raise UserError(
                _("The plan is signed in its review stage, after the review meeting.")
            )
        missing = plan._missing_to_sign()
        if missing:
            raise UserError(
                _(
                    "The plan cannot be signed yet. Missing: %(missing)s.",
                    missing="; ".join(missing),
                )
            )
        if not signature:
            raise UserError(_("Draw your signature before confirming."))
        if not (name or "").strip():
            raise UserError(_("Type your name under the signature."))
        plan.write(
            {
                f"{role}_signature": signature,
                f"{role}_signed_name": name.strip(),
                f"{role}_signed_by_id": user.id,
                f"{role}_signed_on": fields.Datetime.now(),
            }
        )
        plan.message_post(
            body=_(
                "Signed by %(name)s as %(role)s.",
                name=name.strip(),
                role=_("employee") if role == "employee" else _("manager"),
            )
        )
        if plan.employee_signed_on and plan.manager_signed_on:
            plan._start()
        return True

    def _start(self):
        """Both signed: keep the signed version and run the plan."""
        for plan in self.sudo():
            version = plan.signed_version + 1
            plan.write({"signed_version": version, "stage": "follow_up"})
            plan.message_post(body=plan._signed_version_html(version))
            plan._schedule_weekly_checkin()

    def _signed_version_html(self, version):
        """The goals, actions and both signatures as they were signed."""
        self.ensure_one()
        goals = Markup("").join(
            Markup("<li>%s</li>") % goal._summary() for goal in self.goal_ids
        )
        actions = Markup("").join(
            Markup("<li>%s</li>") % action._summary() for action in self.action_ids
        )
        return Markup(
            "<p><b>%s</b></p><p>%s</p><ul>%s</ul><p>%s</p><ul>%s</ul><p>%s</p>"
        ) % (
            _("Signed version %(version)s", version=version),
            _("Goals"),
            goals,
            _("Actions"),
            actions,
            _(
                "Signed by %(employee)s (employee) on %(employee_date)s and "
                "%(manager)s (manager) on %(manager_date)s.",
                employee=self.employee_signed_name,
                employee_date=fields.Datetime.to_string(self.employee_signed_on),
                manager=self.manager_signed_name,
                manager_date=fields.Datetime.to_string(self.manager_signed_on),
            ),
        )

    def _content_changed(self):
        """Goals or actions changed: a signed plan needs both signatures again
        (the signed version stays in the chatter) and waits in its review
        stage until it has them."""
        for plan in self.sudo():
            if not (plan.employee_signed_on or plan.manager_signed_on):
                continue
            plan.write(
                {
                    **NO_SIGNATURES,
                    "stage": "review"
                    if plan.stage in ("follow_up", "review")
                    else plan.stage,
                }
            )
            plan.message_post(
                body=_(
                    "Goals or actions changed after signature (version %(version)s "
                    "above): the plan needs the signatures of both again.",
                    version=plan.signed_version,
                )
            )

    # ---------------------------------------------------------- follow-up --

    def action_report_progress(self):
        return self._open_followup("progress")

    def action_record_checkin(self):
        return self._open_followup("checkin")

    def _open_followup(self, kind):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Progress Report") if kind == "progress" else _("Check-in"),
            "res_model": "trainlink.improvement.followup",
            "view_mode": "form",
            "target": "new",
            "context": {"default_plan_id": self.id, "default_kind": kind},
        }

    @api.model
    def _cron_weekly_checkins(self):
        self.search(
            [("stage", "=", "follow_up"), ("closed", "=", False)]
        )._schedule_weekly_checkin()

    def _schedule_weekly_checkin(self):
        """One check-in activity for the manager per running plan and week."""
        today = fields.Date.context_today(self)
        monday = today - relativedelta(days=today.weekday())
        for plan in self.sudo():
            if plan.stage != "follow_up" or plan.closed:
                continue
            if plan.last_checkin_week == monday:
                continue
            user = plan._manager_user()
            plan.last_checkin_week = monday
            if not user:
                continue
            plan.with_context(lang=user.lang).activity_schedule(
                CHECKIN_ACTIVITY,
                date_deadline=min(monday + relativedelta(days=4), plan.date_end),
                summary=_("Weekly check-in: %(plan)s", plan=plan.name),
                user_id=user.id,
            )

    def _manager_user(self):
        self.ensure_one()
        plan = self.sudo()
        candidates = (
            plan.manager_id.user_id,
            plan.employee_id.parent_id.user_id,
            plan.employee_id.department_id.manager_id.user_id,
        )
        for user in candidates:
            if user and user not in plan.employee_id.user_id:
                return user
        return self.env["res.users"]

    # --------------------------------------------------------- evaluation --

    def action_evaluate(self):
        """Measure each goal on the data and state the outcome. Before the
        end date only with an early-close reason; never without data."""
        self._check_can_manage()
        self._check_open()
        today = fields.Date.context_today(self)
        for plan in self:
            if plan.stage != "follow_up":
                raise UserError(_("Only a running plan is evaluated."))
            if today < plan.date_end and not (plan.early_close_reason or "").strip():
                raise UserError(
                    _(
                        "%(plan)s runs until %(end)s. To evaluate it earlier, give "
                        "the reason for closing it early.",
                        plan=plan.display_name,
                        end=plan.date_end,
                    )
                )
            results = plan.goal_ids._evaluation()
            lacking = [goal for goal, result in results.items() if result is None]
            if lacking:
                raise UserError(
                    _(
                        "Not enough data to evaluate: %(goals)s. Wait for the KPI "
                        "values of the goal's window or, for a free-text goal, "
                        "enter the actual value.",
                        goals="; ".join(goal._missing_data_text() for goal in lacking),
                    )
                )
            for goal, (actual, result) in results.items():
                goal.sudo().write({"actual_value": actual, "result": result})
            outcomes = {result for _actual, result in results.values()}
            outcome = (
                "met"
                if outcomes == {"met"}
                else "not_met"
                if outcomes == {"not_met"}
                else "partly"
            )
            plan.sudo().write({"stage": "evaluation", "outcome": outcome})
            if today < plan.date_end:
                plan.message_post(
                    body=_(
                        "Closed early on %(date)s: %(reason)s",
                        date=today,
                        reason=plan.early_close_reason,
                    )
                )
        return True

    def action_record_met(self):
        """Goals met: a dated entry in the employee's performance file."""
        self._check_can_manage()
        self._check_open()
        for plan in self:
            plan._check_evaluated()
            if plan.outcome != "met":
                raise UserError(
                    _("Only a plan whose goals were all met is recorded as met.")
                )
            plan._close("recorded")
            self.env["trainlink.performance.entry"].sudo().create(
                {
                    "employee_id": plan.employee_id.id,
                    "plan_id": plan.id,
                    "date": plan.closed_date,
                    "name": _("Improvement plan met: %(plan)s", plan=plan.name),
                }
            )
        return True

    def action_extend(self):
        self._check_decision()
        for plan in self:
            if not plan.new_end_date or plan.new_end_date <= plan.date_end:
                raise UserError(
                    _(
                        "Give a new end date after %(end)s to extend the plan.",
                        end=plan.date_end,
                    )
                )
            old_end = plan.date_end
            plan.sudo().write(
                {
                    "date_end": plan.new_end_date,
                    "new_end_date": False,
                    "stage": "follow_up",
                    "decision": "extended",
                    "outcome": False,
                    "early_close_reason": False,
                }
            )
            plan.message_post(
                body=_(
                    "Goals not met (%(reason)s): plan extended from %(old)s to "
                    "%(new)s.",
                    reason=plan.outcome_note,
                    old=old_end,
                    new=plan.date_end,
                )
            )
        return True

    def action_adjust(self):
        """Back to the actions: the adjusted plan is signed again."""
        self._check_decision()
        for plan in self:
            plan.message_post(
                body=_(
                    "Goals not met (%(reason)s): plan adjusted; it needs new "
                    "signatures of both.",
                    reason=plan.outcome_note,
                )
            )
            plan.sudo().write(
                {
                    "stage": "action",
                    "decision": "adjusted",
                    "outcome": False,
                    "early_close_reason": False,
                    **NO_SIGNATURES,
                }
            )
        return True

    def action_escalate(self):
        self._check_decision()
        for plan in self:
            plan._close("escalated")
            plan.sudo().escalated = True
            hr_user = plan.company_id.sudo().trainlink_pip_escalation_user_id
            if hr_user and hr_user not in plan.sudo().employee_id.user_id:
                plan.sudo().with_context(lang=hr_user.lang).activity_schedule(
                    ESCALATION_ACTIVITY,
                    summary=_("Escalated improvement plan: %(plan)s", plan=plan.name),
                    note=plan.outcome_note,
                    user_id=hr_user.id,
                )
            plan.message_post(
                body=_(
                    "Goals not met (%(reason)s): escalated to HR.",
                    reason=plan.outcome_note,
                )
            )
        return True

    def _check_decision(self):
        self._check_can_manage()
        self._check_open()
        for plan in self:
            plan._check_evaluated()
            if plan.outcome == "met":
                raise UserError(
                    _("All goals were met: record the result in the performance file.")
                )
            if not (plan.outcome_note or "").strip():
                raise UserError(_("Give the reason why the goals were not met first."))

    def _check_evaluated(self):
        self.ensure_one()
        if self.stage != "evaluation" or not self.outcome:
            raise UserError(_("Evaluate the plan first."))

    def _close(self, decision):
        self.sudo().write(
            {
                "closed": True,
                "closed_date": fields.Date.context_today(self),
                "decision": decision,
            }
        )
        self.sudo().activity_ids.unlink()

    def action_print(self):
        return self.env.ref(
            "trainlink_improvement_plan.action_report_improvement_plan"
        ).report_action(self)

    # ------------------------------------------------------------- triggers --

    @api.model
    def _open_for_trigger(self, employee, trigger, key, values, evidence):
        """Open a draft plan for the employee and cause, with its evidence,
        and give the manager an activity to prepare it.

        Once per employee and cause: a plan that answered the same key (open
        or closed) is returned as it is; an open plan about the same KPI gets
        the new evidence in its chatter instead of a second plan. An archived
        employee gets no plan (UserError). Runs as superuser."""
        employee = employee.sudo()
        if not employee.active:
            raise UserError(
                _(
                    "%(employee)s is archived: no improvement plan can be opened "
                    "for them.",
                    employee=employee.name,
                )
            )
        Plan = self.sudo().with_context(active_test=False)
        if key:
            existing = Plan.search(
                [("employee_id", "=", employee.id), ("trigger_key", "=", key)], limit=1
            )
            if existing:
                return existing
        kpi_id = values.get("kpi_id")
        same_subject = [("employee_id", "=", employee.id), ("closed", "=", False)]
        if kpi_id:
            same_subject.append(("kpi_id", "=", kpi_id))
        else:
            same_subject.append(("trigger", "=", trigger))
        open_plan = Plan.search(same_subject, limit=1)
        if open_plan:
            open_plan.message_post(body=evidence)
            return open_plan
        plan = Plan.create(
            {
                "employee_id": employee.id,
                "company_id": (employee.company_id or self.env.company).id,
                "trigger": trigger,
                "trigger_key": key,
                "evidence": evidence,
                **values,
            }
        )
        if plan.gap_start and plan.gap_end:
            plan._fill_gaps()
        plan._notify_manager_to_prepare()
        return plan

    def _notify_manager_to_prepare(self):
        for plan in self.sudo():
            user = plan._manager_user()
            if not user:
                _logger.info("Improvement plan %s: no manager to prepare it", plan.id)
                continue
            plan.with_context(lang=user.lang).activity_schedule(
                PREPARE_ACTIVITY,
                summary=_("Prepare the improvement plan: %(plan)s", plan=plan.name),
                user_id=user.id,
            )

    def action_fill_gaps(self):
        self._check_can_manage()
        self._check_open()
        for plan in self:
            if not (plan.gap_start and plan.gap_end):
                raise UserError(_("Set the analysed period first."))
            plan.sudo()._fill_gaps()
        return True

    def _fill_gaps(self):
        """Replace the gap lines by the data of the analysed period: each
        agreed target of the employee in the period, and the plan's KPI
        against the department's mean."""
        self.ensure_one()
        Target = self.env["trainlink.kpi.target"].sudo()
        targets = Target.search(
            [
                ("level", "=", "employee"),
                ("employee_id", "=", self.employee_id.id),
                ("state", "in", ("agreed", "closed")),
                ("period_start", ">=", self.gap_start),
                ("period_end", "<=", self.gap_end),
            ],
            order="period_start, kpi_id",
        )
        lines = [
            {
                "kpi_id": target.kpi_id.id,
                "period_start": target.period_start,
                "period_end": target.period_end,
                "target_id": target.id,
            }
            for target in targets
        ]
        kpis = targets.kpi_id | self.kpi_id
        for kpi in kpis:
            if kpi not in targets.kpi_id:
                lines.append(
                    {
                        "kpi_id": kpi.id,
                        "period_start": self.gap_start,
                        "period_end": self.gap_end,
                    }
                )
        self.gap_ids.unlink()
        self.write({"gap_ids": [fields.Command.create(line) for line in lines]})
        self.gap_ids._compute_figures()

    @api.model
    def _cron_detect_triggers(self):
        self._detect_missed_targets()
        self._detect_declines()

    @api.model
    def _detect_missed_targets(self, employees=None):
        """Agreed employee targets of a closed period (ended within the last
        three months) whose achievement is below the company's threshold."""
        today = fields.Date.context_today(self)
        domain = [
            ("level", "=", "employee"),
            ("state", "in", ("agreed", "closed")),
            ("period_end", "<", today),
            ("period_end", ">=", today - relativedelta(months=3)),
            ("employee_id.active", "=", True),
        ]
        if employees is not None:
            domain.append(("employee_id", "in", employees.ids))
        plans = self.browse()
        for target in self.env["trainlink.kpi.target"].sudo().search(domain):
            threshold = target.company_id.trainlink_pip_target_threshold
            if not target.has_actual or target.achievement >= threshold:
                continue
            plans |= self._open_for_trigger(
                target.employee_id,
                "target_missed",
                f"target:{target.id}",
                target._trainlink_plan_values(),
                target._trainlink_plan_evidence(threshold),
            )
        return plans

    @api.model
    def _detect_declines(self, employees=None):
        """The same KPI worse in each of the employee's last two closed
        periods than in the one before, by at least the company's minimum
        decline each time."""
        today = fields.Date.context_today(self)
        domain = [
            ("period_end", "<", today),
            ("period_start", ">=", today - relativedelta(months=13)),
            ("employee_id.active", "=", True),
        ]
        if employees is not None:
            domain.append(("employee_id", "in", employees.ids))
        values = self.env["trainlink.kpi.value"].sudo().search(domain)
        series = {}
        for value in values:
            key = (value.employee_id, value.kpi_id, value.period_type)
            period = (value.period_start, value.period_end)
            series.setdefault(key, {}).setdefault(period, []).append(value)
        plans = self.browse()
        for (employee, kpi, _period_type), periods in series.items():
            last = sorted(periods)[-3:]
            if len(last) < 3 or not all(
                later[0] == earlier[1] + relativedelta(days=1)
                for earlier, later in zip(last, last[1:], strict=False)
            ):
                continue
            figures = [combine(kpi, periods[period]) for period in last]
            minimum = employee.company_id.trainlink_pip_decline_min or 0.0
            if not all(
                kpi._trainlink_declined(before, after, minimum)
                for before, after in zip(figures, figures[1:], strict=False)
            ):
                continue
            steps = " → ".join(
                f"{period_label(*period)}: {format_figure(self.env, figure, kpi.unit)}"
                for period, figure in zip(last, figures, strict=True)
            )
            evidence = Markup("<p>%s</p>") % _(
                "%(kpi)s worse two periods in a row (each by at least %(minimum)s %%): "
                "%(steps)s",
                kpi=kpi.display_name,
                minimum=minimum,
                steps=steps,
            )
            plans |= self._open_for_trigger(
                employee,
                "decline",
                f"decline:{kpi.id}:{last[-1][0]}",
                {
                    "name": _("%(kpi)s declining", kpi=kpi.name),
                    "kpi_id": kpi.id,
                    "problem": _(
                        "%(kpi)s declined two periods in a row: %(steps)s.",
                        kpi=kpi.name,
                        steps=steps,
                    ),
                    "gap_start": last[-1][0],
                    "gap_end": last[-1][1],
                },
                evidence,
            )
        return plans

    @api.model
    def _request_by_employee(self, employee):
        """The employee asks for a plan for themselves."""
        employee = employee.sudo()
        if self.env.user not in employee.user_id:
            raise AccessError(
                _("You can request an improvement plan for yourself only.")
            )
        # An open request is returned as it is (no second plan).
        today = fields.Date.context_today(self)
        return self._open_for_trigger(
            employee,
            "own_request",
            f"request:{today}",
            {
                "name": _(
                    "Improvement plan requested by %(employee)s", employee=employee.name
                )
            },
            Markup("<p>%s</p>")
            % _(
                "%(employee)s asked for an improvement plan on %(date)s.",
                employee=employee.name,
                date=today,
            ),
        )
