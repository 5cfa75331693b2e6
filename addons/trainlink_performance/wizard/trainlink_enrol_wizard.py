from odoo import _, api, fields, models
from odoo.exceptions import UserError


class TrainlinkEnrolWizard(models.TransientModel):
    _name = "trainlink.enrol.wizard"
    _description = "Enrol Employees in a Training Session"

    course_id = fields.Many2one("trainlink.course")
    session_id = fields.Many2one(
        "trainlink.session",
        required=True,
        domain="[('state', 'in', ('draft', 'confirmed')),"
        " ('course_id', '=?', course_id)]",
    )
    department_id = fields.Many2one(
        "hr.department", help="Enrol every active employee of this department."
    )
    include_sub_departments = fields.Boolean(default=True)
    need_id = fields.Many2one(
        "trainlink.need", help="Enrol the employees named in this training need."
    )
    employee_ids = fields.Many2many(
        "hr.employee", compute="_compute_employee_ids", store=True, readonly=False
    )

    @api.depends("department_id", "include_sub_departments", "need_id")
    def _compute_employee_ids(self):
        for wizard in self:
            employees = wizard.need_id.employee_ids
            if wizard.department_id:
                operator = "child_of" if wizard.include_sub_departments else "="
                employees |= self.env["hr.employee"].search(
                    [("department_id", operator, wizard.department_id.id)]
                )
            wizard.employee_ids = employees

    def action_enrol(self):
        self.ensure_one()
        if not self.employee_ids:
            raise UserError(_("Choose at least one employee to enrol."))
        already = self.employee_ids & self.session_id.attendance_ids.employee_id
        other_company = self.employee_ids.filtered(
            lambda e: e.company_id and e.company_id != self.session_id.company_id
        )
        attendances = self.session_id._enrol_employees(
            self.employee_ids - other_company
        )
        if self.need_id and self.need_id.state in ("new", "approved"):
            if self.need_id.course_id == self.session_id.course_id:
                self.need_id.action_plan()
        message = _(
            "%(count)s employees enrolled in %(session)s.",
            count=len(attendances),
            session=self.session_id.name,
        )
        if already:
            message += " " + _(
                "Already enrolled: %(names)s.", names=", ".join(already.mapped("name"))
            )
        if other_company:
            message += " " + _(
                "Skipped, other company: %(names)s.",
                names=", ".join(other_company.mapped("name")),
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Enrolment"),
                "message": message,
                "type": "success" if attendances else "warning",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
