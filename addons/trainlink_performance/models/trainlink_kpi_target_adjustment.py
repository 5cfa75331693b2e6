from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, float_is_zero

MANAGER_GROUP = "trainlink_performance.group_trainlink_manager"
OFFICER_GROUP = "trainlink_performance.group_trainlink_officer"
OPEN_STATES = ("requested", "manager_approved")


class TrainlinkKpiTargetAdjustment(models.Model):
    _name = "trainlink.kpi.target.adjustment"
    _description = "KPI Target Adjustment"
    _order = "request_date desc, id desc"

    # Set by the request itself and the approval buttons, never by hand.
    _WORKFLOW_FIELDS = {
        "target_id",
        "old_value",
        "state",
        "requested_by_id",
        "request_date",
        "manager_approved_by_id",
        "manager_approval_date",
        "hr_approved_by_id",
        "hr_approval_date",
        "refused_by_id",
        "refusal_date",
    }

    target_id = fields.Many2one(
        "trainlink.kpi.target",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('state', '=', 'agreed')]",
    )
    company_id = fields.Many2one(related="target_id.company_id", store=True, index=True)
    kpi_id = fields.Many2one(related="target_id.kpi_id", store=True)
    level = fields.Selection(related="target_id.level", store=True)
    employee_id = fields.Many2one(
        related="target_id.employee_id", store=True, index=True
    )
    department_id = fields.Many2one(
        related="target_id.department_id", store=True, index=True
    )
    period_start = fields.Date(related="target_id.period_start")
    period_end = fields.Date(related="target_id.period_end")
    old_value = fields.Float(
        readonly=True, help="Target value when the adjustment was requested."
    )
    new_value = fields.Float(required=True)
    change_percent = fields.Float(
        string="Change (%)",
        compute="_compute_change_percent",
        help="Change from the value agreed at the start of the period.",
    )
    reason = fields.Text(required=True, help="Why the target must change.")
    state = fields.Selection(
        [
            ("requested", "Requested"),
            ("manager_approved", "Approved by Manager"),
            ("approved", "Approved"),
            ("refused", "Refused"),
        ],
        default="requested",
        required=True,
        readonly=True,
        copy=False,
    )
    requested_by_id = fields.Many2one(
        "res.users",
        string="Requested by",
        readonly=True,
        default=lambda self: self.env.user,
    )
    request_date = fields.Datetime(readonly=True, default=fields.Datetime.now)
    manager_approved_by_id = fields.Many2one(
        "res.users", string="Manager Approval by", readonly=True, copy=False
    )
    manager_approval_date = fields.Datetime(readonly=True, copy=False)
    hr_approved_by_id = fields.Many2one(
        "res.users", string="HR Approval by", readonly=True, copy=False
    )
    hr_approval_date = fields.Datetime(
        string="HR Approval Date", readonly=True, copy=False
    )
    refused_by_id = fields.Many2one(
        "res.users", string="Refused by", readonly=True, copy=False
    )
    refusal_date = fields.Datetime(readonly=True, copy=False)

    @api.depends("new_value", "target_id.agreed_value")
    def _compute_change_percent(self):
        for adjustment in self:
            base = adjustment.target_id.agreed_value
            adjustment.change_percent = (
                100.0 * (adjustment.new_value - base) / abs(base)
                if not float_is_zero(base, precision_digits=6)
                else 0.0
            )

    @api.depends("target_id", "old_value", "new_value")
    def _compute_display_name(self):
        for adjustment in self:
            adjustment.display_name = _(
                "%(target)s: %(old)s → %(new)s",
                target=adjustment.target_id.display_name,
                old=adjustment.old_value,
                new=adjustment.new_value,
            )

    @api.constrains("new_value", "target_id", "state")
    def _check_flexibility(self):
        for adjustment in self:
            if adjustment.state in OPEN_STATES:
                adjustment._check_within_flexibility()

    @api.model_create_multi
    def create(self, vals_list):
        Target = self.env["trainlink.kpi.target"]
        now = fields.Datetime.now()
        for vals in vals_list:
            request = {
                "old_value": Target.browse(vals.get("target_id")).target_value,
                "state": "requested",
                "requested_by_id": self.env.uid,
                "request_date": now,
            }
            if self.env.su:
                for name, value in request.items():
                    vals.setdefault(name, value)
            else:
                # A request starts as a request, whatever the caller sends.
                vals.update(request)
                for name in self._WORKFLOW_FIELDS - set(request) - {"target_id"}:
                    vals.pop(name, None)
        adjustments = super().create(vals_list)
        if not self.env.su:
            adjustments._check_request()
        return adjustments

    def write(self, vals):
        if not self.env.su:
            if set(vals) & self._WORKFLOW_FIELDS:
                raise AccessError(
                    _(
                        "An adjustment request moves on through its approval "
                        "buttons only."
                    )
                )
            if self.filtered(lambda a: a.state != "requested"):
                raise UserError(
                    _("An adjustment cannot be changed once the manager approved it.")
                )
        return super().write(vals)

    def unlink(self):
        if not self.env.su and self.filtered(lambda a: a.state != "requested"):
            raise UserError(
                _(
                    "Approved and refused adjustments are the log of the target: "
                    "they cannot be deleted."
                )
            )
        return super().unlink()

    # ---------------------------------------------------------- actions --

    def action_manager_approve(self):
        for adjustment in self:
            adjustment._check_state(("requested",))
            adjustment._check_manager_approver()
            adjustment._check_target_adjustable()
        self.sudo().write(
            {
                "state": "manager_approved",
                "manager_approved_by_id": self.env.uid,
                "manager_approval_date": fields.Datetime.now(),
            }
        )
        return True

    def action_hr_approve(self):
        for adjustment in self:
            adjustment._check_state(("manager_approved",))
            adjustment._check_hr_approver()
            adjustment._check_target_adjustable()
            adjustment._check_within_flexibility()
        for adjustment in self:
            adjustment.sudo().write(
                {
                    "state": "approved",
                    "old_value": adjustment.target_id.target_value,
                    "hr_approved_by_id": self.env.uid,
                    "hr_approval_date": fields.Datetime.now(),
                }
            )
            adjustment.target_id._apply_adjustment(adjustment)
        return True

    def action_refuse(self):
        is_officer = self.env.user.has_group(OFFICER_GROUP)
        for adjustment in self:
            adjustment._check_state(OPEN_STATES)
            if adjustment.state == "requested" and not is_officer:
                adjustment._check_manager_approver()
            else:
                adjustment._check_hr_approver(refusing=True)
        self.sudo().write(
            {
                "state": "refused",
                "refused_by_id": self.env.uid,
                "refusal_date": fields.Datetime.now(),
            }
        )
        return True

    # ------------------------------------------------------- business --

    def _check_state(self, states):
        self.ensure_one()
        if self.state not in states:
            raise UserError(
                _(
                    "Adjustment of %(target)s is %(state)s: it cannot take this step.",
                    target=self.target_id.display_name,
                    state=dict(self._fields["state"]._description_selection(self.env))[
                        self.state
                    ],
                )
            )

    def _check_request(self):
        for adjustment in self:
            target = adjustment.target_id
            adjustment._check_target_adjustable()
            if (
                float_compare(
                    adjustment.new_value, adjustment.old_value, precision_digits=6
                )
                == 0
            ):
                raise UserError(
                    _(
                        "The adjustment of %(target)s must change its value.",
                        target=target.display_name,
                    )
                )
            if target.sudo().adjustment_ids.filtered(
                lambda a, adjustment=adjustment: (
                    a != adjustment and a.state in OPEN_STATES
                )
            ):
                raise UserError(
                    _(
                        "Target %(target)s already has an adjustment waiting for "
                        "approval: decide on it first.",
                        target=target.display_name,
                    )
                )

    def _check_target_adjustable(self):
        self.ensure_one()
        target = self.target_id
        if target.state != "agreed":
            raise UserError(
                _(
                    "Only an agreed target is adjusted: %(target)s is not (a draft "
                    "is edited directly, a closed target is final).",
                    target=target.display_name,
                )
            )
        if fields.Date.context_today(self) > target.period_end:
            raise UserError(
                _(
                    "The period of %(target)s ended on %(end)s: its target can no "
                    "longer be adjusted.",
                    target=target.display_name,
                    end=target.period_end,
                )
            )

    def _check_within_flexibility(self):
        """The new value may differ from the value agreed at the start of the
        period by at most the company's flexibility, all adjustments of the
        period together."""
        self.ensure_one()
        target = self.target_id.sudo()
        limit = target.company_id.trainlink_target_flex_percent
        base = target.agreed_value
        change = abs(self.new_value - base)
        if float_is_zero(change, precision_digits=6):
            return
        if float_is_zero(base, precision_digits=6) or (
            float_compare(100.0 * change / abs(base), limit, precision_digits=6) > 0
        ):
            raise ValidationError(
                _(
                    "Target %(target)s was agreed at %(base)s: %(new)s is more than "
                    "the %(limit)s %% change allowed during the period. Agree a new "
                    "target for the next period instead.",
                    target=target.display_name,
                    base=base,
                    new=self.new_value,
                    limit=limit,
                )
            )

    def _check_manager_approver(self):
        """The manager of the target's holder approves first; a target nobody
        manages (a company target, an employee without manager) goes to a
        training officer."""
        self.ensure_one()
        user = self.env.user
        target = self.target_id
        managers = target._manager_users()
        if managers:
            allowed = user in managers and user.has_group(MANAGER_GROUP)
        else:
            allowed = (
                user.has_group(OFFICER_GROUP) and target.employee_id.user_id != user
            )
        if not allowed:
            raise AccessError(
                _(
                    "Adjustment of %(target)s: the manager of %(holder)s decides "
                    "first.",
                    target=target.display_name,
                    holder=target.employee_id.name
                    or target.department_id.name
                    or target.company_id.name,
                )
            )

    def _check_hr_approver(self, refusing=False):
        self.ensure_one()
        user = self.env.user
        if not user.has_group(OFFICER_GROUP):
            raise AccessError(
                _("Only a training officer (HR) gives the final decision.")
            )
        if self.target_id.employee_id.user_id == user:
            raise AccessError(
                _("You cannot decide on an adjustment of your own target.")
            )
        if not refusing and self.manager_approved_by_id == user:
            raise AccessError(
                _(
                    "You approved this adjustment as manager: another training "
                    "officer gives the HR approval."
                )
            )
