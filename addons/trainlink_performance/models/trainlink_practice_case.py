from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

MANAGER_GROUP = "trainlink_performance.group_trainlink_manager"
OFFICER_GROUP = "trainlink_performance.group_trainlink_officer"


class TrainlinkPracticeCase(models.Model):
    _name = "trainlink.practice.case"
    _description = "Practice Case"
    _inherit = ["mail.thread", "mail.activity.mixin", "trainlink.guarded.mixin"]
    _order = "create_date desc, id desc"

    # Changed through the buttons only (submit, approve, reject, adopt).
    _trainlink_guarded_fields = frozenset(
        {"state", "approved_by_id", "approval_date", "adopted", "adoption_date"}
    )

    # What the author may write; approval and adoption are for others.
    _EMPLOYEE_FIELDS = {
        "name",
        "plan_id",
        "kpi_id",
        "outcome",
        "description",
        "measured_result",
        "measured_change",
    }

    name = fields.Char(string="Title", required=True, tracking=True)
    plan_id = fields.Many2one(
        "trainlink.application.plan",
        string="Application Plan",
        required=True,
        ondelete="cascade",
        index=True,
    )
    employee_id = fields.Many2one(related="plan_id.employee_id", store=True, index=True)
    course_id = fields.Many2one(related="plan_id.course_id", store=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    department_id = fields.Many2one(related="plan_id.department_id", store=True)
    course_kpi_ids = fields.Many2many(related="plan_id.course_id.kpi_ids")
    kpi_id = fields.Many2one(
        "trainlink.kpi", string="KPI", domain="[('id', 'in', course_kpi_ids)]"
    )
    outcome = fields.Selection(
        [("success", "Success"), ("failure", "Failure")],
        required=True,
        default="success",
    )
    description = fields.Html(help="How the course was applied and what happened.")
    measured_result = fields.Char(help="e.g. complaints -25 % in two months.")
    measured_change = fields.Float(
        string="Measured Change (%)",
        help="Measured change of the KPI in percent; negative for a decrease.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approval_date = fields.Date(readonly=True, copy=False)
    adopted = fields.Boolean(
        string="In Knowledge Base",
        readonly=True,
        copy=False,
        tracking=True,
        help="Adopted into the company knowledge base: every employee can read it.",
    )
    adoption_date = fields.Date(readonly=True, copy=False)
    reused_by_department_ids = fields.Many2many(
        "hr.department", string="Reused by Departments"
    )
    reuse_count = fields.Integer(
        string="Reused by", compute="_compute_reuse_count", store=True
    )

    @api.depends("reused_by_department_ids")
    def _compute_reuse_count(self):
        for case in self:
            case.reuse_count = len(case.reused_by_department_ids)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            for vals in vals_list:
                self._check_employee_fields(set(vals))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            self._check_employee_fields(set(vals))
            if self.filtered(lambda c: c.state not in ("draft", "rejected")):
                raise AccessError(
                    _(
                        "A submitted or approved case can no longer be changed by "
                        "its author."
                    )
                )
        return super().write(vals)

    def _check_employee_fields(self, field_names):
        forbidden = field_names - self._EMPLOYEE_FIELDS
        if forbidden:
            raise AccessError(
                _(
                    "Approval and adoption of a practice case are not yours to "
                    "change (%(fields)s).",
                    fields=", ".join(sorted(forbidden)),
                )
            )

    def action_submit(self):
        for case in self:
            if case.state not in ("draft", "rejected"):
                raise UserError(
                    _(
                        "Case %(case)s: only a draft or rejected case can be "
                        "submitted.",
                        case=case.name,
                    )
                )
        self.check_access("write")
        # The author submits through this button only: the state itself
        # stays out of what they may write.
        self.sudo().write({"state": "submitted"})
        return True

    def action_approve(self):
        self._check_reviewer()
        for case in self:
            if case.state != "submitted":
                raise UserError(
                    _(
                        "Case %(case)s: only a submitted case can be approved.",
                        case=case.name,
                    )
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
        self._check_reviewer()
        self.sudo().write({"state": "rejected", "adopted": False})
        return True

    def action_adopt(self):
        if not self.env.user.has_group(OFFICER_GROUP):
            raise AccessError(
                _("Only a training officer can adopt a case into the knowledge base.")
            )
        for case in self:
            if case.state != "approved":
                raise UserError(
                    _(
                        "Case %(case)s: only an approved case can join the knowledge "
                        "base.",
                        case=case.name,
                    )
                )
        self._trainlink_check_not_concerned()
        self.check_access("write")
        self.sudo().write(
            {"adopted": True, "adoption_date": fields.Date.context_today(self)}
        )
        return True

    def _check_reviewer(self):
        user = self.env.user
        if not user.has_group(MANAGER_GROUP):
            raise AccessError(
                _(
                    "Only the employee's manager or a training officer can review "
                    "a practice case."
                )
            )
        if self.sudo().employee_id.user_id & user:
            raise AccessError(_("You cannot review your own practice case."))
        self.check_access("write")
