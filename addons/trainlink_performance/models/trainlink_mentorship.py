from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

MANAGER_GROUP = "trainlink_performance.group_trainlink_manager"


class TrainlinkMentorship(models.Model):
    _name = "trainlink.mentorship"
    _description = "Mentor Assignment"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _rec_name = "mentor_id"

    plan_id = fields.Many2one(
        "trainlink.application.plan",
        string="Application Plan",
        required=True,
        ondelete="cascade",
        index=True,
    )
    employee_id = fields.Many2one(
        related="plan_id.employee_id", string="Mentee", store=True, index=True
    )
    course_id = fields.Many2one(related="plan_id.course_id", store=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    mentor_id = fields.Many2one(
        "hr.employee",
        required=True,
        tracking=True,
        index=True,
        help="A high performer who coaches the employee after the course.",
    )
    mentor_user_id = fields.Many2one(related="mentor_id.user_id", store=True)
    date_start = fields.Date(required=True, default=fields.Date.context_today)
    date_end = fields.Date(
        compute="_compute_date_end",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    coaching_notes = fields.Html()
    state = fields.Selection(
        [("active", "Active"), ("done", "Done")],
        default="active",
        required=True,
        tracking=True,
    )

    @api.depends("date_start")
    def _compute_date_end(self):
        for mentorship in self:
            months = (
                mentorship.plan_id.company_id or self.env.company
            ).trainlink_mentorship_months
            if mentorship.date_start:
                mentorship.date_end = mentorship.date_start + relativedelta(
                    months=months
                )

    @api.constrains("mentor_id", "plan_id")
    def _check_mentor(self):
        for mentorship in self:
            if mentorship.mentor_id == mentorship.plan_id.employee_id:
                raise ValidationError(
                    _(
                        "%(employee)s cannot be their own mentor.",
                        employee=mentorship.mentor_id.name,
                    )
                )

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for mentorship in self:
            if mentorship.date_end < mentorship.date_start:
                raise ValidationError(
                    _(
                        "Mentorship of %(employee)s: the end date cannot be before the "
                        "start date.",
                        employee=mentorship.employee_id.name,
                    )
                )

    def write(self, vals):
        # A mentor who is not a manager may write coaching notes only.
        if (
            not self.env.su
            and not self.env.user.has_group(MANAGER_GROUP)
            and set(vals) - {"coaching_notes"}
        ):
            raise AccessError(
                _(
                    "As a mentor you can write coaching notes; the assignment itself "
                    "is changed by the manager or a training officer."
                )
            )
        return super().write(vals)

    def action_done(self):
        self.write({"state": "done"})
        return True
