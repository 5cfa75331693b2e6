from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_list

OFFICER_GROUP = "trainlink_performance.group_trainlink_officer"


class TrainlinkSession(models.Model):
    _name = "trainlink.session"
    _description = "Training Session"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"

    name = fields.Char(
        compute="_compute_name",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    course_id = fields.Many2one(
        "trainlink.course",
        required=True,
        tracking=True,
        index=True,
        domain="[('company_id', '=', company_id)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    date_start = fields.Date(required=True, tracking=True)
    date_end = fields.Date(required=True, tracking=True)
    hours = fields.Float(
        compute="_compute_hours",
        store=True,
        readonly=False,
        help="Hours credited to each attendee who completes the session.",
    )
    trainer_type = fields.Selection(
        [("internal", "Internal Employee"), ("external", "External Trainer")],
        required=True,
        default="internal",
    )
    trainer_id = fields.Many2one("hr.employee", string="Internal Trainer")
    trainer_name = fields.Char(string="External Trainer")
    location = fields.Char()
    capacity = fields.Integer(help="Maximum number of attendees; 0 means no limit.")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("confirmed", "Confirmed"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    attendance_ids = fields.One2many("trainlink.attendance", "session_id", copy=False)
    attendee_count = fields.Integer(compute="_compute_stats", store=True)
    completed_count = fields.Integer(compute="_compute_stats", store=True)
    # Results of the attendees as a group: officers read them as they are;
    # everyone else reads the shared_* figures, withheld for small groups.
    passed_count = fields.Integer(
        compute="_compute_stats", store=True, groups=OFFICER_GROUP
    )
    pass_rate = fields.Float(
        string="Pass Rate (%)",
        compute="_compute_stats",
        store=True,
        aggregator="avg",
        groups=OFFICER_GROUP,
    )
    satisfaction_avg = fields.Float(
        string="Average Satisfaction",
        compute="_compute_stats",
        store=True,
        aggregator="avg",
        groups=OFFICER_GROUP,
    )
    shared_pass_rate = fields.Float(
        string="Group Pass Rate (%)",
        compute="_compute_shared_stats",
        help="Shown once at least the company's minimum group size of "
        "attendees completed the session, so that nobody infers another "
        "attendee's result.",
    )
    shared_satisfaction_avg = fields.Float(
        string="Group Satisfaction",
        compute="_compute_shared_stats",
        help="Shown once at least the company's minimum group size of "
        "attendees rated the session.",
    )
    shared_stats_withheld = fields.Boolean(
        string="Results Withheld",
        compute="_compute_shared_stats",
        help="Too few attendees for the group's results to be shown without "
        "revealing one person's.",
    )
    cost = fields.Monetary(
        compute="_compute_cost",
        store=True,
        help="Cost per seat of the course times the number of attendees.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")

    @api.depends("course_id.name", "date_start")
    def _compute_name(self):
        for session in self:
            if session.course_id and session.date_start:
                session.name = f"{session.course_id.name} ({session.date_start})"
            elif session.course_id:
                session.name = session.course_id.name
            elif not session.name:
                session.name = False

    @api.depends("course_id.hours")
    def _compute_hours(self):
        for session in self:
            session.hours = session.course_id.hours

    @api.depends(
        "attendance_ids.state", "attendance_ids.passed", "attendance_ids.satisfaction"
    )
    def _compute_stats(self):
        for session in self:
            attendances = session.attendance_ids.filtered(
                lambda a: a.state != "cancelled"
            )
            completed = attendances.filtered(lambda a: a.state == "completed")
            rated = attendances.filtered("satisfaction")
            session.attendee_count = len(attendances)
            session.completed_count = len(completed)
            session.passed_count = len(completed.filtered("passed"))
            session.pass_rate = (
                100.0 * session.passed_count / len(completed) if completed else 0.0
            )
            session.satisfaction_avg = (
                sum(int(a.satisfaction) for a in rated) / len(rated) if rated else 0.0
            )

    @api.depends("pass_rate", "satisfaction_avg", "completed_count")
    @api.depends_context("uid")
    def _compute_shared_stats(self):
        officer = self.env.user.has_group(OFFICER_GROUP)
        for session in self:
            facts = session.sudo()
            minimum = facts.company_id.trainlink_min_group_size
            rated = facts.attendance_ids.filtered(
                lambda a: a.state != "cancelled" and a.satisfaction
            )
            pass_shown = officer or facts.completed_count >= minimum
            rating_shown = officer or len(rated) >= minimum
            session.shared_pass_rate = facts.pass_rate if pass_shown else 0.0
            session.shared_satisfaction_avg = (
                facts.satisfaction_avg if rating_shown else 0.0
            )
            session.shared_stats_withheld = not (pass_shown and rating_shown)

    @api.depends("attendee_count", "course_id.cost_per_seat")
    def _compute_cost(self):
        for session in self:
            session.cost = session.attendee_count * session.course_id.cost_per_seat

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for session in self:
            if session.date_end < session.date_start:
                raise ValidationError(
                    _(
                        "Session %(session)s: the end date cannot be before the start "
                        "date.",
                        session=session.name,
                    )
                )

    @api.constrains("hours", "capacity")
    def _check_hours_capacity(self):
        for session in self:
            if session.hours < 0:
                raise ValidationError(
                    _(
                        "Session %(session)s: hours cannot be negative.",
                        session=session.name,
                    )
                )
            if session.capacity < 0:
                raise ValidationError(
                    _(
                        "Session %(session)s: the capacity cannot be negative.",
                        session=session.name,
                    )
                )

    @api.constrains("trainer_type", "trainer_id", "trainer_name")
    def _check_trainer(self):
        for session in self:
            if session.trainer_type == "external" and session.trainer_id:
                raise ValidationError(
                    _(
                        "Session %(session)s: an external trainer is named, not chosen "
                        "among employees.",
                        session=session.name,
                    )
                )

    @api.constrains("course_id", "company_id")
    def _check_course_company(self):
        for session in self:
            if session.course_id.company_id != session.company_id:
                raise ValidationError(
                    _(
                        "Session %(session)s: the course must belong to the same "
                        "company.",
                        session=session.name,
                    )
                )

    @api.onchange("trainer_type")
    def _onchange_trainer_type(self):
        if self.trainer_type == "external":
            self.trainer_id = False
        else:
            self.trainer_name = False

    def action_confirm(self):
        for session in self:
            if session.state != "draft":
                raise UserError(
                    _(
                        "Session %(session)s: only draft sessions can be confirmed.",
                        session=session.name,
                    )
                )
        self.write({"state": "confirmed"})
        return True

    def action_mark_all_present(self):
        self.attendance_ids.filtered(
            lambda a: a.state == "enrolled"
        ).action_mark_present()
        return True

    def action_done(self):
        for session in self:
            if session.state != "confirmed":
                raise UserError(
                    _(
                        "Session %(session)s: confirm the session before closing it.",
                        session=session.name,
                    )
                )
            unmarked = session.attendance_ids.filtered(lambda a: a.state == "enrolled")
            if unmarked:
                raise UserError(
                    _(
                        "Session %(session)s: record attendance for %(names)s "
                        "before closing it.",
                        session=session.name,
                        names=format_list(
                            self.env, sorted(unmarked.mapped("employee_id.name"))
                        ),
                    )
                )
        self.attendance_ids.filtered(lambda a: a.state == "attended").action_complete()
        self.write({"state": "done"})
        return True

    def action_cancel(self):
        for session in self:
            if session.state == "done":
                raise UserError(
                    _(
                        "Session %(session)s: a session that took place cannot be "
                        "cancelled.",
                        session=session.name,
                    )
                )
        self.check_access("write")
        # Cancelling the session cancels every seat, whoever holds it.
        self.attendance_ids.sudo().write({"state": "cancelled"})
        self.write({"state": "cancelled"})
        return True

    def action_reset_draft(self):
        self.filtered(lambda s: s.state == "cancelled").write({"state": "draft"})
        return True

    def action_open_enrol_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Enrol Employees"),
            "res_model": "trainlink.enrol.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_session_id": self.id,
                "default_course_id": self.course_id.id,
            },
        }

    def _enrol_employees(self, employees):
        """Enrol employees not yet in the session; return the new attendances."""
        self.ensure_one()
        if self.state in ("done", "cancelled"):
            raise UserError(
                _(
                    "Session %(session)s is closed: nobody can be enrolled.",
                    session=self.name,
                )
            )
        new_employees = employees - self.attendance_ids.employee_id
        if self.capacity and self.attendee_count + len(new_employees) > self.capacity:
            raise UserError(
                _(
                    "Session %(session)s has %(free)s free seats; %(count)s "
                    "employees cannot all be enrolled.",
                    session=self.name,
                    free=max(self.capacity - self.attendee_count, 0),
                    count=len(new_employees),
                )
            )
        return self.env["trainlink.attendance"].create(
            [
                {"session_id": self.id, "employee_id": employee.id}
                for employee in new_employees
            ]
        )
