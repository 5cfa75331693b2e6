from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

OFFICER_GROUP = "trainlink_performance.group_trainlink_officer"
IDP_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("agreed", "Agreed"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]
# Goal statuses that count as reached in the plan's progress.
REACHED = ("done", "late")


class TrainlinkIdp(models.Model):
    _name = "trainlink.idp"
    _description = "Individual Development Plan"
    _inherit = ["mail.thread", "mail.activity.mixin", "trainlink.guarded.mixin"]
    _order = "year desc, employee_id"

    # The state moves through the buttons, which check who may move it: the
    # employee submits, the manager or an HR officer agrees.
    _trainlink_guarded_fields = frozenset({"state", "agreed_by_id", "agreed_date"})

    def _default_employee_id(self):
        return self.env.user.employee_id

    def _default_year(self):
        return fields.Date.context_today(self).year

    employee_id = fields.Many2one(
        "hr.employee",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
        default=_default_employee_id,
    )
    company_id = fields.Many2one(
        related="employee_id.company_id", store=True, index=True
    )
    department_id = fields.Many2one(
        related="employee_id.department_id", store=True, index=True
    )
    manager_id = fields.Many2one(
        related="employee_id.parent_id", string="Manager", store=True
    )
    year = fields.Integer(required=True, default=_default_year, tracking=True)
    state = fields.Selection(
        IDP_STATES, default="draft", required=True, tracking=True, copy=False
    )
    agreed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    agreed_date = fields.Date(readonly=True, copy=False)
    goal_ids = fields.One2many("trainlink.idp.goal", "idp_id", string="Goals")
    goal_count = fields.Integer(compute="_compute_progress")
    progress = fields.Float(
        string="Progress (%)",
        compute="_compute_progress",
        help="Share of the goals reached, on time or late.",
    )
    notes = fields.Text(help="What the employee wants to learn and why.")

    _sql_constraints = [
        (
            "employee_year_uniq",
            "unique(employee_id, year)",
            "An employee has one development plan a year.",
        ),
    ]

    @api.depends("employee_id.name", "year")
    def _compute_display_name(self):
        for idp in self:
            idp.display_name = _(
                "%(employee)s - Development Plan %(year)s",
                employee=idp.employee_id.name,
                year=idp.year,
            )

    @api.depends("goal_ids.status")
    def _compute_progress(self):
        for idp in self:
            goals = idp.goal_ids
            reached = goals.filtered(lambda g: g.status in REACHED)
            idp.goal_count = len(goals)
            idp.progress = 100.0 * len(reached) / len(goals) if goals else 0.0

    @api.constrains("year")
    def _check_year(self):
        for idp in self:
            if not 2000 <= idp.year <= 2100:
                raise ValidationError(
                    _(
                        "%(year)s is not a valid year for a development plan.",
                        year=idp.year,
                    )
                )

    def write(self, vals):
        self._check_employee_may_edit()
        if "employee_id" in vals and not (
            self.env.su or self.env.user.has_group(OFFICER_GROUP)
        ):
            raise UserError(_("A development plan does not move to another employee."))
        return super().write(vals)

    def unlink(self):
        self._check_employee_may_edit()
        return super().unlink()

    def _check_employee_may_edit(self):
        """Once submitted, a plan is no longer the employee's to change."""
        if self.env.su:
            return
        user = self.env.user
        for idp in self.sudo():
            if idp.state != "draft" and user in idp.employee_id.user_id:
                raise UserError(
                    _(
                        "%(plan)s is no longer a draft: only your manager or an "
                        "HR officer changes it now.",
                        plan=idp.display_name,
                    )
                )

    def _check_state(self, allowed):
        for idp in self:
            if idp.state not in allowed:
                raise UserError(
                    _(
                        "%(plan)s is %(state)s: this step is not possible now.",
                        plan=idp.display_name,
                        state=dict(
                            self._fields["state"]._description_selection(self.env)
                        )[idp.state],
                    )
                )

    def _check_can_decide(self):
        self.check_access("read")
        for idp in self:
            idp.employee_id._trainlink_check_development_decider(idp.display_name)

    def _draft2submitted_values(self):
        return {"state": "submitted"}

    def _submitted2agreed_values(self):
        return {
            "state": "agreed",
            "agreed_by_id": self.env.user.id,
            "agreed_date": fields.Date.context_today(self),
        }

    def _agreed2done_values(self):
        return {"state": "done"}

    def _2draft_values(self):
        return {"state": "draft", "agreed_by_id": False, "agreed_date": False}

    def action_submit(self):
        """The employee (or their manager) submits the draft for agreement."""
        self.check_access("write")
        self._check_state(("draft",))
        for idp in self:
            if not idp.goal_ids:
                raise UserError(
                    _(
                        "%(plan)s has no goal: add at least one before submitting it.",
                        plan=idp.display_name,
                    )
                )
        self.sudo().write(self._draft2submitted_values())
        return True

    def action_agree(self):
        self._check_can_decide()
        self._check_state(("submitted",))
        self.sudo().write(self._submitted2agreed_values())
        return True

    def action_done(self):
        self._check_can_decide()
        self._check_state(("agreed",))
        self.sudo().write(self._agreed2done_values())
        return True

    def action_cancel(self):
        self._check_can_decide()
        self._check_state(("draft", "submitted", "agreed"))
        self.sudo().write({"state": "cancelled"})
        return True

    def action_reset_draft(self):
        """Back to draft: the employee takes back a submitted plan; the manager
        or an HR officer reopens any plan."""
        self.check_access("write")
        user = self.env.user
        own = self.filtered(lambda idp: user in idp.sudo().employee_id.user_id)
        own._check_state(("submitted",))
        (self - own)._check_can_decide()
        self._check_state(("submitted", "agreed", "done", "cancelled"))
        self.sudo().write(self._2draft_values())
        return True
