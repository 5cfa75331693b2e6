from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class TrainlinkAttendance(models.Model):
    _name = "trainlink.attendance"
    _description = "Training Attendance"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "session_date desc, id desc"
    _rec_name = "employee_id"

    session_id = fields.Many2one(
        "trainlink.session", required=True, ondelete="cascade", index=True
    )
    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, ondelete="cascade", tracking=True
    )
    course_id = fields.Many2one(related="session_id.course_id", store=True, index=True)
    company_id = fields.Many2one(related="session_id.company_id", store=True)
    department_id = fields.Many2one(
        "hr.department",
        compute="_compute_department_id",
        store=True,
        help="Department of the employee at enrolment.",
    )
    session_date = fields.Date(related="session_id.date_start", store=True)
    state = fields.Selection(
        [
            ("enrolled", "Enrolled"),
            ("attended", "Attended"),
            ("absent", "Absent"),
            ("completed", "Completed"),
            ("cancelled", "Cancelled"),
        ],
        default="enrolled",
        required=True,
        tracking=True,
    )
    exam_score = fields.Float(tracking=True, aggregator="avg")
    passing_score = fields.Float(related="course_id.passing_score")
    passed = fields.Boolean(compute="_compute_passed", store=True)
    hours_credited = fields.Float(aggregator="sum")
    satisfaction = fields.Selection(
        [
            ("1", "1 - Very dissatisfied"),
            ("2", "2 - Dissatisfied"),
            ("3", "3 - Neutral"),
            ("4", "4 - Satisfied"),
            ("5", "5 - Very satisfied"),
        ],
        help="Kirkpatrick level 1: how the attendee rated the session.",
    )
    completion_date = fields.Date(tracking=True)
    plan_ids = fields.One2many("trainlink.application.plan", "attendance_id")
    plan_count = fields.Integer(compute="_compute_plan_count")

    _sql_constraints = [
        (
            "session_employee_uniq",
            "unique(session_id, employee_id)",
            "This employee is already enrolled in this session.",
        ),
    ]

    @api.depends("employee_id")
    def _compute_department_id(self):
        for attendance in self:
            attendance.department_id = attendance.employee_id.department_id

    @api.depends("state", "exam_score", "course_id.passing_score")
    def _compute_passed(self):
        for attendance in self:
            attendance.passed = (
                attendance.state in ("attended", "completed")
                and attendance.exam_score >= attendance.course_id.passing_score
            )

    @api.depends("plan_ids")
    def _compute_plan_count(self):
        for attendance in self:
            attendance.plan_count = len(attendance.plan_ids)

    @api.constrains("exam_score")
    def _check_exam_score(self):
        for attendance in self:
            if not 0 <= attendance.exam_score <= 100:
                raise ValidationError(
                    _(
                        "%(employee)s: the exam score must be between 0 and 100, "
                        "not %(score)s.",
                        employee=attendance.employee_id.name,
                        score=attendance.exam_score,
                    )
                )

    @api.constrains("hours_credited")
    def _check_hours_credited(self):
        for attendance in self:
            if attendance.hours_credited < 0:
                raise ValidationError(
                    _(
                        "%(employee)s: hours credited cannot be negative.",
                        employee=attendance.employee_id.name,
                    )
                )

    @api.constrains("employee_id", "session_id")
    def _check_company(self):
        for attendance in self:
            employee_company = attendance.employee_id.company_id
            if employee_company and employee_company != attendance.company_id:
                raise ValidationError(
                    _(
                        "%(employee)s belongs to another company than the session "
                        "%(session)s.",
                        employee=attendance.employee_id.name,
                        session=attendance.session_id.name,
                    )
                )

    def _check_state(self, allowed, action_name):
        for attendance in self:
            if attendance.state not in allowed:
                raise UserError(
                    _(
                        "%(employee)s (%(session)s): cannot %(action)s an attendance "
                        "that is %(state)s.",
                        employee=attendance.employee_id.name,
                        session=attendance.session_id.name,
                        action=action_name,
                        state=dict(
                            self._fields["state"]._description_selection(self.env)
                        )[attendance.state],
                    )
                )

    def action_mark_present(self):
        self._check_state(("enrolled", "absent"), _("mark present"))
        self.write({"state": "attended"})

    def action_mark_absent(self):
        self._check_state(("enrolled", "attended"), _("mark absent"))
        self.write({"state": "absent", "hours_credited": 0.0})

    def action_complete(self):
        """Close the attendance: credit the hours, date the completion, ask the
        employee for an application plan and update the needs it answers."""
        self._check_state(("attended",), _("complete"))
        for attendance in self:
            attendance.write(
                {
                    "state": "completed",
                    "completion_date": attendance.completion_date
                    or attendance.session_id.date_end
                    or fields.Date.context_today(attendance),
                    "hours_credited": attendance.hours_credited
                    or attendance.session_id.hours,
                }
            )
        self._schedule_plan_activity()
        self._update_needs()

    def action_cancel(self):
        self._check_state(("enrolled", "attended", "absent"), _("cancel"))
        self.write({"state": "cancelled"})

    def action_create_plan(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Application Plan"),
            "res_model": "trainlink.application.plan",
            "view_mode": "form",
            "res_id": self.plan_ids[:1].id,
            "context": {"default_attendance_id": self.id},
        }

    def _schedule_plan_activity(self):
        for attendance in self:
            user = attendance.employee_id.user_id
            if not user or attendance.plan_ids:
                continue
            attendance.activity_schedule(
                "trainlink_performance.mail_activity_type_write_plan",
                date_deadline=fields.Date.add(attendance.completion_date, days=7),
                summary=_(
                    "Write your application plan for %(course)s",
                    course=attendance.course_id.name,
                ),
                user_id=user.id,
            )

    def _update_needs(self):
        needs = (
            self.env["trainlink.need"]
            .sudo()
            .search(
                [
                    ("state", "=", "planned"),
                    ("course_id", "in", self.course_id.ids),
                    ("employee_ids", "in", self.employee_id.ids),
                ]
            )
        )
        needs._update_coverage()
