from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, format_list

from .trainlink_kpi_target import AGREED_STATES

OFFICER_GROUP = "trainlink_performance.group_trainlink_officer"
MANAGER_GROUP = "trainlink_performance.group_trainlink_manager"
# A need still to be answered: a KPI gap already raised as one is not raised
# again.
OPEN_STATES = ("new", "approved", "planned")
LEVELS = [
    ("1", "1 - Very low"),
    ("2", "2 - Low"),
    ("3", "3 - Medium"),
    ("4", "4 - High"),
    ("5", "5 - Very high"),
]


class TrainlinkNeed(models.Model):
    _name = "trainlink.need"
    _description = "Training Need"
    _inherit = ["mail.thread", "mail.activity.mixin", "trainlink.guarded.mixin"]
    _order = "priority_score desc, deadline, id desc"

    # Changed through the buttons only (approve, reject, plan, reset) and by
    # the completion of the answering course (covered).
    _trainlink_guarded_fields = frozenset({"state", "approved_by_id", "approval_date"})
    _trainlink_concerned_field = "employee_ids"

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    source = fields.Selection(
        [
            ("strategy", "Company Strategy"),
            ("department_kpi", "Department KPI Gap"),
            ("competency", "Individual Competency Gap"),
        ],
        required=True,
        default="department_kpi",
        tracking=True,
    )
    department_id = fields.Many2one("hr.department", tracking=True, index=True)
    job_id = fields.Many2one("hr.job")
    employee_ids = fields.Many2many("hr.employee", string="Employees")
    kpi_id = fields.Many2one("trainlink.kpi", string="KPI", tracking=True)
    kpi_direction = fields.Selection(related="kpi_id.direction")
    current_value = fields.Float(help="Current value of the KPI.")
    target_value = fields.Float(help="Value the KPI should reach.")
    data_origin = fields.Char(
        string="Figures From",
        readonly=True,
        copy=False,
        help="The agreed target and the KPI values the current and target "
        "values were filled from.",
    )
    gap = fields.Float(
        compute="_compute_gap",
        store=True,
        help="Shortfall against the target, in the KPI's unit; positive means "
        "the KPI is worse than the target.",
    )
    gap_percent = fields.Float(string="Gap (%)", compute="_compute_gap", store=True)
    description = fields.Html()
    impact = fields.Selection(
        LEVELS,
        required=True,
        default="3",
        help="Impact of closing the gap on performance, from 1 to 5.",
    )
    urgency = fields.Selection(LEVELS, required=True, default="3")
    priority_score = fields.Integer(
        compute="_compute_priority",
        store=True,
        help="Impact x urgency, from 1 to 25.",
    )
    priority = fields.Selection(
        [
            ("low", "Low"),
            ("medium", "Medium"),
            ("high", "High"),
            ("critical", "Critical"),
        ],
        compute="_compute_priority",
        store=True,
    )
    deadline = fields.Date()
    state = fields.Selection(
        [
            ("new", "New"),
            ("approved", "Approved"),
            ("planned", "Planned"),
            ("covered", "Covered"),
            ("rejected", "Rejected"),
        ],
        default="new",
        required=True,
        tracking=True,
        copy=False,
        group_expand="_expand_states",
    )
    course_id = fields.Many2one(
        "trainlink.course",
        string="Answering Course",
        tracking=True,
        domain="[('company_id', '=', company_id)]",
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approval_date = fields.Date(readonly=True, copy=False)
    trained_count = fields.Integer(
        string="Employees Trained",
        compute="_compute_trained_count",
        help="Employees of this need who completed the answering course.",
    )

    def _expand_states(self, states, domain):
        """Kanban columns for every state, in the workflow's order."""
        return [key for key, _label in self._fields["state"].selection]

    @api.depends("current_value", "target_value", "kpi_id.direction")
    def _compute_gap(self):
        for need in self:
            if need.kpi_id.direction == "lower":
                need.gap = need.current_value - need.target_value
            else:
                need.gap = need.target_value - need.current_value
            need.gap_percent = (
                100.0 * need.gap / abs(need.target_value) if need.target_value else 0.0
            )

    @api.depends("impact", "urgency")
    def _compute_priority(self):
        for need in self:
            score = int(need.impact or 0) * int(need.urgency or 0)
            need.priority_score = score
            if score >= 20:
                need.priority = "critical"
            elif score >= 12:
                need.priority = "high"
            elif score >= 6:
                need.priority = "medium"
            else:
                need.priority = "low"

    @api.depends("course_id", "employee_ids")
    def _compute_trained_count(self):
        for need in self:
            need.trained_count = len(need._trained_employees())

    @api.constrains("course_id", "company_id")
    def _check_course_company(self):
        for need in self:
            if need.course_id and need.course_id.company_id != need.company_id:
                raise ValidationError(
                    _(
                        "Need %(need)s: the course must belong to the same company.",
                        need=need.name,
                    )
                )

    @api.onchange("kpi_id", "department_id", "employee_ids", "job_id")
    def _onchange_fill_from_data(self):
        """Offer the figures of the data while none were typed; a missing
        target or value leaves the fields for the user to fill."""
        if not self.kpi_id or self.current_value or self.target_value:
            return
        try:
            self.update(self._values_from_data())
        except UserError:
            return

    @api.model_create_multi
    def create(self, vals_list):
        needs = super().create(vals_list)
        needs._check_manager_scope()
        return needs

    def write(self, vals):
        result = super().write(vals)
        if {"department_id", "employee_ids"} & vals.keys():
            self._check_manager_scope()
        return result

    def _check_manager_scope(self):
        """A manager who is not a training officer raises needs for the
        departments they manage and for the people of their team only; the
        record rules let them see needs that merely name one of their team."""
        user = self.env.user
        if self.env.su or user.has_group(OFFICER_GROUP):
            return
        team = (
            self.env["hr.employee"]
            .sudo()
            .search([("id", "child_of", user.employee_ids.ids)])
        )
        for need in self.sudo():
            outside = need.employee_ids - team
            if outside or (
                need.department_id and not need._is_department_manager(user)
            ):
                raise AccessError(
                    _(
                        "Need %(need)s: you can raise needs for the departments "
                        "you manage and the people of your team only.",
                        need=need.name,
                    )
                )

    def _is_department_manager(self, user):
        """The user manages the need's department or one above it."""
        self.ensure_one()
        department = self.sudo().department_id
        return bool(department) and department._trainlink_managed_by(user)

    def _trained_employees(self):
        self.ensure_one()
        if not self.course_id or not self.employee_ids:
            return self.env["hr.employee"]
        attendances = (
            self.env["trainlink.attendance"]
            .sudo()
            .search(
                [
                    ("course_id", "=", self.course_id.id),
                    ("employee_id", "in", self.employee_ids.ids),
                    ("state", "=", "completed"),
                ]
            )
        )
        return attendances.employee_id

    def _can_approve(self):
        """Training officers approve any need; a manager approves the needs of
        the departments they manage, sub-departments included."""
        self.ensure_one()
        user = self.env.user
        if user.has_group(OFFICER_GROUP):
            return True
        if not user.has_group("trainlink_performance.group_trainlink_manager"):
            return False
        return self._is_department_manager(user)

    def _check_can_approve(self):
        """The manager of the need's department (or a training officer), with
        write access to it, and never a person the need names."""
        self._trainlink_check_not_concerned()
        self.check_access("write")
        for need in self:
            if not need._can_approve():
                raise AccessError(
                    _(
                        "Only the manager of the department or a training officer "
                        "can approve or reject the need %(need)s.",
                        need=need.name,
                    )
                )

    def action_approve(self):
        self._check_can_approve()
        for need in self:
            if need.state != "new":
                raise UserError(
                    _("Need %(need)s: only new needs can be approved.", need=need.name)
                )
        self.sudo().write(
            {
                "state": "approved",
                "approved_by_id": self.env.user.id,
                "approval_date": fields.Date.context_today(self),
            }
        )
        return True

    def action_reject(self):
        self._check_can_approve()
        self.sudo().write({"state": "rejected"})
        return True

    def action_plan(self):
        for need in self:
            if need.state not in ("approved", "new"):
                raise UserError(
                    _(
                        "Need %(need)s: only new or approved needs can be planned.",
                        need=need.name,
                    )
                )
            if not need.course_id:
                raise UserError(
                    _(
                        "Need %(need)s: choose the course that answers it first.",
                        need=need.name,
                    )
                )
        self._check_can_approve()
        self.sudo().write({"state": "planned"})
        return True

    def action_reset(self):
        self._check_can_approve()
        self.sudo().write(
            {"state": "new", "approved_by_id": False, "approval_date": False}
        )
        return True

    def action_enrol(self):
        self.ensure_one()
        if not self.course_id:
            raise UserError(_("Choose the course that answers this need first."))
        return {
            "type": "ir.actions.act_window",
            "name": _("Enrol in a Session"),
            "res_model": "trainlink.enrol.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_need_id": self.id,
                "default_course_id": self.course_id.id,
            },
        }

    def action_fill_from_data(self):
        """Current value from the KPI values of the latest period of the agreed
        target of the need's department, employees (or job) or company, and
        target value from that target."""
        self.check_access("write")
        for need in self:
            values = need._values_from_data()
            need.write(values)
            need.message_post(body=values["data_origin"])
        return True

    @api.model
    def action_propose_from_kpi_gaps(self):
        """Turn the KPI gaps of departments into new needs: one per department
        and KPI whose agreed target of the current (or latest) period is missed.
        Officers propose for every department, managers for the departments
        they manage; an open need for the same department and KPI is never
        raised twice. Returns the needs created, in a list."""
        self._check_can_propose()
        created = self.browse()
        for target in self._latest_department_targets():
            if self._target_missed(target) and not self._has_open_need(target):
                created |= self.create(self._proposed_need_values(target))
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "trainlink_performance.trainlink_need_action"
        )
        action.update(
            {
                "domain": [("id", "in", created.ids)],
                "view_mode": "list,form",
                "views": [(False, "list"), (False, "form")],
                "context": {},
            }
        )
        if not created:
            action["help"] = _("No department misses an agreed KPI target.")
        return action

    # ------------------------------------------------------- business --

    def _data_holder(self):
        """(level, domain on trainlink.kpi.target, label) of what the need's
        figures are measured on: its department, else its employees (or its
        job's employees), else its company."""
        self.ensure_one()
        if self.department_id:
            return (
                "department",
                [("department_id", "=", self.department_id.id)],
                self.department_id.display_name,
            )
        employees = self.employee_ids
        if not employees and self.job_id:
            employees = (
                self.env["hr.employee"]
                .sudo()
                .search(
                    [
                        ("job_id", "=", self.job_id.id),
                        ("company_id", "=", self.company_id.id),
                    ]
                )
            )
        if employees:
            return (
                "employee",
                [("employee_id", "in", employees._origin.ids)],
                format_list(self.env, employees.sudo().mapped("name")),
            )
        return "company", [], self.company_id.display_name

    def _values_from_data(self):
        """Field values of the need filled from the agreed target(s) of its
        KPI and holder and the KPI values of their latest period; a
        UserError names what is missing."""
        self.ensure_one()
        if not self.kpi_id:
            raise UserError(_("Choose the KPI of the need first."))
        kpi = self.kpi_id._origin
        level, holder_domain, holder = self._data_holder()
        Target = self.env["trainlink.kpi.target"].sudo()
        domain = [
            ("kpi_id", "=", kpi.id),
            ("company_id", "=", self.company_id._origin.id or self.env.company.id),
            ("level", "=", level),
            ("state", "in", AGREED_STATES),
            ("period_start", "<=", fields.Date.context_today(self)),
            *holder_domain,
        ]
        latest = Target.search(domain, order="period_start desc, id desc", limit=1)
        if not latest:
            raise UserError(
                _(
                    "There is no agreed %(kpi)s target for %(holder)s: agree one "
                    "before filling the need from data.",
                    kpi=kpi.display_name,
                    holder=holder,
                )
            )
        targets = Target.search(
            [
                *domain,
                ("period_type", "=", latest.period_type),
                ("period_start", "=", latest.period_start),
            ]
        )
        values = self.env["trainlink.kpi.value"].sudo()
        for target in targets:
            values |= values.search(target._kpi_value_domain())
        if not values:
            raise UserError(
                _(
                    "There is no %(kpi)s value for %(holder)s from %(start)s to "
                    "%(end)s, the period of the latest agreed target.",
                    kpi=kpi.display_name,
                    holder=holder,
                    start=latest.period_start,
                    end=latest.period_end,
                )
            )
        # Employees' targets add up as their values do: a sum KPI's targets
        # are summed, the others' averaged.
        target_value = sum(targets.mapped("target_value"))
        if kpi.aggregation != "sum":
            target_value /= len(targets)
        return {
            "current_value": values._combine(kpi.aggregation),
            "target_value": target_value,
            "data_origin": _(
                "%(count)s %(kpi)s values of %(holder)s from %(start)s to %(end)s "
                "against %(targets)s agreed target(s)",
                count=len(values),
                kpi=kpi.display_name,
                holder=holder,
                start=latest.period_start,
                end=latest.period_end,
                targets=len(targets),
            ),
        }

    @api.model
    def _check_can_propose(self):
        user = self.env.user
        if not (user.has_group(OFFICER_GROUP) or user.has_group(MANAGER_GROUP)):
            raise AccessError(
                _(
                    "Only training officers and department managers can turn "
                    "KPI gaps into training needs."
                )
            )
        self.check_access("create")

    @api.model
    def _latest_department_targets(self):
        """The agreed department target of the current (or latest started)
        period of each department and KPI the user may raise needs for."""
        targets = (
            self.env["trainlink.kpi.target"]
            .sudo()
            .search(
                [
                    ("level", "=", "department"),
                    ("company_id", "in", self.env.companies.ids),
                    ("state", "in", AGREED_STATES),
                    ("period_start", "<=", fields.Date.context_today(self)),
                ],
                order="period_start desc, id desc",
            )
        )
        officer = self.env.user.has_group(OFFICER_GROUP)
        latest = {}
        for target in targets:
            key = (target.department_id, target.kpi_id)
            if key in latest:
                continue
            # As the needs' record rule: a manager raises needs for the
            # departments they manage and those right below them.
            department = target.department_id
            managers = (
                department.manager_id.user_id | department.parent_id.manager_id.user_id
            )
            if officer or self.env.user in managers:
                latest[key] = target
        return list(latest.values())

    @api.model
    def _target_missed(self, target):
        """The target's actual is worse than its value, in the KPI's
        direction; a period without data misses nothing."""
        actual, has_actual = target._actual()
        if not has_actual:
            return False
        worse = -1 if target.kpi_id.direction != "lower" else 1
        return float_compare(actual, target.target_value, precision_digits=6) == worse

    @api.model
    def _has_open_need(self, target):
        return bool(
            self.sudo().search_count(
                [
                    ("department_id", "=", target.department_id.id),
                    ("kpi_id", "=", target.kpi_id.id),
                    ("state", "in", OPEN_STATES),
                ],
                limit=1,
            )
        )

    @api.model
    def _proposed_need_values(self, target):
        actual, _has_actual = target._actual()
        return {
            "name": _(
                "%(kpi)s gap of %(department)s",
                kpi=target.kpi_id.name,
                department=target.department_id.name,
            ),
            # New by default: the state itself is written by the buttons only.
            "source": "department_kpi",
            "company_id": target.company_id.id,
            "department_id": target.department_id.id,
            "kpi_id": target.kpi_id.id,
            "current_value": actual,
            "target_value": target.target_value,
            "data_origin": _(
                "Department target %(target)s, from %(start)s to %(end)s",
                target=target.display_name,
                start=target.period_start,
                end=target.period_end,
            ),
        }

    def _update_coverage(self):
        """Planned needs become covered once every employee named in them has
        completed the answering course."""
        for need in self.filtered(lambda n: n.state == "planned" and n.employee_ids):
            if need.employee_ids <= need._trained_employees():
                need.state = "covered"
