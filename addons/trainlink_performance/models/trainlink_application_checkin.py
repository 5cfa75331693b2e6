from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class TrainlinkApplicationCheckin(models.Model):
    _name = "trainlink.application.checkin"
    _description = "Weekly Application Check-in"
    _inherit = ["trainlink.guarded.mixin"]
    _order = "date desc, id desc"

    # A check-in rates how the employee applied the course: never recorded
    # by the employee about themselves, and signed by whoever records it.
    _trainlink_guarded_fields = frozenset({"reviewer_id"})
    _trainlink_personal_fields = frozenset({"plan_id", "date", "applied", "notes"})

    plan_id = fields.Many2one(
        "trainlink.application.plan", required=True, ondelete="cascade", index=True
    )
    employee_id = fields.Many2one(related="plan_id.employee_id", store=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    applied = fields.Boolean(help="The employee applied the course this week.")
    notes = fields.Text()
    reviewer_id = fields.Many2one(
        "res.users",
        string="Reviewed by",
        default=lambda self: self.env.user,
        readonly=True,
    )

    _sql_constraints = [
        (
            "plan_date_uniq",
            "unique(plan_id, date)",
            "This plan already has a check-in on this date.",
        ),
    ]

    @api.constrains("plan_id")
    def _check_plan_state(self):
        for checkin in self:
            if checkin.plan_id.state != "in_progress":
                raise ValidationError(
                    _(
                        "Plan %(plan)s is not in progress: check-ins are recorded "
                        "while the plan runs.",
                        plan=checkin.plan_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        checkins = super().create(vals_list)
        for checkin in checkins:
            plan = checkin.plan_id
            plan.activity_feedback(
                ["trainlink_performance.mail_activity_type_checkin"],
                feedback=_("Check-in recorded on %(date)s.", date=checkin.date),
            )
            plan._schedule_checkin_activity(after=checkin.date)
        return checkins
