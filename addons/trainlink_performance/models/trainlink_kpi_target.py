from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare

from .trainlink_assessment_cycle import PERIOD_TYPES, period_end

MANAGER_GROUP = "trainlink_performance.group_trainlink_manager"
OFFICER_GROUP = "trainlink_performance.group_trainlink_officer"
LEVELS = [
    ("company", "Company"),
    ("department", "Department"),
    ("employee", "Employee"),
]
# Targets cascade downwards: a target's parent sits on a level above it.
LEVEL_RANK = {"company": 0, "department": 1, "employee": 2}
# States of a target whose value was agreed: it counts in the performance score.
AGREED_STATES = ("agreed", "closed")
# A lower-is-better KPI that falls to zero against a positive target beats it
# by an unbounded ratio: this is reported instead of dividing by zero.
ZERO_ACTUAL_ACHIEVEMENT = 200.0


def compute_achievement(direction, target, actual):
    """Achievement in percent of an actual against a target, 100 = on target.

    Higher-is-better KPIs score actual / target, lower-is-better ones
    target / actual. A zero target or a zero actual never divides by zero:
    the target is then either met (100) or missed (0), or, for a zero actual
    of a lower-is-better KPI, beaten (ZERO_ACTUAL_ACHIEVEMENT).
    """
    if direction == "lower":
        if float_compare(actual, 0.0, precision_digits=6) > 0:
            return max(target, 0.0) / actual * 100.0
        if float_compare(target, 0.0, precision_digits=6) > 0:
            return ZERO_ACTUAL_ACHIEVEMENT
        return 100.0
    if float_compare(target, 0.0, precision_digits=6) > 0:
        return actual / target * 100.0
    return 100.0 if float_compare(actual, target, precision_digits=6) >= 0 else 0.0


class TrainlinkKpiTarget(models.Model):
    _name = "trainlink.kpi.target"
    _description = "KPI Target"
    _inherit = ["mail.thread"]
    _order = "period_start desc, kpi_id, level, id"
    _rec_names_search = ["kpi_id", "employee_id", "department_id"]

    # Set by the state buttons only.
    _PROTECTED_FIELDS = {"state", "agreed_by_id", "agreed_date"}
    # What an agreed target is: it no longer changes by a plain write (its
    # value changes through an approved adjustment).
    _LOCKED_FIELDS = {
        "kpi_id",
        "company_id",
        "level",
        "employee_id",
        "department_id",
        "period_type",
        "period_start",
        "period_end",
        "target_value",
    }

    kpi_id = fields.Many2one(
        "trainlink.kpi",
        string="KPI",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        domain="[('company_id', '=', company_id)]",
    )
    kpi_direction = fields.Selection(related="kpi_id.direction")
    kpi_aggregation = fields.Selection(related="kpi_id.aggregation")
    kpi_unit = fields.Char(related="kpi_id.unit")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    level = fields.Selection(LEVELS, required=True, default="employee", tracking=True)
    employee_id = fields.Many2one(
        "hr.employee",
        index=True,
        ondelete="cascade",
        tracking=True,
        domain="[('company_id', '=', company_id)]",
    )
    department_id = fields.Many2one(
        "hr.department",
        compute="_compute_department_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        tracking=True,
        help="The department the target is set for; on an employee target, "
        "the employee's department.",
    )
    parent_id = fields.Many2one(
        "trainlink.kpi.target",
        string="Cascaded From",
        index=True,
        ondelete="restrict",
        domain="[('id', '!=', id), ('kpi_id', '=', kpi_id), "
        "('company_id', '=', company_id), ('level', '!=', 'employee'), "
        "('period_start', '<=', period_end), ('period_end', '>=', period_start)]",
        help="The higher-level target this one contributes to: an employee "
        "target cascades from a department target, a department target from "
        "a company target.",
    )
    child_ids = fields.One2many(
        "trainlink.kpi.target", "parent_id", string="Cascaded Targets"
    )
    child_count = fields.Integer(compute="_compute_child_count")
    period_type = fields.Selection(PERIOD_TYPES, required=True, default="quarter")
    period_start = fields.Date(required=True, index=True, tracking=True)
    period_end = fields.Date(
        compute="_compute_period_end",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
        tracking=True,
    )
    target_value = fields.Float(required=True, tracking=True, aggregator="sum")
    agreed_value = fields.Float(
        compute="_compute_agreed_value",
        help="Value agreed at the start of the period, before any adjustment: "
        "the flexibility limit applies to the change from it.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("agreed", "Agreed"), ("closed", "Closed")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    agreed_by_id = fields.Many2one(
        "res.users", string="Agreed by", readonly=True, copy=False
    )
    agreed_date = fields.Date(readonly=True, copy=False)
    note = fields.Text()
    actual_value = fields.Float(
        compute="_compute_achievement",
        help="KPI values of the period combined by the KPI's aggregation.",
    )
    has_actual = fields.Boolean(
        string="Has Actual Data",
        compute="_compute_achievement",
        help="Whether any KPI value falls inside the period.",
    )
    achievement = fields.Float(
        string="Achievement (%)",
        compute="_compute_achievement",
        help="Actual against target, 100 = on target, following the KPI's "
        "direction; 0 without data.",
    )
    adjustment_ids = fields.One2many(
        "trainlink.kpi.target.adjustment", "target_id", string="Adjustments"
    )
    adjustment_count = fields.Integer(compute="_compute_adjustment_count")

    _sql_constraints = [
        (
            "period_check",
            "CHECK(period_end >= period_start)",
            "A target period cannot end before it starts.",
        ),
    ]

    # The department of the time the target is set: it stays with the target
    # when the employee later moves, as KPI values keep theirs.
    @api.depends("level", "employee_id")
    def _compute_department_id(self):
        for target in self:
            if target.level == "employee":
                target.department_id = target.employee_id.department_id
            elif target.level == "company":
                target.department_id = False

    @api.depends("period_type", "period_start")
    def _compute_period_end(self):
        for target in self:
            if target.period_start:
                target.period_end = period_end(
                    target.period_type or "quarter", target.period_start
                )

    @api.depends("child_ids")
    def _compute_child_count(self):
        for target in self:
            target.child_count = len(target.child_ids)

    @api.depends("adjustment_ids")
    def _compute_adjustment_count(self):
        for target in self:
            target.adjustment_count = len(target.adjustment_ids)

    @api.depends("target_value", "adjustment_ids.state", "adjustment_ids.old_value")
    def _compute_agreed_value(self):
        for target in self:
            # One adjustment is open at a time: the first approved one (in
            # request order) replaced the agreed value.
            approved = target.adjustment_ids.filtered(
                lambda a: a.state == "approved"
            ).sorted("id")
            target.agreed_value = (
                approved[0].old_value if approved else target.target_value
            )

    @api.depends(
        "level",
        "kpi_id.aggregation",
        "kpi_id.direction",
        "employee_id",
        "department_id",
        "company_id",
        "period_start",
        "period_end",
        "target_value",
    )
    def _compute_achievement(self):
        for target in self:
            actual, has_actual = target._actual()
            target.actual_value = actual
            target.has_actual = has_actual
            target.achievement = (
                compute_achievement(
                    target.kpi_id.direction, target.target_value, actual
                )
                if has_actual
                else 0.0
            )

    @api.depends(
        "kpi_id", "level", "employee_id", "department_id", "company_id", "period_start"
    )
    def _compute_display_name(self):
        for target in self:
            holder = {
                "employee": target.employee_id.sudo().name,
                "department": target.department_id.sudo().name,
                "company": target.company_id.sudo().name,
            }.get(target.level)
            parts = [target.kpi_id.code, holder, target.period_start]
            target.display_name = " / ".join(str(part) for part in parts if part)

    @api.constrains("period_start", "period_end")
    def _check_period(self):
        for target in self:
            if target.period_end < target.period_start:
                raise ValidationError(
                    _(
                        "Target %(target)s: the period ends on %(end)s, before it "
                        "starts on %(start)s.",
                        target=target.display_name,
                        end=target.period_end,
                        start=target.period_start,
                    )
                )

    @api.constrains("level", "employee_id", "department_id", "company_id", "kpi_id")
    def _check_level(self):
        for target in self:
            if target.level == "employee" and not target.employee_id:
                raise ValidationError(
                    _("An employee target must name the employee it is set for.")
                )
            if target.level == "department" and (
                not target.department_id or target.employee_id
            ):
                raise ValidationError(
                    _("A department target names its department and no employee.")
                )
            if target.level == "company" and (
                target.employee_id or target.department_id
            ):
                raise ValidationError(
                    _("A company target names neither a department nor an employee.")
                )
            holder_companies = (
                target.kpi_id.company_id
                | target.employee_id.company_id
                | target.department_id.company_id
            )
            if holder_companies - target.company_id:
                raise ValidationError(
                    _(
                        "Target %(target)s: its KPI, employee and department must "
                        "belong to the target's company.",
                        target=target.display_name,
                    )
                )

    @api.constrains("parent_id", "kpi_id", "level", "period_start", "period_end")
    def _check_parent(self):
        for target in self:
            for child in target.child_ids:
                child._check_inside_parent()
            if target.parent_id:
                target._check_inside_parent()

    def _check_inside_parent(self):
        parent = self.parent_id
        if parent.kpi_id != self.kpi_id or parent.company_id != self.company_id:
            raise ValidationError(
                _(
                    "Target %(target)s cascades from a target of the same KPI and "
                    "company only.",
                    target=self.display_name,
                )
            )
        if LEVEL_RANK[parent.level] >= LEVEL_RANK[self.level]:
            raise ValidationError(
                _(
                    "Target %(target)s cascades from a target of a higher level "
                    "(employee from department, department from company).",
                    target=self.display_name,
                )
            )
        if parent.period_start > self.period_start or (
            parent.period_end < self.period_end
        ):
            raise ValidationError(
                _(
                    "Target %(target)s: its period (%(start)s - %(end)s) must lie "
                    "inside the period of the target it cascades from "
                    "(%(parent_start)s - %(parent_end)s).",
                    target=self.display_name,
                    start=self.period_start,
                    end=self.period_end,
                    parent_start=parent.period_start,
                    parent_end=parent.period_end,
                )
            )

    @api.constrains(
        "state", "level", "employee_id", "kpi_id", "period_start", "period_type"
    )
    def _check_unique_agreed(self):
        for target in self:
            if target.level != "employee" or target.state not in AGREED_STATES:
                continue
            duplicates = self.sudo().search_count(
                [
                    ("id", "!=", target.id),
                    ("level", "=", "employee"),
                    ("state", "in", AGREED_STATES),
                    ("employee_id", "=", target.employee_id.id),
                    ("kpi_id", "=", target.kpi_id.id),
                    ("period_start", "=", target.period_start),
                    ("period_type", "=", target.period_type),
                ]
            )
            if duplicates:
                raise ValidationError(
                    _(
                        "%(employee)s already has an agreed %(kpi)s target for the "
                        "%(period_type)s starting on %(start)s: adjust it instead "
                        "of agreeing a second one.",
                        employee=target.employee_id.name,
                        kpi=target.kpi_id.display_name,
                        period_type=dict(
                            target._fields["period_type"]._description_selection(
                                target.env
                            )
                        )[target.period_type],
                        start=target.period_start,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                if vals.get("state", "draft") != "draft" or any(
                    vals.get(name) for name in self._PROTECTED_FIELDS - {"state"}
                ):
                    raise AccessError(
                        _(
                            "A target starts as a draft; it is agreed with the "
                            "Agree button."
                        )
                    )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._check_plain_write(set(vals))
        return super().write(vals)

    def unlink(self):
        if not self.env.su and self.filtered(lambda t: t.state != "draft"):
            raise UserError(
                _("Only draft targets can be deleted; agreed targets are kept.")
            )
        return super().unlink()

    def _check_plain_write(self, field_names):
        """Refuse what only the buttons and approved adjustments may change."""
        if field_names & self._PROTECTED_FIELDS:
            raise AccessError(
                _(
                    "The status of a target changes through its buttons only "
                    "(Agree, Close)."
                )
            )
        locked = field_names & self._LOCKED_FIELDS
        for target in self:
            if target.state == "draft" or not locked:
                continue
            if "target_value" in locked:
                raise UserError(
                    _(
                        "Target %(target)s is agreed: its value changes only "
                        "through an adjustment request approved by the manager "
                        "and HR.",
                        target=target.display_name,
                    )
                )
            raise UserError(
                _(
                    "Target %(target)s is agreed: its KPI, holder and period can "
                    "no longer change.",
                    target=target.display_name,
                )
            )

    # ---------------------------------------------------------- actions --

    def action_agree(self):
        for target in self:
            if target.state != "draft":
                raise UserError(
                    _(
                        "Target %(target)s: only a draft target can be agreed.",
                        target=target.display_name,
                    )
                )
            target._check_can_manage()
        self.check_access("write")
        self.sudo().write(
            {
                "state": "agreed",
                "agreed_by_id": self.env.user.id,
                "agreed_date": fields.Date.context_today(self),
            }
        )
        return True

    def action_close(self):
        for target in self:
            if target.state != "agreed":
                raise UserError(
                    _(
                        "Target %(target)s: only an agreed target can be closed.",
                        target=target.display_name,
                    )
                )
            target._check_can_manage()
        self.check_access("write")
        self.sudo().write({"state": "closed"})
        return True

    def action_cascade(self):
        """Create the draft targets one level down: department targets for the
        company's top departments, employee targets for a department's
        employees. A sum is split evenly, a mean, rate or last value is passed
        on as it is. Holders that already have a target for the same KPI and
        period are skipped, so running it again adds only newcomers."""
        children = self.browse()
        for target in self:
            target._check_can_cascade()
            children |= target._cascade()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "trainlink_performance.trainlink_kpi_target_action"
        )
        action["domain"] = [("parent_id", "in", self.ids)]
        action["context"] = {}
        if not children:
            action["help"] = _("Every holder already had a target for this period.")
        return action

    def action_request_adjustment(self):
        self.ensure_one()
        if self.state != "agreed":
            raise UserError(
                _("Only an agreed target is adjusted; a draft is simply edited.")
            )
        return {
            "type": "ir.actions.act_window",
            "name": _("Request a Target Adjustment"),
            "res_model": "trainlink.kpi.target.adjustment",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_target_id": self.id,
                "default_new_value": self.target_value,
            },
        }

    def action_view_children(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "trainlink_performance.trainlink_kpi_target_action"
        )
        action["domain"] = [("parent_id", "=", self.id)]
        action["context"] = {}
        return action

    def action_view_adjustments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "trainlink_performance.trainlink_kpi_target_adjustment_action"
        )
        action["domain"] = [("target_id", "=", self.id)]
        action["context"] = {"default_target_id": self.id}
        return action

    # ------------------------------------------------------- business --

    @api.model
    def _achievement_for(self, employee, start, end):
        """(target, achievement) pairs of the employee's agreed targets that
        overlap [start, end], oldest period first.

        Closed targets count (they were agreed; closing only ends their
        period). A target without KPI data in its period comes with an
        achievement of 0.0 and has_actual False: callers should skip it rather
        than count it as missed. The targets are searched with the caller's
        access rights; the actuals are always computed from every KPI value.
        """
        if isinstance(employee, models.BaseModel):
            employee = employee.id
        targets = self.search(
            [
                ("level", "=", "employee"),
                ("employee_id", "=", employee),
                ("state", "in", AGREED_STATES),
                ("period_start", "<=", fields.Date.to_date(end)),
                ("period_end", ">=", fields.Date.to_date(start)),
            ],
            order="period_start, kpi_id, id",
        )
        return [(target, target.achievement) for target in targets]

    def _kpi_value_domain(self):
        self.ensure_one()
        domain = [
            ("kpi_id", "=", self.kpi_id._origin.id),
            ("period_start", ">=", self.period_start),
            ("period_end", "<=", self.period_end),
        ]
        if self.level == "employee":
            return [*domain, ("employee_id", "=", self.employee_id._origin.id)]
        if self.level == "department":
            department = self.department_id._origin.id
            # Values keep the department of their time; older rows without
            # one count for the employee's current department.
            return [
                *domain,
                "|",
                ("department_id", "child_of", department),
                "&",
                ("department_id", "=", False),
                ("employee_id.department_id", "child_of", department),
            ]
        return [*domain, ("company_id", "=", self.company_id._origin.id)]

    def _has_holder(self):
        self.ensure_one()
        holder = {
            "employee": self.employee_id,
            "department": self.department_id,
            "company": self.company_id,
        }.get(self.level)
        return bool(holder and self.kpi_id and self.period_start and self.period_end)

    def _actual(self):
        """(actual value, whether any KPI value was found) of the period.

        sum adds every value; mean and rate average them; last takes each
        employee's latest value (averaged over a department or company, as a
        cascaded last-value target is the same for every employee).
        """
        self.ensure_one()
        if not self._has_holder():
            return 0.0, False
        # The target's own visibility decides who sees it; its actual must not
        # depend on which KPI values the reader may see.
        values = self.env["trainlink.kpi.value"].sudo().search(self._kpi_value_domain())
        if not values:
            return 0.0, False
        return values._combine(self.kpi_id.aggregation), True

    def _manager_users(self):
        """Users who manage the holder of this target: the employee's manager
        chain and the managers of the department and its parents. Nobody
        manages their own target."""
        self.ensure_one()
        users = self.env["res.users"]
        if self.level == "employee":
            manager = self.employee_id.sudo().parent_id
            seen = self.env["hr.employee"]
            while manager and manager not in seen:
                seen |= manager
                users |= manager.user_id
                manager = manager.parent_id
        department = self.department_id.sudo()
        while department:
            users |= department.manager_id.user_id
            department = department.parent_id
        return users - self.employee_id.sudo().user_id

    def _can_manage(self):
        """Training officers manage every target but their own; a manager the
        targets of their team and departments. Company targets are for
        officers."""
        self.ensure_one()
        user = self.env.user
        if self.employee_id and self.employee_id.sudo().user_id == user:
            return False
        if user.has_group(OFFICER_GROUP):
            return True
        return user.has_group(MANAGER_GROUP) and user in self._manager_users()

    def _check_can_manage(self):
        if not self._can_manage():
            raise AccessError(
                _(
                    "Target %(target)s: only the manager of %(holder)s or a training "
                    "officer can agree or close it, and nobody their own target.",
                    target=self.display_name,
                    holder=self.employee_id.name
                    or self.department_id.name
                    or self.company_id.name,
                )
            )

    def _check_can_cascade(self):
        if self.level == "employee":
            raise UserError(
                _(
                    "Target %(target)s is an employee target: there is nothing "
                    "below it to cascade to.",
                    target=self.display_name,
                )
            )
        if self.state == "closed":
            raise UserError(
                _(
                    "Target %(target)s is closed: its period is over.",
                    target=self.display_name,
                )
            )
        self._check_can_manage()

    def _cascade_holders(self):
        """Employees (for a department target) or top-level departments (for
        a company target) that share this target."""
        self.ensure_one()
        if self.level == "department":
            return (
                self.env["hr.employee"]
                .sudo()
                .search(
                    [
                        ("department_id", "=", self.department_id.id),
                        ("company_id", "=", self.company_id.id),
                    ]
                )
            )
        return (
            self.env["hr.department"]
            .sudo()
            .search(
                [("company_id", "=", self.company_id.id), ("parent_id", "=", False)]
            )
        )

    def _cascade(self):
        self.ensure_one()
        holders = self._cascade_holders()
        if not holders:
            return self.browse()
        child_level = "employee" if self.level == "department" else "department"
        holder_field = f"{child_level}_id"
        existing = self.sudo().search(
            [
                ("level", "=", child_level),
                (holder_field, "in", holders.ids),
                ("kpi_id", "=", self.kpi_id.id),
                ("period_type", "=", self.period_type),
                ("period_start", "=", self.period_start),
            ]
        )
        value = self.target_value
        if self.kpi_id.aggregation == "sum":
            value = value / len(holders)
        vals_list = [
            {
                "kpi_id": self.kpi_id.id,
                "company_id": self.company_id.id,
                "level": child_level,
                holder_field: holder.id,
                "parent_id": self.id,
                "period_type": self.period_type,
                "period_start": self.period_start,
                "period_end": self.period_end,
                "target_value": value,
            }
            for holder in holders - existing[holder_field]
        ]
        return self.create(vals_list)

    def _apply_adjustment(self, adjustment):
        """Write an approved adjustment's value and log it on the target."""
        self.ensure_one()
        self.sudo().write({"target_value": adjustment.new_value})
        self.sudo().message_post(
            body=_(
                "Target adjusted from %(old)s to %(new)s. Requested by %(requester)s "
                "on %(requested)s, approved by %(manager)s (manager) and "
                "%(hr)s (HR). Reason: %(reason)s",
                old=adjustment.old_value,
                new=adjustment.new_value,
                requester=adjustment.requested_by_id.name,
                requested=adjustment.request_date,
                manager=adjustment.manager_approved_by_id.name,
                hr=adjustment.hr_approved_by_id.name,
                reason=adjustment.reason,
            )
        )
